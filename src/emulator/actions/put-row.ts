import { writeOne, type Action } from './common';

/** Replaces a whole row (spec §5.1). */
export const putRow: Action = {
  name: 'PutRow',
  handle: (req, ctx) => writeOne(req, ctx, req.row, 'putRow'),
};
