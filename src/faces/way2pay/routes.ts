// Way2Pay API v1 routes under /api/v1 (both API generations), and the sandbox routes under /sandbox.
// Every answer is `{success:true, data}` or `{success:false, error:{message, code}}` with the table's status.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validateCardNumber, normalizePan } from '../../core/cards.js';
import { isCoreError } from '../../core/errors.js';
import { parseMajor } from '../../core/money.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { isHttpUrl } from '../kit/urls.js';
import { generationOf, parseJson, rawBody, verifyRequest, type Authed } from './auth.js';
import type { Way2PayService } from './operations.js';
import { way2payStore as S } from './store.js';
import {
  BANKS,
  bankById,
  coreToWay2Pay,
  CURRENCIES,
  errorBody,
  findBank,
  genCode,
  isStatus,
  isWay2PayError,
  MERCHANT_SETTABLE,
  money,
  PAYIN_METHODS,
  PAYOUT_METHODS,
  payInView,
  payOutView,
  percentNumber,
  statusChangeView,
  Way2PayError,
  type Currency,
  type Generation,
  type Way2PayStatus,
  type WireError,
} from './wire.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTERNAL_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const AMOUNT_RE = /^\d{1,13}(?:\.\d{1,2})?$/;

/** Errors a request may end with after its nonce was accepted (its writes are undone, the nonce stays used). */
function isBusinessError(e: unknown): boolean {
  return isWay2PayError(e) || (isCoreError(e) && e.code !== 'INTERNAL' && e.code !== 'LEDGER_INVARIANT');
}

/** Anything thrown in a Way2Pay route → the provider's error envelope (a 5xx only for our own faults). */
export function toWire(e: unknown): WireError & { internal: boolean } {
  if (e instanceof Way2PayError) return { ...errorBody(e.code, e.message), internal: false };
  if (isCoreError(e)) {
    const code = coreToWay2Pay(e.code);
    return { ...errorBody(code, code === 20000 ? `wrong input: ${e.message}` : undefined), internal: code === 40000 };
  }
  const fe = e as { statusCode?: number; code?: string };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const w = errorBody(
      fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 20001 : 20000,
      fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : undefined,
    );
    return { status: fe.statusCode, body: w.body, internal: false };
  }
  return { ...errorBody(40000), internal: true };
}

function send(reply: FastifyReply, status: number, payload: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(payload));
}

// ---------------------------------------------------------------------------------------------- input

type Body = Record<string, unknown>;

function objectBody(a: Pick<Authed, 'body'>): Body {
  const b = a.body;
  if (b === undefined) return {};
  if (!b.ok || typeof b.value !== 'object' || b.value === null || Array.isArray(b.value)) throw new Way2PayError(20001);
  return b.value as Body;
}

function wrong(detail: string): never {
  throw new Way2PayError(20000, detail);
}

function externalId(body: Body): string {
  const v = body.externalID;
  if (v === undefined || v === null || v === '') throw new Way2PayError(60009);
  if (typeof v !== 'string') wrong('externalID must be a string');
  if (!EXTERNAL_ID_RE.test(v)) wrong('externalID must be 1-64 latin letters, digits, "-" or "_"');
  return v;
}

/** A currency by id (`currencyId: 1`) or code (`currency: "RUB"`): 60000 unknown, 60001 inactive. */
function currencyOf(v: unknown, field: string): Currency {
  let c: Currency | undefined;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) wrong(`${field} must be an integer id or a currency code`);
    c = CURRENCIES.find((x) => x.id === v);
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{1,6}$/.test(s)) c = CURRENCIES.find((x) => x.id === Number(s));
    else if (/^[A-Za-z]{3,10}$/.test(s)) c = CURRENCIES.find((x) => x.key === s.toUpperCase());
    else throw new Way2PayError(60000);
  } else {
    wrong(`${field} must be a currency id or code`);
  }
  if (!c) throw new Way2PayError(60000);
  if (!c.isActive) throw new Way2PayError(60001);
  return c;
}

function bodyCurrency(body: Body): Currency {
  if (body.currencyId !== undefined && body.currencyId !== null) return currencyOf(body.currencyId, 'currencyId');
  if (body.currency !== undefined && body.currency !== null) return currencyOf(body.currency, 'currency');
  return wrong('currencyId is required');
}

