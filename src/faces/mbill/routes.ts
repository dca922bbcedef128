// Mbill Transfer Tokenization Service routes (the blueprint, plus a transfer list with cursors and the
// webhook setting). Every answer is an API Manifest envelope; every error `{meta, error}` with a 4xx.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAY } from '../../core/clock.js';
import { sha256Hex } from '../../core/crypto.js';
import { isHttpUrl } from '../kit/urls.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { annotate } from '../kit/request-context.js';
import { safeEqual } from '../../core/crypto.js';
import { tokenKey } from './signing.js';
import {
  basicTokens,
  envelope,
  fail,
  idempotencyKeyOf,
  jsonBody,
  rawBody,
  replayBody,
  requestIdOf,
  send,
  sendJson,
  toWire,
  validationBody,
  type Obj,
  type Out,
} from './http.js';
import { registerMbillPages } from './pages.js';
import { mbillStore as S } from './store.js';
import { CLAIM_SUBJECT, MbillService, TRANSFER_SUBJECT, type Bases } from './transfers.js';
import { Invalid, isObject, rules, validateCard, validateClaim, validateCode, validateTransfer, ValidationFailed } from './validation.js';

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 100;

/** Tags the request for the operator's API log: the merchant and the objects it touched. */
function touched(req: FastifyRequest, kind: 'transfer' | 'claim', id: number, merchantId: string): void {
  annotate(req, { merchantId, subject: [kind === 'transfer' ? TRANSFER_SUBJECT : CLAIM_SUBJECT, id] });
  if (kind === 'transfer') annotate(req, { subject: ['payment', id] });
}

interface Authed {
  merchant: Merchant;
  credential: Credential;
}

