import { writeOne, type Action } from './common';

/** Deletes every column and version of one row (spec §5.4). */
export const deleteRow: Action = {
  name: 'DeleteRow',
  handle: (req, ctx) => writeOne(req, ctx, req.primaryKey, 'deleteRow'),
};
