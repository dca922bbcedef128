// CloudPayments API routes under the face's prefix. Every method is POST with a JSON or
// form body and HTTP Basic auth, except /test, /payments/publickey and /checkout.js. Answers are
// `{Model?, Success, Message}`; errors `{"Success":false,"Message":…}`. X-Request-ID makes a request
// idempotent: a successful answer is kept for an hour and replayed byte for byte (the same ID with another
// endpoint or body is refused). A transaction answers only to this face. At most N authenticated
// requests of one terminal run at once (limits.ts); the rest are answered 429.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAY, HOUR } from '../../core/clock.js';
import { sha256Hex } from '../../core/crypto.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import { randomToken, uuid } from '../../core/ids.js';
import type { Json, JsonObject, Payment } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { StoredResponse } from '../../core/idempotency.js';
import type { FaceContext } from '../face.js';
import { annotate } from '../kit/request-context.js';
import { isHttpUrl } from '../kit/urls.js';
import { checkoutScript } from './checkout-script.js';
import { decodeCryptogram, type KeyRing } from './cryptogram.js';
import { checkCardInput, payInTx, payoutInTx, prepare, renderCharge, renderPayout, tokenCard, withToken, type PayInput } from './flows.js';
import { tooManyRequests, type ConcurrencyLimiter } from './limits.js';
import {
  authenticate,
  bodyParams,
  CpError,
  JSON_TYPE,
  ok,
  parseUtcDate,
  rawText,
  sendJson,
  toWire,
  type Authed,
  type Params,
} from './http.js';
import { registerOrderPages, orderUrl } from './pages.js';
import { cpStore, NOTIFICATION_TYPES, type NotificationSettings, type NotificationType, type Order, type Subscription } from './store.js';
import { addInterval, isLive, newSubscriptionId, saveSubscription } from './subscriptions.js';
import {
  coreStatusesFor,
  CP_STATUS_NAMES,
  isSuccessStatus,
  orderModel,
  PAYMENT_STATUS,
  PAYOUT_STATUS,
  paymentModel,
  payoutModel,
  refundModel,
  subscriptionModel,
  TIME_ZONES,
  type Interval,
  type TransactionModel,
  type WireContext,
} from './wire.js';

declare module 'fastify' {
  interface FastifyRequest {
    cloudpayments?: Authed;
  }
}

export const IDEMPOTENCY_TTL = HOUR;
export const REFUND_WINDOW = 365 * DAY;
export const LIST_PAGE_SIZE = 100;

function successOf(body: string): boolean {
  try {
    return (JSON.parse(body) as { Success?: unknown }).Success === true;
  } catch {
    return false;
  }
}

function wire(a: Authed, offsetMinutes = 0): WireContext {
  return { publicId: a.credential.key, offsetMinutes };
}

function requestId(req: FastifyRequest): string | null {
  const v = req.headers['x-request-id'];
  const key = Array.isArray(v) ? v[0] : v;
  if (key === undefined || key.trim() === '') return null;
  if (key.length > 200) throw new CpError('Invalid X-Request-ID value');
  return key.trim();
}

function timeZone(p: Params): number {
  const tz = p.str('TimeZone', { max: 10 });
  if (tz === undefined) return 0;
  const off = TIME_ZONES[tz.trim().toUpperCase()];
  if (off === undefined) throw new CpError('Invalid TimeZone value');
  return off;
}

