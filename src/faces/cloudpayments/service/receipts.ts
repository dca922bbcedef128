// CloudKassir receipts: /kkt/receipt keeps the receipt (answered Queued); /kkt/receipt/get reads it back.
import { uuid } from '../../../core/ids.js';
import type { JsonObject } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore, type Receipt } from '../store.js';

export interface NewReceipt {
  type: string;
  inn: string;
  invoiceId: string | null;
  accountId: string | null;
  customerReceipt: JsonObject;
}

export async function createReceipt(tx: Tx, ctx: FaceContext, merchantId: string, n: NewReceipt): Promise<Receipt> {
  const r: Receipt = { id: uuid(), merchantId, ...n, createdAt: ctx.engine.clock.now() };
  await cpStore.insertReceipt(tx, r);
  return r;
}

/** The merchant's receipt, or CloudPayments' not-found answer. */
export async function receiptOf(tx: Tx, merchantId: string, id: string): Promise<Receipt> {
  const r = await cpStore.getReceipt(tx, id);
  if (!r || r.merchantId !== merchantId) throw new CpError('Not found');
  return r;
}
