// CloudKassir receipts: `/kkt/receipt` (validated, kept, answered Queued with its Id) and `/kkt/receipt/get {Id}`
// (the receipt in the documented envelope; an unknown Id is not found).
import type { FastifyInstance } from 'fastify';
import { bodyFields, CpError } from '../http.js';
import { object, text } from '../parameters.js';
import { createReceipt, receiptOf } from '../service.js';
import { receiptModel } from '../wire/receipt.js';
import { authed, change, look, type Routes } from './common.js';

const RECEIPT_TYPES = ['Income', 'IncomeReturn', 'Expense', 'ExpenseReturn'] as const;
/** The subject type of a receipt in the request log. */
const RECEIPT_SUBJECT = 'cloudpayments_receipt';

export function registerKktRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/kkt/receipt', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const given = text(f, 'Type', 20, true)!;
    const type = RECEIPT_TYPES.find((t) => t.toLowerCase() === given.toLowerCase());
    if (!type) throw new CpError('Invalid Type value');
    const inn = text(f, 'Inn', 12, true)!;
    if (!/^\d{10}(\d{2})?$/.test(inn)) throw new CpError('Invalid Inn value');
    const receipt = object(f, 'CustomerReceipt');
    if (!receipt) throw new CpError('CustomerReceipt is required');
    const items = (receipt.Items ?? receipt.items) as unknown;
    if (!Array.isArray(items) || items.length === 0) throw new CpError('CustomerReceipt.Items is required');
    for (const it of items) {
      const i = it as Record<string, unknown> | null;
      if (
        !i ||
        typeof i !== 'object' ||
        typeof i.label !== 'string' ||
        typeof i.price !== 'number' ||
        typeof i.quantity !== 'number' ||
        typeof i.amount !== 'number'
      )
        throw new CpError('Invalid CustomerReceipt.Items value');
    }
    const invoiceId = text(f, 'InvoiceId', 100) ?? null;
    const accountId = text(f, 'AccountId', 200) ?? null;
    return change(r, req, reply, {
      work: (tx) => createReceipt(tx, r.ctx, a.merchant.id, { type, inn, invoiceId, accountId, customerReceipt: receipt }),
      subjects: (x) => [[RECEIPT_SUBJECT, x.id]],
      body: (x) => ({ Model: { Id: x.id, ErrorCode: 0, ReceiptLocalUrl: null }, InnerResult: null, Success: true, Message: 'Queued' }),
    });
  });

  api.post('/kkt/receipt/get', async (req, reply) => {
    const a = authed(req);
    const id = text(bodyFields(req), 'Id', 100, true)!;
    return look(r, req, reply, {
      read: (tx) => receiptOf(tx, a.merchant.id, id),
      subjects: (x) => [[RECEIPT_SUBJECT, x.id]],
      body: (x) => ({ Model: receiptModel(x), InnerResult: null, Success: true, Message: null }),
    });
  });
}
