import type { Action } from './common';

/** The emulator has no search indexes; clean-up code calls this on every table, so it answers an empty list. */
export const listSearchIndex: Action = {
  name: 'ListSearchIndex',
  requestType: 'search.proto.ListSearchIndexRequest',
  responseType: 'search.proto.ListSearchIndexResponse',
  handle() {
    return { indices: [] };
  },
};
