// Numopay API v2 routes (the first README, plus the later README's transactions, checkout sessions, payment
// pages and rates). Every response is `{data}`; every error `{error}`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MINUTE } from '../../core/clock.js';
import { safeEqual } from '../../core/crypto.js';
import { CoreError } from '../../core/errors.js';
import { parseExpiry } from '../../core/cards.js';
import { randomHex, randomToken, uuid } from '../../core/ids.js';
import { isSupportedCurrency } from '../../core/money.js';
import { AVAILABLE } from '../../core/ledger.js';
import type { JsonObject, Payment, Payout } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { annotate } from '../kit/request-context.js';
import {
  authenticate,
  boundedAmount,
  httpUrl,
  jsonBody,
  minorAmount,
  NumopayError,
  sendData,
  sendError,
  str,
  toWire,
  type Authed,
} from './http.js';
import { registerNumopayPages } from './pages.js';
import { convert, hasRate, RATES_DATE, ratesFor } from './rates.js';
import { numopayStore as S, type CheckoutItem, type NumopayAccount, type WebhookEndpoint } from './store.js';
import { paymentStatusObject, payoutStatusObject, type StatusObject } from './wire.js';

export const TOKEN_TTL = 15 * MINUTE;
export const CHECKOUT_TTL = 24 * 60 * MINUTE;
/** Methods whose signature may be used once; GET and HEAD may repeat. */
const ONCE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How long a used signature is remembered: longer than any time it can pass the ±30 s window. */
export const SIGNATURE_MEMORY = 2 * MINUTE;

declare module 'fastify' {
  interface FastifyRequest {
    numopay?: Authed;
  }
}

export function endpointView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    event: e.event,
    created_at: new Date(e.createdAt).toISOString(),
    updated_at: new Date(e.updatedAt).toISOString(),
  };
}

/** The status object of an order, from its token (charge → payment, refill → payout). */
export async function orderStatus(
  tx: Tx,
  orderSlug: string,
  kind: 'charge' | 'refill',
  subjectId: number,
): Promise<StatusObject | undefined> {
  if (kind === 'charge') {
    const p = await tx.payments.get(subjectId);
    return p && paymentStatusObject(p, orderSlug);
  }
  const p = await tx.payouts.get(subjectId);
  return p && payoutStatusObject(p, orderSlug);
}