function amountOf(body: Body, currency: string): bigint {
  const v = body.amount;
  if (v === undefined || v === null || v === '') wrong('amount is required');
  let text: string;
  if (typeof v === 'string') text = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return wrong('amount must be a decimal string');
  // more than 13 digits before the point is more than one operation may move (the core's MAX_AMOUNT)
  if (/^\d{14,}(?:\.\d{1,2})?$/.test(text)) throw new Way2PayError(30007);
  if (!AMOUNT_RE.test(text)) wrong('amount must be a positive number with at most 2 decimal places');
  const minor = parseMajor(text, currency);
  if (minor <= 0n) wrong('amount must be greater than zero');
  return minor;
}

function optionalString(body: Body, key: string, max: number): string | null {
  const v = body[key];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') wrong(`${key} must be a string`);
  if (v.length > max) wrong(`${key} is too long`);
  return v;
}

function httpUrl(body: Body, key: string, required: boolean): string | null {
  const v = optionalString(body, key, 2048);
  if (v === null) return required ? wrong(`${key} is required`) : null;
  if (!isHttpUrl(v)) wrong(`${key} must be an http(s) URL`);
  return v;
}

function methodOf(body: Body, gen: Generation, table: Readonly<Record<string, unknown>>, fallback?: string): string {
  const v = body.method;
  if (v === undefined || v === null || v === '') return fallback ?? wrong('method is required');
  if (typeof v !== 'string') wrong('method must be a string');
  const m = v.trim().toUpperCase();
  if (!Object.prototype.hasOwnProperty.call(table, m)) throw new Way2PayError(genCode(gen, 20000, 60015), 'unknown method');
  return m;
}

function bankOf(body: Body, gen: Generation, currency: Currency, required: boolean): number | undefined {
  let v = body.bankId;
  if (v === undefined || v === null || v === '') v = body.bank;
  if (v === undefined || v === null || v === '') return required ? wrong('bankId is required') : undefined;
  if (typeof v !== 'number' && typeof v !== 'string') wrong('bankId must be a number');
  const bank = findBank(v);
  if (!bank) throw new Way2PayError(genCode(gen, 20000, 60014), 'unknown bank');
  if (bank.currency !== currency.key) throw new Way2PayError(60001);
  return bank.id;
}

function idParam(req: FastifyRequest): string {
  const id = (req.params as { id?: string }).id ?? '';
  if (!UUID_RE.test(id)) throw new Way2PayError(20003);
  return id.toLowerCase();
}

function listQuery(req: FastifyRequest): { limit: number; offset: number; status?: Way2PayStatus; externalId?: string } {
  const q = req.query as Record<string, unknown>;
  const int = (key: string, def: number, min: number, max: number): number => {
    const v = q[key];
    if (v === undefined || v === '') return def;
    if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw new Way2PayError(20002);
    const n = Number(v);
    if (n < min || n > max) throw new Way2PayError(20002);
    return n;
  };
  const out: { limit: number; offset: number; status?: Way2PayStatus; externalId?: string } = {
    limit: int('limit', 10, 1, 100),
    offset: int('offset', 0, 0, 1_000_000_000),
  };
  const status = q.status;
  if (status !== undefined && status !== '') {
    if (typeof status !== 'string' || !isStatus(status.toUpperCase())) throw new Way2PayError(20002);
    out.status = status.toUpperCase() as Way2PayStatus;
  }
  const ext = q.externalID;
  if (ext !== undefined && ext !== '') {
    if (typeof ext !== 'string' || ext.length > 64) throw new Way2PayError(20002);
    out.externalId = ext;
  }
  return out;
}

function queryCurrency(req: FastifyRequest): Currency {
  const q = req.query as Record<string, unknown>;
  const v = q.currencyId ?? q.currency;
  if (v === undefined || v === '') return CURRENCIES[0]!;
  if (typeof v !== 'string') throw new Way2PayError(20002);
  return currencyOf(v, 'currency');
}

function environment(req: FastifyRequest): string {
  const v = req.headers['x-environment'];
  const s = typeof v === 'string' ? v.trim().toUpperCase() : '';
  return s === 'SANDBOX' || s === 'TEST' || s === 'PRODUCTION' ? s : 'PRODUCTION';
}

