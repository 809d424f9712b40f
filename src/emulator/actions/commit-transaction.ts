import type { Action } from './common';

export const commitTransaction: Action = {
  name: 'CommitTransaction',
  handle(req, { engine }) {
    engine.commitTransaction(engine.transactions.get(String(req.transactionId ?? '')));
    return {};
  },
};
