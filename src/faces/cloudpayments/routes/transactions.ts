// Reading transactions: one by id (`/payments/get`), the latest of an invoice (`/payments/find`; v2 also finds
// refunds and payouts), and lists by day (`/payments/list`) or by period, page and status (`/v2/payments/list`).
// A transaction answers only to this face: another face's payments are not found here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAY } from '../../../core/clock.js';
import type { Tx } from '../../../core/ports.js';
import type { Subject } from '../../kit/request-context.js';
import { bodyFields, CpError } from '../http.js';
import { integer, localDate, names, text, timeZone } from '../parameters.js';
import { cpStore } from '../store.js';
import { coreStatusesFor, CP_STATUS_NAMES, isSuccessStatus, PAYMENT_STATUS, PAYOUT_STATUS } from '../wire.js';
import { paymentModel, refundModel } from '../wire/payment.js';
import { payoutModel } from '../wire/payout.js';
import type { TransactionModel, WireContext } from '../wire/transaction.js';
import { authed, look, modelBody, wireOf, type Routes } from './common.js';

/** /v2/payments/list's page. */
const LIST_PAGE_SIZE = 100;

interface Found {
  model: TransactionModel;
  success: boolean;
  subjects: Subject[];
}

/** The merchant's CloudPayments transaction with this id: a payment, a refund or a payout. */
async function transactionById(tx: Tx, merchantId: string, id: number, w: WireContext): Promise<Found | null> {
  const p = await tx.payments.get(id);
  if (p && p.merchantId === merchantId && p.face === 'cloudpayments')
    return { model: paymentModel(p, w), success: isSuccessStatus(PAYMENT_STATUS[p.status]), subjects: [['payment', p.id]] };
  const r = await tx.refunds.get(id);
  if (r && r.merchantId === merchantId) {
    const pay = await tx.payments.get(r.paymentId);
    if (pay && pay.face === 'cloudpayments')
      return {
        model: refundModel(r, pay, w),
        success: r.status === 'completed',
        subjects: [
          ['payment', pay.id],
          ['refund', r.id],
        ],
      };
  }
  const po = await tx.payouts.get(id);
  if (po && po.merchantId === merchantId && po.face === 'cloudpayments')
    return { model: payoutModel(po, w), success: isSuccessStatus(PAYOUT_STATUS[po.status]), subjects: [['payout', po.id]] };
  return null;
}

function foundBody(found: Found | null): unknown {
  if (!found) return { Success: false, Message: 'Not found' };
  return { Model: found.model, Success: found.success, Message: null };
}

export function registerTransactionRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/payments/get', async (req, reply) => {
    const a = authed(req);
    const id = integer(bodyFields(req), 'TransactionId', { required: true })!;
    return look(r, req, reply, {
      read: (tx) => transactionById(tx, a.merchant.id, id, wireOf(a)),
      subjects: (found) => found?.subjects ?? [],
      body: foundBody,
    });
  });

  const find = (all: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const a = authed(req);
    const invoiceId = text(bodyFields(req), 'InvoiceId', 100, true)!;
    return look(r, req, reply, {
      read: async (tx) => {
        const payments = await tx.payments.list({
          merchantId: a.merchant.id,
          face: 'cloudpayments',
          invoiceId,
          order: 'desc',
          limit: all ? 50 : 1,
        });
        const candidates: Array<{ at: number; id: number }> = payments.map((x) => ({ at: x.createdAt, id: x.id }));
        if (all) {
          for (const pay of payments) for (const x of await tx.refunds.list(pay.id)) candidates.push({ at: x.createdAt, id: x.id });
          for (const s of await cpStore.invoiceSubjects(tx, a.merchant.id, invoiceId))
            candidates.push({ at: s.createdAt, id: s.subjectId });
        }
        candidates.sort((x, y) => y.at - x.at || y.id - x.id);
        const latest = candidates[0];
        return latest ? transactionById(tx, a.merchant.id, latest.id, wireOf(a)) : null;
      },
      subjects: (found) => found?.subjects ?? [],
      body: foundBody,
    });
  };
  api.post('/payments/find', find(false));
  api.post('/v2/payments/find', find(true));

  api.post('/payments/list', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const offset = timeZone(f);
    const day = localDate(f, 'Date', offset, { required: true, dayOnly: true })!.at;
    return look(r, req, reply, {
      read: (tx) =>
        tx.payments.list({
          merchantId: a.merchant.id,
          face: 'cloudpayments',
          createdFrom: day,
          createdTo: day + DAY,
          order: 'asc',
          limit: 10_000,
        }),
      body: (list) => modelBody(list.map((x) => paymentModel(x, wireOf(a, offset)))),
    });
  });

  api.post('/v2/payments/list', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const offset = timeZone(f);
    const gte = localDate(f, 'CreatedDateGte', offset, { required: true })!;
    const lte = localDate(f, 'CreatedDateLte', offset, { required: true })!;
    const page = integer(f, 'PageNumber', { min: 1 }) ?? 1;
    const wanted = names(f, 'Statuses');
    if (wanted && wanted.some((n) => !CP_STATUS_NAMES.some((s) => s.toLowerCase() === n.toLowerCase())))
      throw new CpError('Invalid Statuses value');
    const statuses = wanted && wanted.length ? coreStatusesFor(wanted) : undefined;
    return look(r, req, reply, {
      read: (tx) =>
        tx.payments.list({
          merchantId: a.merchant.id,
          face: 'cloudpayments',
          createdFrom: gte.at,
          createdTo: lte.dateOnly ? lte.at + DAY : lte.at + 1,
          ...(statuses ? { statuses } : {}),
          order: 'asc',
          limit: LIST_PAGE_SIZE,
          offset: (page - 1) * LIST_PAGE_SIZE,
        }),
      body: (list) => modelBody(list.map((x) => paymentModel(x, wireOf(a, offset)))),
    });
  });
}