export function registerNumopayRoutes(app: FastifyInstance, ctx: FaceContext): void {
  const { engine } = ctx;

  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'numopay request failed');
    return sendError(reply, w.status, w.error);
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'Not found'));

  app.get('/v2/time', async (_req, reply) => {
    const now = Date.now();
    return sendData(reply, { iso: new Date(now).toISOString(), epoch: Math.floor(now / 1000) });
  });

  registerNumopayPages(app, ctx);

  // Everything under /v2/accounts is signed.
  app.register(async (api) => {
    api.addHook('preHandler', async (req) => {
      req.numopay = await authenticate(req, ctx);
      annotate(req, { merchantId: req.numopay.merchant.id });
    });

    /**
     * A state-changing request's transaction. Its signature is used up in that same transaction: the exact
     * same signed request sent again within the time window (a replay) is refused, and nothing it would do
     * happens twice. Reads are not recorded: a client polling twice in one second sends identical signatures.
     */
    const command = <T>(req: FastifyRequest, work: (tx: Tx) => Promise<T>): Promise<T> =>
      engine.transaction(async (tx) => {
        const a = req.numopay!;
        if (
          ONCE_METHODS.has(req.method.toUpperCase()) &&
          !(await engine.idempotency.useOnce(tx, `numopay:signature:${a.credential.key}`, a.signature, SIGNATURE_MEMORY))
        ) {
          throw new NumopayError(401, 'Request signature already used');
        }
        return work(tx);
      });

    const account = async (req: FastifyRequest): Promise<NumopayAccount> => {
      const id = (req.params as { account_id: string }).account_id;
      const a = await engine.read((tx) => S.getAccount(tx, req.numopay!.merchant.id, id));
      if (!a) throw new NumopayError(404, 'Account not found');
      return a;
    };

    api.get('/v2/accounts', async (req, reply) => {
      const list = await engine.read((tx) => S.listAccounts(tx, req.numopay!.merchant.id));
      return sendData(
        reply,
        list.map((a) => ({ id: a.id, currency: a.currency })),
      );
    });

    api.get('/v2/accounts/:account_id', async (req, reply) => {
      const a = await account(req);
      return sendData(reply, { id: a.id, currency: a.currency });
    });

    api.get('/v2/accounts/:account_id/balance', async (req, reply) => {
      const a = await account(req);
      const b = await engine.read((tx) => engine.ledger.balance(tx, a.merchantId, a.currency, AVAILABLE));
      return sendData(reply, { amount: b.available.toString(), currency: a.currency });
    });

    api.post('/v2/accounts/:account_id/charge/token', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const amount = minorAmount(body);
      const redirectUrl = httpUrl(body, 'redirect_url', false) ?? null;
      const currency = (str(body, 'currency', { max: 3 }) ?? a.currency).toUpperCase();
      if (!isSupportedCurrency(currency) || !hasRate(currency)) throw new NumopayError(400, 'Unsupported currency');
      const charged = convert(amount, currency, a.currency);
      if (charged <= 0n) throw new NumopayError(400, 'amount is too small');
      const out = await command(req, async (tx) => {
        const now = engine.clock.now();
        const metadata: JsonObject = currency === a.currency ? {} : { originalAmount: amount.toString(), originalCurrency: currency };
        const p = await engine.payments.create(tx, {
          merchantId: a.merchantId,
          face: 'numopay',
          amount: charged,
          currency: a.currency,
          captureMode: 'auto',
          expiresAt: now + TOKEN_TTL,
          metadata,
        });
        const token = uuid();
        const orderSlug = `client_wof_${p.id}_${randomHex(4)}`;
        await S.insertToken(tx, {
          token,
          merchantId: a.merchantId,
          accountId: a.id,
          kind: 'charge',
          subjectId: p.id,
          orderSlug,
          link: null,
          redirectUrl,
          expiresAt: now + TOKEN_TTL,
          usedAt: null,
          createdAt: now,
        });
        await tx.refs.insert({
          face: 'numopay',
          merchantId: a.merchantId,
          kind: 'order_slug',
          ref: orderSlug,
          subjectType: 'payment',
          subjectId: String(p.id),
        });
        annotate(req, { subject: ['payment', p.id] });
        return { token, order_slug: orderSlug };
      });
      return sendData(reply, out);
    });

    api.post('/v2/accounts/:account_id/charge', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const tokenText = str(body, 'token', { required: true, max: 100 })!;
      const card = cardInfo(body.card_info);
      const link = randomToken(32);
      const out = await command(req, async (tx) => {
        const t = await S.getToken(tx, tokenText);
        if (!t || t.kind !== 'charge' || t.accountId !== a.id) throw new CoreError('TOKEN_NOT_FOUND');
        if (t.usedAt !== null) throw new CoreError('TOKEN_USED');
        if (engine.clock.now() >= t.expiresAt) throw new CoreError('TOKEN_EXPIRED');
        if (!(await S.useToken(tx, t.token, engine.clock.now(), link))) throw new CoreError('TOKEN_USED');
        annotate(req, { subject: ['payment', t.subjectId] });
        await engine.payments.authorize(tx, t.subjectId, { source: { kind: 'card', card }, merchantName: req.numopay!.merchant.name });
        return { charge_link: `${ctx.baseUrl(req)}${ctx.prefix}/v2/charge/${link}` };
      });
      return sendData(reply, out);
    });

    api.get('/v2/accounts/:account_id/payment/:order_slug', async (req, reply) => {
      const a = await account(req);
      const slug = (req.params as { order_slug: string }).order_slug;
      const status = await engine.read(async (tx) => {
        const t = await S.getTokenBySlug(tx, slug);
        if (!t || t.accountId !== a.id) return undefined;
        annotate(req, { subject: [t.kind === 'charge' ? 'payment' : 'payout', t.subjectId] });
        return orderStatus(tx, t.orderSlug, t.kind, t.subjectId);
      });
      if (!status) throw new NumopayError(404, 'Payment not found');
      return sendData(reply, status);
    });

    api.post('/v2/accounts/:account_id/refill/token', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const amount = minorAmount(body);
      const redirectUrl = httpUrl(body, 'redirect_url', false) ?? null;
      const currency = (str(body, 'currency', { max: 3 }) ?? a.currency).toUpperCase();
      if (currency !== a.currency) throw new NumopayError(400, 'Refills are made in the account currency');
      const out = await command(req, async (tx) => {
        const now = engine.clock.now();
        const p = await engine.payouts.create(tx, {
          merchantId: a.merchantId,
          face: 'numopay',
          amount,
          currency,
          expiresAt: now + TOKEN_TTL,
        });
        const token = uuid();
        const orderSlug = `client_frg_${p.id}_${randomHex(5)}`;
        await S.insertToken(tx, {
          token,
          merchantId: a.merchantId,
          accountId: a.id,
          kind: 'refill',
          subjectId: p.id,
          orderSlug,
          link: null,
          redirectUrl,
          expiresAt: now + TOKEN_TTL,
          usedAt: null,
          createdAt: now,
        });
        await tx.refs.insert({
          face: 'numopay',
          merchantId: a.merchantId,
          kind: 'order_slug',
          ref: orderSlug,
          subjectType: 'payout',
          subjectId: String(p.id),
        });
        annotate(req, { subject: ['payout', p.id] });
        return { token, order_slug: orderSlug };
      });
      return sendData(reply, out);
    });

    api.post('/v2/accounts/:account_id/refill', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const tokenText = str(body, 'token', { required: true, max: 100 })!;
      const cardNumber = str(body, 'card_number', { required: true, max: 32 })!;
      await command(req, async (tx) => {
        const t = await S.getToken(tx, tokenText);
        if (!t || t.kind !== 'refill' || t.accountId !== a.id) throw new CoreError('TOKEN_NOT_FOUND');
        if (t.usedAt !== null) throw new CoreError('TOKEN_USED');
        if (engine.clock.now() >= t.expiresAt) throw new CoreError('TOKEN_EXPIRED');
        if (!(await S.useToken(tx, t.token, engine.clock.now(), null))) throw new CoreError('TOKEN_USED');
        annotate(req, { subject: ['payout', t.subjectId] });
        await engine.payouts.execute(tx, t.subjectId, { number: cardNumber });
      });
      return sendData(reply, { token: tokenText });
    });

    api.get('/v2/accounts/:account_id/transactions', async (req, reply) => {
      const a = await account(req);
      const q = req.query as Record<string, string | undefined>;
      const limit = q.limit === undefined ? 10 : intParam(q.limit, 'limit', 0, 100);
      const offset = q.offset === undefined ? 0 : intParam(q.offset, 'offset', 0, 1_000_000);
      const from = q.from === undefined ? undefined : dateParam(q.from, 'from');
      const to = q.to === undefined ? undefined : dateParam(q.to, 'to');
      const items = await engine.read(async (tx) => {
        const f = {
          merchantId: a.merchantId,
          face: 'numopay' as const,
          currency: a.currency,
          createdFrom: from,
          createdTo: to,
          order: 'desc' as const,
          limit: offset + limit,
          offset: 0,
        };
        const [payments, payouts] = await Promise.all([tx.payments.list(f), tx.payouts.list(f)]);
        const merged: Array<{ at: number; id: number; kind: 'charge' | 'refill'; obj: Payment | Payout }> = [
          ...payments.map((p) => ({ at: p.createdAt, id: p.id, kind: 'charge' as const, obj: p })),
          ...payouts.map((p) => ({ at: p.createdAt, id: p.id, kind: 'refill' as const, obj: p })),
        ].sort((x, y) => y.at - x.at || y.id - x.id);
        const page = merged.slice(offset, offset + limit);
        const out: StatusObject[] = [];
        for (const m of page) {
          const t = await S.getTokenBySubject(tx, m.kind, m.id);
          if (!t) continue;
          out.push(
            m.kind === 'charge' ? paymentStatusObject(m.obj as Payment, t.orderSlug) : payoutStatusObject(m.obj as Payout, t.orderSlug),
          );
        }
        return out;
      });
      return sendData(reply, items);
    });

    // ---- webhook endpoints
    api.post('/v2/accounts/:account_id/webhook-endpoints', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const url = httpUrl(body, 'url', true)!;
      const event = webhookEvent(body);
      const now = engine.clock.now();
      const e: WebhookEndpoint = { id: uuid(), merchantId: a.merchantId, accountId: a.id, url, event, createdAt: now, updatedAt: now };
      await command(req, (tx) => S.insertEndpoint(tx, e));
      return sendData(reply, endpointView(e));
    });

    api.put('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const id = (req.params as { id: string }).id;
      const e = await command(req, async (tx) => {
        const cur = await S.getEndpoint(tx, a.id, id);
        if (!cur) throw new NumopayError(404, 'Webhook endpoint not found');
        const next = {
          ...cur,
          url: httpUrl(body, 'url', false) ?? cur.url,
          event: body.event === undefined ? cur.event : webhookEvent(body),
          updatedAt: engine.clock.now(),
        };
        await S.updateEndpoint(tx, next);
        return next;
      });
      return sendData(reply, endpointView(e));
    });

    api.get('/v2/accounts/:account_id/webhook-endpoints', async (req, reply) => {
      const a = await account(req);
      const list = await engine.read((tx) => S.listEndpoints(tx, a.id));
      return sendData(reply, list.map(endpointView));
    });

    api.get('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) => {
      const a = await account(req);
      const e = await engine.read((tx) => S.getEndpoint(tx, a.id, (req.params as { id: string }).id));
      if (!e) throw new NumopayError(404, 'Webhook endpoint not found');
      return sendData(reply, endpointView(e));
    });

    api.delete('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) => {
      const a = await account(req);
      const id = (req.params as { id: string }).id;
      await command(req, async (tx) => {
        const e = await S.getEndpoint(tx, a.id, id);
        if (!e) throw new NumopayError(404, 'Webhook endpoint not found');
        await S.deleteEndpoint(tx, id);
      });
      return sendData(reply, { id });
    });

    // ---- checkout sessions (later README)
    api.post('/v2/accounts/:account_id/checkout/sessions', async (req, reply) => {
      const a = await account(req);
      const body = jsonBody(req);
      const items = checkoutItems(body.items);
      const successUrl = httpUrl(body, 'success_url', true)!;
      const cancelUrl = httpUrl(body, 'cancel_url', true)!;
      const currency = items[0]!.currency;
      const total = boundedAmount(
        items.reduce((s, i) => s + BigInt(i.amount), 0n),
        'the total of items',
      );
      const charged = convert(total, currency, a.currency);
      const out = await command(req, async (tx) => {
        const now = engine.clock.now();
        const id = `cs_live_${randomToken(24)}`;
        const token = randomToken(32);
        const p = await engine.payments.create(tx, {
          merchantId: a.merchantId,
          face: 'numopay',
          amount: charged,
          currency: a.currency,
          captureMode: 'auto',
          description: items
            .map((i) => i.name)
            .join(', ')
            .slice(0, 500),
          expiresAt: now + CHECKOUT_TTL,
          metadata: { checkoutSessionId: id, originalAmount: total.toString(), originalCurrency: currency },
        });
        const orderSlug = `client_wof_${p.id}_${randomHex(4)}`;
        await S.insertToken(tx, {
          token: uuid(),
          merchantId: a.merchantId,
          accountId: a.id,
          kind: 'charge',
          subjectId: p.id,
          orderSlug,
          link: null,
          redirectUrl: successUrl,
          expiresAt: now + CHECKOUT_TTL,
          usedAt: null,
          createdAt: now,
        });
        await S.insertSession(tx, {
          id,
          token,
          merchantId: a.merchantId,
          accountId: a.id,
          paymentId: p.id,
          items,
          successUrl,
          cancelUrl,
          createdAt: now,
        });
        await tx.refs.insert({
          face: 'numopay',
          merchantId: a.merchantId,
          kind: 'order_slug',
          ref: orderSlug,
          subjectType: 'payment',
          subjectId: String(p.id),
        });
        await tx.refs.insert({
          face: 'numopay',
          merchantId: a.merchantId,
          kind: 'checkout_session',
          ref: id,
          subjectType: 'payment',
          subjectId: String(p.id),
        });
        annotate(req, { subject: ['payment', p.id] });
        return { id, token, items, success_url: successUrl, cancel_url: cancelUrl };
      });
      return sendData(reply, out);
    });

    api.get('/v2/accounts/:account_id/rates/latest', async (req, reply) => {
      await account(req);
      const q = req.query as Record<string, string | undefined>;
      const base = (q.base ?? 'EUR').toUpperCase();
      if (!hasRate(base)) throw new NumopayError(400, 'Unsupported currency');
      const amountText = q.amount ?? '100';
      if (!/^\d{1,12}$/.test(amountText)) throw new NumopayError(400, 'amount must be a positive integer');
      return sendData(reply, { base, date: RATES_DATE, rates: ratesFor(base, BigInt(amountText)) });
    });
  });

  // Payment pages for checkout sessions: unauthenticated, keyed by the merchant's publishable key.
  app.post('/v2/payment-pages', async (req: FastifyRequest, reply: FastifyReply) => {
    const body = jsonBody(req);
    const key = str(body, 'key', { required: true, max: 200 })!;
    const sessionId = str(body, 'session_id', { required: true, max: 200 })!;
    const sessionToken = str(body, 'session_token', { required: true, max: 200 })!;
    const ok = await engine.read(async (tx) => {
      const s = await S.getSession(tx, sessionId);
      // the session token is a secret: compared in constant time
      if (!s || !safeEqual(s.token, sessionToken)) return false;
      const creds = await tx.credentials.list(s.merchantId);
      return creds.some((c) => c.face === 'numopay' && c.status === 'active' && c.data.publishableKey === key);
    });
    if (!ok) throw new NumopayError(404, 'Checkout session not found');
    return sendData(reply, { url: `${ctx.baseUrl(req)}${ctx.prefix}/pay/${sessionId}?token=${encodeURIComponent(sessionToken)}` });
  });
}