function statusParam(req: FastifyRequest): Way2PayStatus {
  const raw = ((req.params as { status?: string }).status ?? '').toUpperCase();
  if (!isStatus(raw)) throw new Way2PayError(60002);
  if (!MERCHANT_SETTABLE.has(raw)) throw new Way2PayError(30000);
  return raw;
}

// ---------------------------------------------------------------------------------------------- routes

export function registerWay2payRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  const { engine } = ctx;
  const cfg = svc.config;

  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.internal) req.log.error({ err }, 'way2pay request failed');
    return send(reply, w.status, w.body);
  });
  app.setNotFoundHandler((_req, reply) => send(reply, 404, { success: false, error: { message: 'not found', code: 20000 } }));

  /**
   * A signed merchant request: headers and signature checked, then in ONE transaction the nonce is accepted
   * (a conditional update) and the work runs under a savepoint. A business error undoes the work but keeps
   * the nonce used, so a captured request cannot be replayed later; an internal fault rolls everything back.
   */
  async function signed<T>(req: FastifyRequest, reply: FastifyReply, work: (tx: Tx, a: Authed) => Promise<T>): Promise<FastifyReply> {
    const a = await verifyRequest(req, ctx, { nonceWindowMs: cfg.nonceWindowMs });
    const result = await engine.transaction(async (tx) => {
      if (!(await S.acceptNonce(tx, a.credential.key, a.nonce, engine.clock.now())))
        throw new Way2PayError(genCode(a.generation, 20006, 2007));
      const r = await S.savepoint(tx, () => work(tx, a));
      if (!r.ok && !isBusinessError(r.error)) throw r.error;
      return r;
    });
    if (!result.ok) throw result.error;
    return send(reply, 200, { success: true, data: result.value });
  }

  const base = '/api/v1';

  // ---- pay-in
  app.post(`${base}/pay-in`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const body = objectBody(a);
      const ext = externalId(body);
      const currency = bodyCurrency(body);
      const amount = amountOf(body, currency.key);
      const method = methodOf(body, a.generation, PAYIN_METHODS, 'CARD');
      const bankId = bankOf(body, a.generation, currency, false);
      const callbackUrl = httpUrl(body, 'callbackURL', false);
      const description = optionalString(body, 'description', 1000);
      const p = await svc.createPayIn(tx, a.merchant, a.generation, {
        externalId: ext,
        amount,
        currency: currency.key,
        bankId,
        method,
        callbackUrl,
        description,
      });
      return payInView(p, a.generation);
    }),
  );

  app.get(`${base}/pay-in/list`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const q = listQuery(req);
      const { total, items } = await S.listPayIns(tx, { merchantId: a.merchant.id, ...q });
      return { total, items: items.map((p) => payInView(p, a.generation)) };
    }),
  );

  app.get(`${base}/pay-in/:id`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const id = idParam(req);
      return payInView(await svc.getPayIn(tx, id, a.merchant.id), a.generation);
    }),
  );

  app.patch(`${base}/pay-in/:id/cancel`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const id = idParam(req);
      const p = await svc.cancelPayIn(tx, id, a.merchant.id);
      return { id: p.id, status: p.status };
    }),
  );

  app.put(`${base}/pay-in/:id/status/:status`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const id = idParam(req);
      await svc.getPayIn(tx, id, a.merchant.id);
      statusParam(req);
      return statusChangeView(await svc.cancelPayIn(tx, id, a.merchant.id));
    }),
  );

  // ---- pay-out
  app.post(`${base}/pay-out`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const body = objectBody(a);
      const ext = externalId(body);
      const currency = bodyCurrency(body);
      const amount = amountOf(body, currency.key);
      const method = methodOf(body, a.generation, PAYOUT_METHODS);
      const bankId = bankOf(body, a.generation, currency, true)!;
      const callbackUrl = httpUrl(body, 'callbackURL', true)!;
      const receiverText = optionalString(body, 'receiver', 64) ?? wrong('receiver is required');
      let receiver = receiverText.trim();
      if (method === 'CARD') {
        try {
          receiver = validateCardNumber(receiverText).pan;
        } catch {
          wrong('receiver is not a valid card number');
        }
      } else if (method === 'SBP') {
        receiver = receiver.replace(/[\s()-]/g, '');
        if (!/^\+?\d{10,15}$/.test(receiver)) wrong('receiver must be a phone number');
      } else if (!/^\d{16,34}$/.test(normalizePan(receiver))) {
        wrong('receiver must be an account number');
      } else {
        receiver = normalizePan(receiver);
      }
      const holder = (optionalString(body, 'holder', 200) ?? wrong('holder is required')).trim();
      if (holder.length < 3 || holder.length > 100) wrong('holder must be 3-100 characters');
      const description = optionalString(body, 'description', 1000);
      const p = await svc.createPayOut(tx, a.merchant, a.generation, {
        externalId: ext,
        amount,
        currency: currency.key,
        bankId,
        method,
        receiver,
        holder,
        callbackUrl,
        description,
      });
      return payOutView(p, a.generation, { created: true });
    }),
  );

  app.get(`${base}/pay-out/list`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const q = listQuery(req);
      const { total, items } = await S.listPayOuts(tx, { merchantId: a.merchant.id, ...q });
      return { total, items: items.map((p) => payOutView(p, a.generation)) };
    }),
  );

  app.get(`${base}/pay-out/:id`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const id = idParam(req);
      return payOutView(await svc.getPayOut(tx, id, a.merchant.id), a.generation);
    }),
  );

  app.put(`${base}/pay-out/:id/status/:status`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const id = idParam(req);
      await svc.getPayOut(tx, id, a.merchant.id);
      statusParam(req);
      return statusChangeView(await svc.cancelPayOut(tx, id, a.merchant.id));
    }),
  );

  // ---- balance and reference data
  app.get(`${base}/balance`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      const c = queryCurrency(req);
      const b = await svc.balances(tx, a.merchant.id, c.key);
      const view = (x: { currency: string; available: bigint; frozen: bigint }) => ({
        currency: x.currency,
        available: money(x.available, x.currency),
        frozen: money(x.frozen, x.currency),
      });
      return { balance: { payment: view(b.payment), payout: view(b.payout) } };
    }),
  );

  app.get(`${base}/banks`, (req, reply) =>
    signed(req, reply, async () => {
      const env = environment(req);
      return BANKS.map((b) => ({ id: b.id, name: b.name, key: b.key, currency: b.currency, environment: env }));
    }),
  );

  app.get(`${base}/currencies`, (req, reply) =>
    signed(req, reply, async () => CURRENCIES.map((c) => ({ id: c.id, name: c.name, key: c.key, isActive: c.isActive }))),
  );

  app.get(`${base}/commissions`, (req, reply) =>
    signed(req, reply, async (tx, a) => {
      await svc.ensureSetup(tx, a.merchant.id);
      const rows = await svc.listCommissions(tx, a.merchant.id);
      const view = (c: (typeof rows)[number]) => {
        const cur = bankById(c.bankId)?.currency ?? 'RUB';
        return {
          id: c.id,
          bank: bankById(c.bankId)?.name ?? String(c.bankId),
          method: c.method,
          percent: percentNumber(c.percentBp),
          minAmount: money(c.minAmount, cur),
          maxAmount: money(c.maxAmount, cur),
          isActive: c.isActive,
        };
      };
      return {
        payIn: rows.filter((c) => c.direction === 'payin').map(view),
        payOut: rows.filter((c) => c.direction === 'payout').map(view),
      };
    }),
  );

  if (cfg.sandboxRoutes && ctx.sandbox.enabled) registerSandboxRoutes(app, ctx, svc);
}

