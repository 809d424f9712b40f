import { writeOne, type Action } from './common';

/** PUT / DELETE one version / DELETE_ALL / INCREMENT on columns of one row (spec §5.2, §5.3). */
export const updateRow: Action = {
  name: 'UpdateRow',
  handle: (req, ctx) => writeOne(req, ctx, req.rowChange, 'updateRow'),
};