function cardInfo(v: unknown) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NumopayError(400, 'card_info is required');
  const c = v as Record<string, unknown>;
  const number = str(c, 'number', { required: true, max: 32 })!;
  const month = c.month;
  const year = c.year;
  if ((typeof month !== 'string' && typeof month !== 'number') || (typeof year !== 'string' && typeof year !== 'number'))
    throw new NumopayError(400, 'card_info.month and card_info.year are required');
  const cvv = c.cvv;
  if (typeof cvv !== 'string' && typeof cvv !== 'number') throw new NumopayError(400, 'card_info.cvv is required');
  if (!/^\d{3,4}$/.test(String(cvv))) throw new CoreError('CARD_CVV_INVALID');
  const holder = c.holder === undefined || c.holder === null ? undefined : String(c.holder).slice(0, 100);
  const exp = parseExpiry(month, year);
  return { number, ...exp, cvv: String(cvv), holder };
}

function webhookEvent(body: Record<string, unknown>): string {
  const event = body.event ?? 'order';
  if (event !== 'order') throw new NumopayError(400, 'event must be "order"');
  return event;
}

function intParam(v: string, name: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(v)) throw new NumopayError(400, `${name} must be an integer`);
  const n = Number(v);
  if (n < min || n > max) throw new NumopayError(400, `${name} must be between ${min} and ${max}`);
  return n;
}