// ---------------------------------------------------------------------------------------------- sandbox

/**
 * Sandbox operator routes (no merchant signature; the admin token, `Authorization: Bearer <admin token>`):
 * what the payer and the operator do in real life. Not served with `--sandbox-routes off` or in production mode.
 *   POST /sandbox/pay-in/{id}/pay {amount?, confirm?}  the payer transfers `amount` (default: the expected one);
 *                                                      confirm:false stops at PROCESSING (awaiting the operator)
 *   POST /sandbox/pay-in/{id}/confirm {amount?}        the operator confirms the transfer
 *   POST /sandbox/pay-in/{id}/fail | /refund           ERROR | REFUNDED
 *   POST /sandbox/pay-out/{id}/complete | /fail        executes or fails a pay-out
 *   POST /sandbox/balance {publicKey, amount, currency?, balance?: "payout"|"payment"}  tops a balance up
 */
function registerSandboxRoutes(parent: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  void parent.register(async (app) => {
    // before the body is read: without the admin token nothing else is looked at
    app.addHook('onRequest', async (req, reply) => {
      if (ctx.sandbox.authorized(req)) return;
      const e = errorBody(10000);
      return send(reply.header('www-authenticate', 'Bearer realm="polypay sandbox"'), e.status, e.body);
    });
    sandboxRoutes(app, ctx, svc);
  });
}

function sandboxRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService): void {
  const { engine } = ctx;

  const body = (req: FastifyRequest): Body => objectBody({ body: parseJson(rawBody(req)) });

  /** The merchant's generation decides how the answer looks. */
  async function generationFor(tx: Tx, merchantId: string): Promise<Generation> {
    const c = (await tx.credentials.list(merchantId)).find((x) => x.face === 'way2pay' && x.status === 'active');
    return c ? generationOf(c) : 1;
  }

  async function run(reply: FastifyReply, work: (tx: Tx) => Promise<unknown>): Promise<FastifyReply> {
    const data = await engine.transaction(work);
    return send(reply, 200, { success: true, data });
  }

  const optionalAmount = (b: Body, currency: string): bigint | undefined =>
    b.amount === undefined || b.amount === null ? undefined : amountOf(b, currency);

  app.post('/sandbox/pay-in/:id/pay', (req, reply) =>
    run(reply, async (tx) => {
      const p0 = await svc.getPayIn(tx, idParam(req));
      const b = body(req);
      const amount = optionalAmount(b, p0.currency);
      if (b.confirm !== undefined && typeof b.confirm !== 'boolean') wrong('confirm must be a boolean');
      const p = b.confirm === false ? await svc.markPayInPaid(tx, p0.id, amount) : await svc.confirmPayIn(tx, p0.id, amount);
      return payInView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/pay-in/:id/confirm', (req, reply) =>
    run(reply, async (tx) => {
      const p0 = await svc.getPayIn(tx, idParam(req));
      const p = await svc.confirmPayIn(tx, p0.id, optionalAmount(body(req), p0.currency));
      return payInView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/pay-in/:id/fail', (req, reply) =>
    run(reply, async (tx) => {
      const p = await svc.failPayIn(tx, idParam(req));
      return payInView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/pay-in/:id/refund', (req, reply) =>
    run(reply, async (tx) => {
      const p = await svc.refundPayIn(tx, idParam(req));
      return payInView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/pay-out/:id/complete', (req, reply) =>
    run(reply, async (tx) => {
      const p = await svc.completePayOut(tx, idParam(req));
      return payOutView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/pay-out/:id/fail', (req, reply) =>
    run(reply, async (tx) => {
      const p = await svc.failPayOut(tx, idParam(req));
      return payOutView(p, await generationFor(tx, p.merchantId));
    }),
  );

  app.post('/sandbox/balance', (req, reply) =>
    run(reply, async (tx) => {
      const b = body(req);
      const key = b.publicKey;
      if (typeof key !== 'string' || !key) wrong('publicKey is required');
      const cred = await tx.credentials.find('way2pay', key);
      if (!cred || cred.status !== 'active') throw new Way2PayError(60008);
      const currency = b.currency === undefined && b.currencyId === undefined ? CURRENCIES[0]! : bodyCurrency(b);
      const which = b.balance ?? 'payout';
      if (which !== 'payout' && which !== 'payment') wrong('balance must be "payout" or "payment"');
      await svc.deposit(tx, cred.merchantId, currency.key, amountOf(b, currency.key), which);
      const v = await svc.balances(tx, cred.merchantId, currency.key);
      const view = (x: { currency: string; available: bigint; frozen: bigint }) => ({
        currency: x.currency,
        available: money(x.available, x.currency),
        frozen: money(x.frozen, x.currency),
      });
      return { balance: { payment: view(v.payment), payout: view(v.payout) } };
    }),
  );
}
