// Way2Pay operator endpoints under /admin/api/faces/way2pay (behind the admin token): the pool of
// requisites payers transfer to, pay-ins awaiting confirmation, and the operator's confirmations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringifyWithBigints } from '../../core/bigint-json.js';
import { CoreError } from '../../core/errors.js';
import { parseMajor } from '../../core/money.js';
import type { FaceContext } from '../face.js';
import type { Way2PayService } from './service.js';
import { way2payStore as S } from './store.js';
import { isWay2PayError } from './http.js';
import { PAYIN_METHODS, type RequisiteKind } from './reference-data.js';
import { isStatus } from './wire.js';

const KINDS = [...new Set(Object.values(PAYIN_METHODS))] as RequisiteKind[];

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  const text = Buffer.isBuffer(b) ? b.toString('utf8').trim() : '';
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new CoreError('VALIDATION', 'the body must be a JSON object');
}

function str(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || !v.trim()) throw new CoreError('VALIDATION', `${key} is required`);
  return v.trim();
}

/** An optional decimal amount in the pay-in's currency. */
function amountOf(b: Record<string, unknown>, currency: string): bigint | undefined {
  if (b.amount === undefined || b.amount === null || b.amount === '') return undefined;
  if (typeof b.amount !== 'string' && typeof b.amount !== 'number') throw new CoreError('AMOUNT_INVALID');
  return parseMajor(b.amount, currency);
}

export function registerWay2payAdmin(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  const { engine } = ctx;
  // money is bigint minor units: sent as strings
  app.setReplySerializer((payload) => stringifyWithBigints(payload));
  // face errors become the admin API's {error} answers
  app.setErrorHandler((err, _req, reply: FastifyReply) => {
    const own = (err as { status?: unknown }).status;
    const status =
      typeof own === 'number'
        ? own
        : err instanceof CoreError
          ? err.code.endsWith('NOT_FOUND')
            ? 404
            : err.code === 'INVALID_STATE'
              ? 409
              : 400
          : 500;
    return reply.code(status).send({
      error: (err as Error).message,
      ...(isWay2PayError(err) ? { code: err.code } : err instanceof CoreError ? { code: err.code } : {}),
    });
  });

  app.get('/requisites', async (req) => {
    const merchant = String((req.query as { merchant?: string }).merchant ?? '');
    if (!merchant) throw new CoreError('VALIDATION', 'merchant is required');
    return engine.read((tx) => S.listRequisites(tx, merchant));
  });

  app.post('/requisites', async (req, reply) => {
    const b = body(req);
    const merchant = str(b, 'merchant');
    const kind = str(b, 'kind') as RequisiteKind;
    if (!KINDS.includes(kind)) throw new CoreError('VALIDATION', `kind must be one of ${KINDS.join(', ')}`);
    const bank = typeof b.bank === 'number' ? b.bank : str(b, 'bank');
    const r = await engine.transaction(async (tx) => {
      if (!(await tx.merchants.get(merchant))) throw new CoreError('MERCHANT_NOT_FOUND');
      // pay-ins waiting for requisites get them now
      const waiting = (await S.listWaitingPayIns(tx, merchant)).length;
      const requisite = await svc.addRequisite(tx, merchant, { bank, kind, value: str(b, 'value'), holder: str(b, 'holder') });
      return { requisite, assigned: waiting - (await S.listWaitingPayIns(tx, merchant)).length };
    });
    return reply.code(201).send(r);
  });

  app.patch('/requisites/:id', async (req) => {
    const b = body(req);
    const merchant = str(b, 'merchant');
    if (typeof b.active !== 'boolean') throw new CoreError('VALIDATION', 'active must be a boolean');
    const id = Number((req.params as { id: string }).id);
    await engine.transaction((tx) => svc.setRequisiteActive(tx, merchant, id, b.active as boolean));
    return { id, active: b.active };
  });

  app.get('/pay-ins', async (req) => {
    const q = req.query as { merchant?: string; status?: string; limit?: string; offset?: string };
    if (!q.merchant) throw new CoreError('VALIDATION', 'merchant is required');
    if (q.status && !isStatus(q.status)) throw new CoreError('VALIDATION', 'unknown status');
    return engine.read((tx) =>
      S.listPayIns(tx, {
        merchantId: q.merchant!,
        ...(q.status && isStatus(q.status) ? { status: q.status } : {}),
        limit: Math.min(Number(q.limit ?? 50) || 50, 500),
        offset: Number(q.offset ?? 0) || 0,
      }),
    );
  });

  /** The operator confirms the payer's transfer (a different amount gives INCORRECT_AMOUNT). */
  app.post('/pay-ins/:id/confirm', async (req) => {
    const b = body(req);
    const id = (req.params as { id: string }).id;
    return engine.transaction(async (tx) => {
      const p = await svc.getPayIn(tx, id);
      return svc.confirmPayIn(tx, p.id, amountOf(b, p.currency));
    });
  });
  app.post('/pay-ins/:id/fail', async (req) => engine.transaction((tx) => svc.failPayIn(tx, (req.params as { id: string }).id)));
  app.post('/pay-ins/:id/refund', async (req) => engine.transaction((tx) => svc.refundPayIn(tx, (req.params as { id: string }).id)));
  app.post('/pay-outs/:id/complete', async (req) => engine.transaction((tx) => svc.completePayOut(tx, (req.params as { id: string }).id)));
  app.post('/pay-outs/:id/fail', async (req) => engine.transaction((tx) => svc.failPayOut(tx, (req.params as { id: string }).id)));

  /** Tops up a merchant's payment or payout balance (sandbox money). */
  app.post('/balance', async (req) => {
    const b = body(req);
    const merchant = str(b, 'merchant');
    const currency = typeof b.currency === 'string' ? b.currency.toUpperCase() : 'RUB';
    const which = b.balance ?? 'payout';
    if (which !== 'payout' && which !== 'payment') throw new CoreError('VALIDATION', 'balance must be "payout" or "payment"');
    const amount = amountOf(b, currency);
    if (amount === undefined || amount <= 0n) throw new CoreError('AMOUNT_INVALID', 'amount must be positive');
    return engine.transaction(async (tx) => {
      await svc.deposit(tx, merchant, currency, amount, which);
      return svc.balances(tx, merchant, currency);
    });
  });
}
