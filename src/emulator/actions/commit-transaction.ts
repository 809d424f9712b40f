import type { Action } from './common';

export const commitTransaction: Action = {
  name: 'CommitTransaction',
  handle(req, { engine }) {
    engine.commitTransaction(engine.transaction(String(req.transactionId ?? '')));
    return {};
  },
};