export function registerMbillRoutes(app: FastifyInstance, ctx: FaceContext): void {
  const { engine } = ctx;
  const svc = new MbillService(ctx);
  const root = (req: FastifyRequest) => ctx.baseUrl(req);
  const bases = (req: FastifyRequest): Bases => svc.bases(req);

  app.addHook('onRequest', async (req) => {
    requestIdOf(req);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', requestIdOf(req));
    const key = idempotencyKeyOf(req);
    if (key !== undefined) reply.header('x-idempotency-key', key);
    const origin = req.headers.origin;
    reply.header('access-control-allow-origin', origin ?? '*');
    if (origin) {
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
    reply.header('access-control-expose-headers', 'x-request-id, x-idempotency-key');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const w = toWire(err);
    if (w.status >= 500) req.log.error({ err }, 'mbill request failed');
    return send(req, reply, root(req), { status: w.status, error: w.body });
  });
  app.setNotFoundHandler((req, reply) => send(req, reply, root(req), { status: 404, error: { type: 'not_found' } }));

  // CORS preflight (the reference server runs Corsica with any origin)
  app.options('/*', async (_req, reply) => {
    reply.header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    reply.header('access-control-allow-headers', 'authorization, content-type, x-request-id, x-idempotency-key');
    reply.header('access-control-max-age', '86400');
    return reply.code(204).send();
  });

  registerMbillPages(app, ctx, svc);

  /**
   * Runs a command in one transaction. With an X-Idempotency-Key (per merchant and route) the first
   * success is stored in that transaction and a repeat with the same body gets it back.
   */
  const run = async (req: FastifyRequest, reply: FastifyReply, scope: string, work: (tx: Tx) => Promise<Out>): Promise<FastifyReply> => {
    const base = root(req);
    const key = idempotencyKeyOf(req);
    if (key === undefined) return send(req, reply, base, await engine.transaction(work));
    const path = (req.raw.url ?? req.url).split('?')[0] ?? '';
    const stored = await engine.idempotency.run(
      {
        scope: `mbill:${scope}`,
        key,
        requestHash: sha256Hex(`${req.method} ${path}\n${rawBody(req)}`),
        ttlMs: DAY,
        compareRequest: true,
        keep: (r) => r.status >= 200 && r.status < 300,
      },
      async (tx) => {
        const out = await work(tx);
        return { status: out.status, headers: {}, body: JSON.stringify(envelope(req, base, out)) };
      },
    );
    if (stored.replayed) reply.header('idempotent-replayed', 'true');
    return sendJson(reply, stored.status, stored.replayed ? replayBody(req, stored.body) : stored.body);
  };

  /** The merchant's API token as the HTTP Basic username (the blueprint's `curl -uAPI_TOKEN`). */
  const authMerchant = async (req: FastifyRequest): Promise<Authed> => {
    const tokens = basicTokens(req);
    if (!tokens.length) throw fail.accessDenied('Send your API token as the HTTP Basic username.');
    const found = await engine.read(async (tx) => {
      for (const t of tokens) {
        // found by the token's hash, then compared in constant time
        const f = await engine.merchants.authenticate(tx, 'mbill', tokenKey(t));
        if (f && safeEqual(f.credential.secret ?? '', t)) return f;
      }
      return undefined;
    });
    if (!found) throw fail.accessDenied('Invalid API token.');
    annotate(req, { merchantId: found.merchant.id });
    return found;
  };

  const wrongCode = (): Out => ({
    status: 422,
    error: validationBody([{ entry_type: 'json_data_property', entry: '$.code', rules: [rules.otpCode()] }]),
  });

  // ---- tokens (public)
  app.post('/tokens', async (req, reply) => {
    const body = jsonBody(req);
    const inv = new Invalid();
    const card = validateCard(inv, body, '$');
    if (!card) throw new ValidationFailed(inv.list());
    return run(req, reply, 'public:tokens', async (tx) => ({ status: 201, data: await svc.createCardToken(tx, card) }));
  });

  // ---- transfers
  app.post('/transfers', async (req, reply) => {
    const body = jsonBody(req);
    const { merchant } = await authMerchant(req);
    const { input, invalid } = validateTransfer(body);
    if (!input) {
      await engine.read(async (tx) => {
        for (const [peer, path] of [
          ['sender', '$.sender.credential'],
          ['recipient', '$.recipient.credential'],
        ] as const) {
          const c = (body[peer] as Obj | undefined)?.credential;
          if (isObject(c) && c.type === 'card-token' && typeof c.token === 'string' && c.token.trim())
            await svc.peekCardToken(tx, c.token, path, invalid);
        }
      });
      throw new ValidationFailed(invalid.list());
    }
    const b = bases(req);
    return run(req, reply, `${merchant.id}:transfers`, async (tx) => {
      const t = await svc.createTransfer(tx, merchant, input, b);
      touched(req, 'transfer', t.id, t.merchantId);
      return { status: 201, data: await svc.transferView(tx, t, b), created: true };
    });
  });

  app.get('/transfers', async (req, reply) => {
    const { merchant } = await authMerchant(req);
    const q = req.query as Record<string, string | string[] | undefined>;
    const inv = new Invalid();
    const one = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
    let limit = LIST_LIMIT_DEFAULT;
    const l = one('limit');
    if (l !== undefined) {
      const n = /^\d{1,6}$/.test(l) ? Number(l) : NaN;
      const range = { greater_than_or_equal_to: 1, less_than_or_equal_to: LIST_LIMIT_MAX };
      if (Number.isNaN(n)) inv.add('$.limit', rules.cast('integer'), 'query_parameter');
      else if (n < 1) inv.add('$.limit', rules.number(range, 'must be greater than or equal to 1'), 'query_parameter');
      else if (n > LIST_LIMIT_MAX)
        inv.add('$.limit', rules.number(range, `must be less than or equal to ${LIST_LIMIT_MAX}`), 'query_parameter');
      else limit = n;
    }
    const cursor = (k: string) => {
      const v = one(k);
      if (v === undefined || v === '') return undefined;
      if (!/^\d{1,15}$/.test(v)) {
        inv.add(`$.${k}`, rules.format(/^[0-9]+$/), 'query_parameter');
        return undefined;
      }
      return Number(v);
    };
    const startingAfter = cursor('starting_after');
    const endingBefore = cursor('ending_before');
    if (!inv.empty) throw new ValidationFailed(inv.list());
    const b = bases(req);
    const out = await engine.read(async (tx) => {
      const page = await S.listTransfers(tx, merchant.id, {
        limit,
        ...(startingAfter !== undefined ? { startingAfter } : {}),
        ...(endingBefore !== undefined ? { endingBefore } : {}),
      });
      const data = [];
      for (const t of page.items) data.push(await svc.transferView(tx, t, b));
      const size = await S.countTransfers(tx, merchant.id);
      return { data, hasMore: page.hasMore, size };
    });
    const first = out.data[0];
    const last = out.data[out.data.length - 1];
    return send(req, reply, root(req), {
      status: 200,
      data: out.data,
      paging: {
        limit,
        cursors: { starting_after: last?.id ?? null, ending_before: first?.id ?? null },
        has_more: out.hasMore,
        size: out.size,
      },
    });
  });

  app.get('/transfers/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const b = bases(req);
    const view = await engine.read(async (tx) => {
      const t = await svc.transferFor(tx, id, basicTokens(req), { allowApiToken: true });
      touched(req, 'transfer', t.id, t.merchantId);
      return svc.transferView(tx, t, b);
    });
    return send(req, reply, root(req), { status: 200, data: view });
  });

  app.post('/transfers/:id/auth', async (req, reply) => {
    const body = jsonBody(req);
    const id = (req.params as { id: string }).id;
    const t = await engine.read((tx) => svc.transferFor(tx, id, basicTokens(req), { allowApiToken: false }));
    touched(req, 'transfer', t.id, t.merchantId);
    const code = validateCode(body);
    const b = bases(req);
    return run(req, reply, `transfer:${t.id}:auth`, async (tx) => {
      const r = await svc.authenticateLookup(tx, t.id, code, b);
      if (r.kind === 'conflict') return { status: 409, error: { type: 'request_conflict', message: r.message } };
      if (r.kind === 'wrong_code') return wrongCode();
      return { status: 201, data: await svc.transferView(tx, r.transfer, b) };
    });
  });

  // ---- claims (the recipient of an external-credential transfer; no merchant token)
  app.post('/claims', async (req, reply) => {
    const body = jsonBody(req);
    const { input, invalid } = validateClaim(body);
    if (!input) {
      const id = body.id;
      if ((typeof id === 'string' && id.trim()) || typeof id === 'number') {
        const t = await engine.read((tx) => S.getTransferByClaimRef(tx, String(id).trim()));
        if (!t || t.status !== 'waiting_for_claim') invalid.add('$.id', rules.claimId());
      }
      throw new ValidationFailed(invalid.list());
    }
    return run(req, reply, 'public:claims', async (tx) => {
      const c = await svc.createClaim(tx, input);
      touched(req, 'claim', c.id, c.merchantId);
      return { status: 201, data: await svc.claimView(tx, c), created: true };
    });
  });

  app.get('/claims/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const view = await engine.read(async (tx) => {
      const c = await svc.claimFor(tx, id, basicTokens(req));
      touched(req, 'claim', c.id, c.merchantId);
      return svc.claimView(tx, c);
    });
    return send(req, reply, root(req), { status: 200, data: view });
  });

  app.post('/claims/:id/auth', async (req, reply) => {
    const body = jsonBody(req);
    const id = (req.params as { id: string }).id;
    const c = await engine.read((tx) => svc.claimFor(tx, id, basicTokens(req)));
    touched(req, 'claim', c.id, c.merchantId);
    const code = validateCode(body);
    const b = bases(req);
    return run(req, reply, `claim:${c.id}:auth`, async (tx) => {
      const r = await svc.authenticateClaim(tx, c.id, code, b);
      if (r.kind === 'conflict') return { status: 409, error: { type: 'request_conflict', message: r.message } };
      if (r.kind === 'wrong_code') return wrongCode();
      return { status: 201, data: await svc.claimView(tx, r.claim) };
    });
  });

  // ---- webhook setting (beyond the blueprint: its TODO "transfer status webhooks")
  const webhookView = (c: Credential) => ({ type: 'webhook', url: typeof c.data.webhookUrl === 'string' ? c.data.webhookUrl : null });

  app.get('/webhook', async (req, reply) => {
    const { credential } = await authMerchant(req);
    return send(req, reply, root(req), { status: 200, data: webhookView(credential) });
  });

  app.put('/webhook', async (req, reply) => {
    const body = jsonBody(req);
    const { credential } = await authMerchant(req);
    const url = body.url;
    if (url !== null && !isHttpUrl(url)) {
      const inv = new Invalid();
      inv.add('$.url', url === undefined ? rules.required() : rules.format(/^https?:\/\//));
      throw new ValidationFailed(inv.list());
    }
    const data = { ...credential.data };
    if (url === null) delete data.webhookUrl;
    else data.webhookUrl = url;
    await engine.transaction((tx) => tx.credentials.update(credential.id, { data }));
    return send(req, reply, root(req), { status: 200, data: webhookView({ ...credential, data }) });
  });
}