function interval(v: string): Interval {
  const i = (['Day', 'Week', 'Month'] as const).find((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (!i) throw new CpError('Invalid Interval value');
  return i;
}

/** An absolute http(s) URL without control characters. */
function httpUrl(p: Params, name: string): string | undefined {
  const v = p.str(name, { max: 2000 });
  if (v === undefined) return undefined;
  if (!isHttpUrl(v)) throw new CpError(`Invalid ${name} value`);
  return v;
}

function notificationType(raw: string): NotificationType {
  const t = NOTIFICATION_TYPES.find((x) => x.toLowerCase() === raw.toLowerCase());
  if (!t) throw new CpError('Invalid notification type');
  return t;
}

function settingsModel(s: NotificationSettings): JsonObject {
  return { IsEnabled: s.isEnabled, Address: s.address, HttpMethod: s.httpMethod, Encoding: s.encoding, Format: s.format };
}

function cardMask(first6: string, last4: string): string {
  return `${first6.slice(0, 4)} ${first6.slice(4)}****** ${last4}`;
}

export interface RouteOptions {
  /** the per-terminal concurrent request limit; null: no limit */
  limiter?: ConcurrencyLimiter | null;
}

export function registerCloudPaymentsRoutes(app: FastifyInstance, ctx: FaceContext, keys: KeyRing, opts: RouteOptions = {}): void {
  const { engine } = ctx;
  const limiter = opts.limiter ?? null;

  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'cloudpayments request failed');
    if (w.status === 401) reply.header('www-authenticate', 'Basic realm="CloudPayments API"');
    return sendJson(reply, { Success: false, Message: w.message }, w.status);
  });
  app.setNotFoundHandler((_req, reply) => sendJson(reply, { Success: false, Message: 'Not found' }, 404));

  // ---- without authentication
  const test = async (_req: FastifyRequest, reply: FastifyReply) => sendJson(reply, { Success: true, Message: uuid() });
  app.post('/test', test);
  app.get('/test', test);

  const publicKey = async (_req: FastifyRequest, reply: FastifyReply) => {
    const key = await keys.get();
    return sendJson(reply, { Pem: key.publicPem, Version: key.version });
  };
  app.get('/payments/publickey', publicKey);
  app.post('/payments/publickey', publicKey);

  app.get('/checkout.js', async (_req, reply) => {
    const key = await keys.get();
    return reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*')
      .send(checkoutScript(key));
  });

  registerOrderPages(app, ctx);

  // ---- the authenticated API
  app.register(async (api) => {
    api.addHook('preHandler', async (req, reply) => {
      const a = await authenticate(req, ctx);
      req.cloudpayments = a;
      annotate(req, { merchantId: a.merchant.id });
      if (limiter) {
        // a slot per terminal from here until the response is written (or the connection closes)
        const release = limiter.acquire(a.credential.key);
        if (!release) throw new CpError(tooManyRequests(limiter.max), 429);
        reply.raw.once('close', release);
      }
    });

    const scope = (a: Authed) => `cloudpayments:${a.merchant.id}`;
    /** What an X-Request-ID stands for: the endpoint and the exact body (a reuse with another one is refused). */
    const requestHash = (req: FastifyRequest) => sha256Hex(`${req.routeOptions.url ?? req.url}\n${rawText(req)}`);

    /** Runs a command in one transaction; with X-Request-ID, idempotently (successes kept for an hour). */
    const command = async (req: FastifyRequest, reply: FastifyReply, work: (tx: Tx) => Promise<JsonObject>): Promise<FastifyReply> => {
      const a = req.cloudpayments!;
      const key = requestId(req);
      const render = async (tx: Tx): Promise<StoredResponse> => ({
        status: 200,
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify(await work(tx)),
      });
      const res = key
        ? await engine.idempotency.run(
            {
              scope: scope(a),
              key,
              requestHash: requestHash(req),
              compareRequest: true,
              ttlMs: IDEMPOTENCY_TTL,
              keep: (r) => successOf(r.body),
            },
            render,
          )
        : await engine.transaction(render);
      return reply.code(res.status).headers(res.headers).send(res.body);
    };

    /** A kept answer for this X-Request-ID, replayed before any side effect (the Check notification). */
    const kept = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | null> => {
      const key = requestId(req);
      if (!key) return null;
      const rec = await engine.read((tx) => tx.idempotency.get(scope(req.cloudpayments!), key));
      if (!rec || rec.expiresAt <= engine.clock.now()) return null;
      if (rec.requestHash !== requestHash(req)) throw new CoreError('IDEMPOTENCY_CONFLICT');
      return reply.code(rec.responseStatus).headers(rec.responseHeaders).send(rec.responseBody);
    };

    /**
     * A payment of this merchant made through CloudPayments (another face's payments are not found here: each
     * answers only to the face that created it); the operation's INVALID_STATE becomes a CloudPayments message.
     */
    const stateGuard = async <T>(tx: Tx, a: Authed, id: number, action: string, fn: (p: Payment) => Promise<T>): Promise<T> => {
      const p = await engine.payments.get(tx, id, a.merchant.id);
      if (p.face !== 'cloudpayments') throw new CoreError('PAYMENT_NOT_FOUND');
      try {
        return await fn(p);
      } catch (e) {
        if (isCoreError(e, 'INVALID_STATE'))
          throw new CpError(`Transaction ${id} cannot be ${action}: its status is ${PAYMENT_STATUS[p.status].name}`);
        throw e;
      }
    };

    const pay = async (req: FastifyRequest, reply: FastifyReply, input: PayInput) => {
      const replay = await kept(req, reply);
      if (replay) return replay;
      const prepared = await prepare(ctx, input);
      return command(req, reply, async (tx) => renderCharge(ctx, await payInTx(tx, ctx, input, prepared), wire(req.cloudpayments!), req));
    };

    // -- payments by cryptogram
    const cryptogramPayment = (captureMode: 'auto' | 'manual') => async (req: FastifyRequest, reply: FastifyReply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const currency = p.currency();
      const amount = p.amount(currency)!;
      // required by the docs, yet the documented example omits it: accepted without
      const ip = p.str('IpAddress', { max: 64 });
      const packet = p.str('CardCryptogramPacket', { required: true, max: 8192 })!;
      const name = p.str('Name', { max: 100 });
      const card = decodeCryptogram(await keys.get(), packet, a.credential.key);
      const cardInput = { number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvv: card.cvv, holder: name };
      checkCardInput(cardInput);
      const input: PayInput = {
        merchant: a.merchant,
        amount,
        currency,
        captureMode,
        invoiceId: p.str('InvoiceId', { max: 100 }),
        accountId: p.str('AccountId', { max: 200 }),
        email: p.str('Email', { max: 200 }),
        description: p.str('Description', { max: 1000 }),
        ip,
        name,
        jsonData: p.json('JsonData'),
        cultureName: p.str('CultureName', { max: 10 }),
        payer: p.obj('Payer'),
        source: { kind: 'card', card: cardInput },
      };
      return pay(req, reply, input);
    };
    api.post('/payments/cards/charge', cryptogramPayment('auto'));
    api.post('/payments/cards/auth', cryptogramPayment('manual'));

    api.post('/payments/cards/post3ds', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.int('TransactionId', { required: true })!;
      const paRes = p.str('PaRes', { required: true, max: 10_000 })!;
      return command(req, reply, async (tx) => {
        const r = await stateGuard(tx, a, id, 'authenticated', async (pm) => {
          if (pm.status !== 'requires_authentication')
            throw new CpError(
              `Transaction ${id} is not awaiting 3-D Secure authentication: its status is ${PAYMENT_STATUS[pm.status].name}`,
            );
          return engine.payments.completeAuthentication(tx, id, paRes);
        });
        if (r.kind === 'approved')
          return renderCharge(ctx, { kind: 'approved', payment: await withToken(tx, ctx, r.payment) }, wire(a), req);
        return renderCharge(ctx, r, wire(a), req);
      });
    });

    // -- payments by token
    const tokenPayment = (captureMode: 'auto' | 'manual') => async (req: FastifyRequest, reply: FastifyReply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const currency = p.currency();
      const amount = p.amount(currency)!;
      const accountId = p.str('AccountId', { required: true, max: 200 })!;
      const token = p.str('Token', { required: true, max: 200 })!;
      const initiator = p.int('TrInitiatorCode', { max: 1 });
      p.int('PaymentScheduled', { max: 1 });
      const card = await engine.read((tx) => tokenCard(tx, a.merchant.id, token, accountId));
      void initiator;
      return pay(req, reply, {
        merchant: a.merchant,
        amount,
        currency,
        captureMode,
        invoiceId: p.str('InvoiceId', { max: 100 }),
        accountId,
        email: p.str('Email', { max: 200 }),
        description: p.str('Description', { max: 1000 }),
        ip: p.str('IpAddress', { max: 64 }),
        name: p.str('Name', { max: 100 }) ?? card.holder,
        jsonData: p.json('JsonData'),
        cultureName: p.str('CultureName', { max: 10 }),
        payer: p.obj('Payer'),
        source: { kind: 'token', token, card },
      });
    };
    api.post('/payments/tokens/charge', tokenPayment('auto'));
    api.post('/payments/tokens/auth', tokenPayment('manual'));

    // -- two-stage: confirm and void; refunds
    api.post('/payments/confirm', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.int('TransactionId', { required: true })!;
      const jsonData = p.json('JsonData');
      return command(req, reply, async (tx) => {
        await stateGuard(tx, a, id, 'confirmed', async (pm) => {
          const amount = p.amount(pm.currency, { required: false });
          const captured = await engine.payments.capture(tx, id, amount ?? null, a.merchant.id);
          if (jsonData !== undefined) await engine.payments.setMetadata(tx, captured, { ...captured.metadata, confirmJsonData: jsonData });
        });
        return ok();
      });
    });

    api.post('/payments/void', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.int('TransactionId', { required: true })!;
      return command(req, reply, async (tx) => {
        await stateGuard(tx, a, id, 'cancelled', () => engine.payments.void(tx, id, { merchantId: a.merchant.id }));
        return ok();
      });
    });

    api.post('/payments/refund', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.int('TransactionId', { required: true })!;
      const jsonData = p.json('JsonData');
      return command(req, reply, async (tx) => {
        const { refund } = await stateGuard(tx, a, id, 'refunded', async (pm) => {
          const amount = p.amount(pm.currency, { required: false });
          return engine.payments.refund(tx, id, amount ?? null, {
            merchantId: a.merchant.id,
            refundWindowMs: REFUND_WINDOW,
            metadata: jsonData === undefined ? {} : { jsonData },
          });
        });
        return { Model: { TransactionId: refund.id }, Success: true, Message: null };
      });
    });

    // -- payouts
    api.post('/payments/cards/topup', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const currency = p.currency();
      const amount = p.amount(currency)!;
      const packet = p.str('CardCryptogramPacket', { required: true, max: 8192 })!;
      const name = p.str('Name', { max: 100 });
      const card = decodeCryptogram(await keys.get(), packet, a.credential.key);
      checkCardInput({ number: card.number, expMonth: card.expMonth, expYear: card.expYear });
      const input = {
        merchant: a.merchant,
        amount,
        currency,
        accountId: p.str('AccountId', { max: 200 }),
        email: p.str('Email', { max: 200 }),
        description: p.str('Description', { max: 1000 }),
        invoiceId: p.str('InvoiceId', { max: 100 }),
        name,
        jsonData: p.json('JsonData'),
        cultureName: p.str('CultureName', { max: 10 }),
        ip: p.str('IpAddress', { max: 64 }),
        payer: p.obj('Payer'),
        receiver: p.obj('Receiver'),
        target: {
          kind: 'card' as const,
          card: { number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvv: card.cvv, holder: name },
        },
      };
      return command(req, reply, async (tx) => renderPayout(await payoutInTx(tx, ctx, input), wire(a)));
    });

    const tokenTopup = async (req: FastifyRequest, reply: FastifyReply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const currency = p.currency();
      const amount = p.amount(currency)!;
      const token = p.str('Token', { required: true, max: 200 })!;
      const accountId = p.str('AccountId', { required: true, max: 200 })!;
      const card = await engine.read((tx) => tokenCard(tx, a.merchant.id, token, accountId));
      const input = {
        merchant: a.merchant,
        amount,
        currency,
        accountId,
        email: p.str('Email', { max: 200 }),
        description: p.str('Description', { max: 1000 }),
        invoiceId: p.str('InvoiceId', { max: 100 }),
        name: p.str('Name', { max: 100 }) ?? card.holder,
        jsonData: p.json('JsonData'),
        cultureName: p.str('CultureName', { max: 10 }),
        payer: p.obj('Payer'),
        receiver: p.obj('Receiver'),
        target: { kind: 'token' as const, token, card },
      };
      return command(req, reply, async (tx) => renderPayout(await payoutInTx(tx, ctx, input), wire(a)));
    };
    api.post('/payments/token/topup', tokenTopup);
    // the npm client asks for "/payments/token/topup " (a trailing space): accept it as %20 too
    api.post('/payments/token/topup ', tokenTopup);

    // -- reading transactions
    const transactionById = async (
      tx: Tx,
      a: Authed,
      id: number,
      w: WireContext,
    ): Promise<{ model: TransactionModel; success: boolean } | null> => {
      const p = await tx.payments.get(id);
      if (p && p.merchantId === a.merchant.id && p.face === 'cloudpayments')
        return { model: paymentModel(p, w), success: isSuccessStatus(PAYMENT_STATUS[p.status]) };
      const r = await tx.refunds.get(id);
      if (r && r.merchantId === a.merchant.id) {
        const pay = await tx.payments.get(r.paymentId);
        if (pay && pay.face === 'cloudpayments') return { model: refundModel(r, pay, w), success: r.status === 'completed' };
      }
      const po = await tx.payouts.get(id);
      if (po && po.merchantId === a.merchant.id && po.face === 'cloudpayments')
        return { model: payoutModel(po, w), success: isSuccessStatus(PAYOUT_STATUS[po.status]) };
      return null;
    };

    api.post('/payments/get', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.int('TransactionId', { required: true })!;
      const found = await engine.read((tx) => transactionById(tx, a, id, wire(a)));
      if (!found) return sendJson(reply, { Success: false, Message: 'Not found' });
      return sendJson(reply, { Model: found.model, Success: found.success, Message: null });
    });

    const find = (all: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const invoiceId = p.str('InvoiceId', { required: true, max: 100 })!;
      const found = await engine.read(async (tx) => {
        const payments = await tx.payments.list({
          merchantId: a.merchant.id,
          face: 'cloudpayments',
          invoiceId,
          order: 'desc',
          limit: all ? 50 : 1,
        });
        const candidates: Array<{ at: number; id: number }> = payments.map((x) => ({ at: x.createdAt, id: x.id }));
        if (all) {
          for (const pay of payments) for (const r of await tx.refunds.list(pay.id)) candidates.push({ at: r.createdAt, id: r.id });
          for (const s of await cpStore.invoiceSubjects(tx, a.merchant.id, invoiceId))
            candidates.push({ at: s.createdAt, id: s.subjectId });
        }
        candidates.sort((x, y) => y.at - x.at || y.id - x.id);
        const latest = candidates[0];
        return latest ? transactionById(tx, a, latest.id, wire(a)) : null;
      });
      if (!found) return sendJson(reply, { Success: false, Message: 'Not found' });
      return sendJson(reply, { Model: found.model, Success: found.success, Message: null });
    };
    api.post('/payments/find', find(false));
    api.post('/v2/payments/find', find(true));

    /** A date in a time zone: its instant, and whether only a date (no time) was given. */
    const localDate = (v: string, name: string, offset: number): { at: number; dateOnly: boolean } => {
      const at = parseUtcDate(v, name);
      const hasZone = /(Z|[+-]\d{2}:?\d{2})\s*$/i.test(v.trim()) && /[T ]\d/.test(v);
      return { at: hasZone ? at : at - offset * 60_000, dateOnly: !/[T ]\d/.test(v.trim()) };
    };

    api.post('/payments/list', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const offset = timeZone(p);
      const date = p.str('Date', { required: true, max: 40 })!;
      const day = localDate(date.trim().slice(0, 10), 'Date', offset).at;
      const list = await engine.read((tx) =>
        tx.payments.list({
          merchantId: a.merchant.id,
          face: 'cloudpayments',
          createdFrom: day,
          createdTo: day + DAY,
          order: 'asc',
          limit: 10_000,
        }),
      );
      return sendJson(reply, { Model: list.map((x) => paymentModel(x, wire(a, offset))), Success: true, Message: null });
    });

    api.post('/v2/payments/list', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const offset = timeZone(p);
      const gte = localDate(p.str('CreatedDateGte', { required: true, max: 40 })!, 'CreatedDateGte', offset);
      const lte = localDate(p.str('CreatedDateLte', { required: true, max: 40 })!, 'CreatedDateLte', offset);
      const page = p.int('PageNumber', { min: 1 }) ?? 1;
      const names = p.list('Statuses');
      if (names && names.some((n) => !CP_STATUS_NAMES.some((s) => s.toLowerCase() === n.toLowerCase())))
        throw new CpError('Invalid Statuses value');
      const statuses = names && names.length ? coreStatusesFor(names) : undefined;
      const list = await engine.read((tx) =>
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
      );
      return sendJson(reply, { Model: list.map((x) => paymentModel(x, wire(a, offset))), Success: true, Message: null });
    });

    api.post('/payments/tokens/list', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const page = p.int('PageNumber', { min: 1 }) ?? 1;
      const items = await engine.read(async (tx) => {
        const tokens = await tx.cardTokens.list(a.merchant.id, 'cloudpayments', 1000, (page - 1) * 1000);
        const out: JsonObject[] = [];
        for (const t of tokens) {
          const card = await tx.cards.get(t.cardId);
          if (!card) continue;
          out.push({
            Token: t.token,
            AccountId: t.payerRef,
            CardMask: cardMask(card.first6, card.last4),
            ExpirationDateMonth: card.expMonth,
            ExpirationDateYear: card.expYear,
          });
        }
        return out;
      });
      return sendJson(reply, { Model: items, Success: true, Message: null });
    });

    api.post('/chargebacks/list', async (req, reply) => {
      const p = bodyParams(req);
      const offset = 0;
      for (const n of ['CreatedDateGte', 'CreatedDateLte']) {
        const v = p.str(n, { max: 40 });
        if (v !== undefined) localDate(v, n, offset);
      }
      p.int('PageNumber', { min: 1 });
      // the sandbox network raises no chargebacks
      return sendJson(reply, { Model: [], Success: true, Message: null });
    });

    // -- subscriptions
    const subscriptionOf = async (tx: Tx, a: Authed, id: string, lock = false): Promise<Subscription> => {
      const s = lock ? await cpStore.lockSubscription(tx, id) : await cpStore.getSubscription(tx, id);
      if (!s || s.merchantId !== a.merchant.id) throw new CpError('Not found');
      return s;
    };

    api.post('/subscriptions/create', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const token = p.str('Token', { required: true, max: 200 })!;
      const accountId = p.str('AccountId', { required: true, max: 200 })!;
      const description = p.str('Description', { required: true, max: 1000 })!;
      const email = p.str('Email', { max: 200 }) ?? null;
      const currency = p.currency();
      const amount = p.amount(currency)!;
      const requireConfirmation = p.bool('RequireConfirmation', ['RequireConfiramtion']) ?? false;
      const startDate = parseUtcDate(p.str('StartDate', { required: true, max: 40 })!, 'StartDate');
      const iv = interval(p.str('Interval', { required: true, max: 10 })!);
      const period = p.int('Period', { required: true, min: 1, max: 1000 })!;
      const maxPeriods = p.int('MaxPeriods', { min: 1, max: 100_000 }) ?? null;
      const receipt = (p.json('CustomerReceipt') ?? null) as Json;
      const cultureName = p.str('CultureName', { max: 10 }) ?? null;
      return command(req, reply, async (tx) => {
        const card = await tokenCard(tx, a.merchant.id, token, accountId);
        const now = engine.clock.now();
        const sub: Subscription = {
          id: newSubscriptionId(),
          merchantId: a.merchant.id,
          accountId,
          token,
          cardId: card.id,
          description,
          email,
          amount,
          currency,
          requireConfirmation,
          startDate,
          interval: iv,
          period,
          maxPeriods,
          cultureName,
          status: 'Active',
          successful: 0,
          failed: 0,
          lastTransactionAt: null,
          nextTransactionAt: startDate,
          periodAt: startDate,
          receipt,
          createdAt: now,
          updatedAt: now,
        };
        await saveSubscription(tx, ctx, sub, null, { insert: true });
        return { Model: subscriptionModel(sub), Success: true, Message: null };
      });
    });

    api.post('/subscriptions/get', async (req, reply) => {
      const a = req.cloudpayments!;
      const id = bodyParams(req).str('Id', { required: true, max: 100 })!;
      const sub = await engine.read((tx) => subscriptionOf(tx, a, id));
      return sendJson(reply, { Model: subscriptionModel(sub), Success: true, Message: null });
    });

    api.post('/subscriptions/find', async (req, reply) => {
      const a = req.cloudpayments!;
      const accountId = bodyParams(req).str('AccountId', { required: true, max: 200 })!;
      const list = await engine.read((tx) => cpStore.findSubscriptions(tx, a.merchant.id, accountId));
      return sendJson(reply, { Model: list.map(subscriptionModel), Success: true, Message: null });
    });

    api.post('/subscriptions/update', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const id = p.str('Id', { required: true, max: 100 })!;
      const description = p.str('Description', { max: 1000 });
      const email = p.str('Email', { max: 200 });
      const currencyGiven = p.has('Currency') ? p.currency() : undefined;
      const requireConfirmation = p.bool('RequireConfirmation', ['RequireConfiramtion']);
      const startText = p.str('StartDate', { max: 40 });
      const startDate = startText === undefined ? undefined : parseUtcDate(startText, 'StartDate');
      const ivText = p.str('Interval', { max: 10 });
      const iv = ivText === undefined ? undefined : interval(ivText);
      const period = p.int('Period', { min: 1, max: 1000 });
      const maxPeriods = p.int('MaxPeriods', { min: 1, max: 100_000 });
      const receipt = p.json('CustomerReceipt');
      const cultureName = p.str('CultureName', { max: 10 });
      return command(req, reply, async (tx) => {
        const sub = await subscriptionOf(tx, a, id, true);
        const before = sub.status;
        const currency = currencyGiven ?? sub.currency;
        const amount = p.amount(currency, { required: false });
        if (currencyGiven !== undefined && amount === undefined && currencyGiven !== sub.currency) throw new CpError('Amount is required');
        if (description !== undefined) sub.description = description;
        if (email !== undefined) sub.email = email;
        sub.currency = currency;
        if (amount !== undefined) sub.amount = amount;
        if (requireConfirmation !== undefined) sub.requireConfirmation = requireConfirmation;
        if (iv !== undefined) sub.interval = iv;
        if (period !== undefined) sub.period = period;
        if (maxPeriods !== undefined) sub.maxPeriods = maxPeriods;
        if (receipt !== undefined) sub.receipt = receipt;
        if (cultureName !== undefined) sub.cultureName = cultureName;
        const now = engine.clock.now();
        if (startDate !== undefined) {
          sub.startDate = startDate;
          sub.periodAt = startDate;
          sub.nextTransactionAt = startDate;
        }
        if (!isLive(sub.status)) {
          // updating re-activates a cancelled, rejected or expired subscription
          sub.status = 'Active';
          sub.failed = 0;
          if (startDate === undefined) {
            const due =
              sub.periodAt !== null && sub.periodAt > now
                ? sub.periodAt
                : addInterval(sub.lastTransactionAt ?? now, sub.interval, sub.period);
            sub.periodAt = due > now ? due : addInterval(now, sub.interval, sub.period);
            sub.nextTransactionAt = sub.periodAt;
          }
          if (sub.maxPeriods !== null && sub.successful >= sub.maxPeriods) sub.maxPeriods = null;
        }
        await saveSubscription(tx, ctx, sub, before);
        return { Model: subscriptionModel(sub), Success: true, Message: null };
      });
    });

    api.post('/subscriptions/cancel', async (req, reply) => {
      const a = req.cloudpayments!;
      const id = bodyParams(req).str('Id', { required: true, max: 100 })!;
      return command(req, reply, async (tx) => {
        const sub = await subscriptionOf(tx, a, id, true);
        const before = sub.status;
        if (sub.status !== 'Cancelled') {
          sub.status = 'Cancelled';
          sub.nextTransactionAt = null;
          await saveSubscription(tx, ctx, sub, before);
        }
        return ok();
      });
    });

    // -- orders (invoices with a hosted payment page)
    api.post('/orders/create', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const currency = p.currency();
      const amount = p.amount(currency)!;
      const description = p.str('Description', { required: true, max: 1000 })!;
      const behavior = p.str('SubscriptionBehavior', { max: 40 });
      if (behavior !== undefined && !/^(CreateWeekly|CreateMonthly)$/i.test(behavior))
        throw new CpError('Invalid SubscriptionBehavior value');
      const extra: JsonObject = {};
      for (const [k, kind] of [
        ['SendEmail', 'bool'],
        ['SendSms', 'bool'],
        ['SendViber', 'bool'],
        ['OfferUri', 'str'],
      ] as const) {
        const v = kind === 'bool' ? p.bool(k) : p.str(k, { max: 2000 });
        if (v !== undefined) extra[k] = v;
      }
      if (behavior !== undefined) extra.SubscriptionBehavior = /weekly/i.test(behavior) ? 'CreateWeekly' : 'CreateMonthly';
      const fields = {
        email: p.str('Email', { max: 200 }) ?? null,
        phone: p.str('Phone', { max: 50 }) ?? null,
        requireConfirmation: p.bool('RequireConfirmation', ['RequireConfiramtion']) ?? false,
        invoiceId: p.str('InvoiceId', { max: 100 }) ?? null,
        accountId: p.str('AccountId', { max: 200 }) ?? null,
        cultureName: p.str('CultureName', { max: 10 }) ?? null,
        successRedirectUrl: httpUrl(p, 'SuccessRedirectUrl') ?? null,
        failRedirectUrl: httpUrl(p, 'FailRedirectUrl') ?? null,
        jsonData: (p.json('JsonData') ?? null) as Json,
      };
      return command(req, reply, async (tx) => {
        const now = engine.clock.now();
        const o: Order = {
          id: randomToken(16),
          number: await tx.sequences.nextTransactionId(),
          merchantId: a.merchant.id,
          amount,
          currency,
          description,
          ...fields,
          extra,
          status: 'Created',
          paymentId: null,
          createdAt: now,
          paidAt: null,
          updatedAt: now,
        };
        await cpStore.insertOrder(tx, o);
        return { Model: orderModel(o, orderUrl(ctx, o.id, req)), Success: true, Message: null };
      });
    });

    api.post('/orders/cancel', async (req, reply) => {
      const a = req.cloudpayments!;
      const id = bodyParams(req).str('Id', { required: true, max: 100 })!;
      return command(req, reply, async (tx) => {
        const o = await cpStore.lockOrder(tx, id);
        if (!o || o.merchantId !== a.merchant.id) throw new CpError('Not found');
        if (o.status === 'Paid') throw new CpError('The order has already been paid');
        if (o.paymentId !== null) {
          const pm = await tx.payments.get(o.paymentId);
          if (pm && (pm.status === 'created' || pm.status === 'requires_authentication')) await engine.payments.void(tx, pm.id);
        }
        o.status = 'Cancelled';
        o.updatedAt = engine.clock.now();
        await cpStore.updateOrder(tx, o);
        return ok();
      });
    });

    // -- notification settings
    api.post('/site/notifications/:type/get', async (req, reply) => {
      const a = req.cloudpayments!;
      bodyParams(req);
      const type = notificationType((req.params as { type: string }).type);
      const s = await engine.read((tx) => cpStore.getSettings(tx, a.merchant.id, type));
      return sendJson(reply, { Model: settingsModel(s), Success: true, Message: null });
    });

    api.post('/site/notifications/:type/update', async (req, reply) => {
      const a = req.cloudpayments!;
      const p = bodyParams(req);
      const type = notificationType((req.params as { type: string }).type);
      if (type === 'Check') throw new CpError('The Check notification cannot be changed through the API');
      const isEnabled = p.bool('IsEnabled');
      const address = httpUrl(p, 'Address');
      const method = p.str('HttpMethod', { max: 10 });
      const encoding = p.str('Encoding', { max: 20 });
      const format = p.str('Format', { max: 20 });
      const pick = <T extends string>(v: string | undefined, allowed: readonly T[], name: string): T | undefined => {
        if (v === undefined) return undefined;
        const found = allowed.find((x) => x.toLowerCase() === v.trim().toLowerCase());
        if (!found) throw new CpError(`Invalid ${name} value`);
        return found;
      };
      const httpMethod = pick(method, ['GET', 'POST'] as const, 'HttpMethod');
      const enc = pick(encoding, ['UTF8', 'Windows1251'] as const, 'Encoding');
      const fmt = pick(format, ['CloudPayments', 'QIWI', 'RT'] as const, 'Format');
      return command(req, reply, async (tx) => {
        const cur = await cpStore.getSettings(tx, a.merchant.id, type);
        const next: NotificationSettings = {
          type,
          isEnabled: isEnabled ?? cur.isEnabled,
          address: address ?? cur.address,
          httpMethod: httpMethod ?? cur.httpMethod,
          encoding: enc ?? cur.encoding,
          format: fmt ?? cur.format,
        };
        if (next.isEnabled && !next.address) throw new CpError('Address is required');
        await cpStore.putSettings(tx, a.merchant.id, next, engine.clock.now());
        return ok();
      });
    });

    // -- CloudKassir receipts
    api.post('/kkt/receipt', async (req, reply) => {
      const p = bodyParams(req);
      const type = p.str('Type', { required: true, max: 20 })!;
      if (!['Income', 'IncomeReturn', 'Expense', 'ExpenseReturn'].some((t) => t.toLowerCase() === type.toLowerCase()))
        throw new CpError('Invalid Type value');
      const inn = p.str('Inn', { required: true, max: 12 })!;
      if (!/^\d{10}(\d{2})?$/.test(inn)) throw new CpError('Invalid Inn value');
      const receipt = p.obj('CustomerReceipt');
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
      return command(req, reply, async () => ({
        Model: { Id: uuid(), ErrorCode: 0, ReceiptLocalUrl: null },
        InnerResult: null,
        Success: true,
        Message: 'Queued',
      }));
    });
  });
}