function dateParam(v: string, name: string): number {
  const t = Date.parse(v);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new NumopayError(400, `${name} must be an ISO 8601 date`);
  return t;
}

function checkoutItems(v: unknown): CheckoutItem[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 100) throw new NumopayError(400, 'items must be a list of 1 to 100 items');
  const items = v.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw new NumopayError(400, `items[${i}] must be an object`);
    const it = raw as Record<string, unknown>;
    const name = str(it, 'name', { required: true, max: 255 })!;
    const description = str(it, 'description', { max: 1000 });
    const images = it.images;
    if (images !== undefined && (!Array.isArray(images) || images.length > 1 || images.some((x) => typeof x !== 'string')))
      throw new NumopayError(400, `items[${i}].images must hold at most one URL`);
    const amount = minorAmount(it).toString();
    const currency = (str(it, 'currency', { required: true, max: 3 }) ?? '').toUpperCase();
    if (!isSupportedCurrency(currency) || !hasRate(currency)) throw new NumopayError(400, `items[${i}].currency is not supported`);
    const item: CheckoutItem = { name, amount, currency };
    if (description !== undefined) item.description = description;
    if (images !== undefined) item.images = images as string[];
    return item;
  });
  if (new Set(items.map((i) => i.currency)).size !== 1) throw new NumopayError(400, 'all items must have the same currency');
  return items;
}
