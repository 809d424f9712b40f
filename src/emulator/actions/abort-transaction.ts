import type { Action } from './common';

/**
 * The Node SDK decodes this response with the request's message type, whose field 1 is required: answer
 * with the transaction id in field 1 (an empty AbortTransactionResponse would fail to decode there, and other
 * SDKs ignore the unknown field).
 */
export const abortTransaction: Action = {
  name: 'AbortTransaction',
  responseType: 'AbortTransactionRequest',
  handle(req, { engine }) {
    const tx = engine.transactions.get(String(req.transactionId ?? ''));
    engine.transactions.finish(tx);
    return { transactionId: tx.id };
  },
};
