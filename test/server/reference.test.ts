// The API reference over real HTTP (SQLite: the documents do not depend on the store): each face's OpenAPI
// document is sound OpenAPI 3.0 (structure, $refs, examples matching their schemas) and documents exactly the
// routes the face registers; the examples are true (sent signed to the gateway, the answers match the
// documented schemas); /docs, /docs/<face> and /docs/<face>/openapi.json are served, filled in with the
// demo merchant's credentials when there is one (its secrets for a signed-in operator only).
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCryptogram } from '../../src/faces/cloudpayments/client.js';
import { numopayFace } from '../../src/faces/numopay/face.js';
import { basicAuthorization } from '../../src/faces/mbill/signing.js';
import { signBody } from '../../src/faces/novapay/signing.js';
import { numopayAuthorization } from '../../src/faces/numopay/signing.js';
import { canonicalJson, gen1Signature, gen3Signature, nextNonce } from '../../src/faces/way2pay/signing.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import {
  METHODS,
  operations,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type Response,
  type Schema,
} from '../../src/faces/kit/openapi.js';
import { checkValue, resolvePointer, validateDocument } from '../../src/pages/reference/validate.js';
import type { Seed } from '../../src/operator/seed.js';
import { startTestGateway, TEST_SEED, type TestGateway } from '../helpers/gateway.js';

const PEM = readFileSync(new URL('../fixtures/novapay/qe-merchant-1-private.pem', import.meta.url), 'utf8');
const ACCOUNT = '7a1c2e30-24d7-11ea-a0af-ad4afa2c683c';
const DEMO = {
  numopay: { apiKey: 'np_demo_key', secret: 'np_demo_secret', publishableKey: 'pk_live_demo' },
  cloudpayments: { publicId: 'pk_d3m0d3m0d3m0d3m0d3m0d3m0d3m01', apiSecret: 'cp_demo_secret' },
  mbill: { apiToken: 'demo_mbill_token' },
  way2pay: { publicKey: 'w2p_pk_demo', secretKey: 'w2p_sk_demo' },
  way2pay3: { publicKey: 'w2p_pk_demo3', secretKey: 'w2p_sk_demo3' },
};
const SEED: Seed = {
  merchants: [
    {
      id: 'demo',
      name: 'Demo Shop',
      currencies: ['RUB', 'USD', 'UAH'],
      numopay: { ...DEMO.numopay, accounts: [{ id: ACCOUNT, currency: 'RUB' }] },
      cloudpayments: DEMO.cloudpayments,
      novapay: { merchantId: 1, privateKey: PEM },
      mbill: DEMO.mbill,
      way2pay: { ...DEMO.way2pay, generation: 1, payoutBalance: '10000' },
    },
    { id: 'current', name: 'Way2Pay generation 3', way2pay: { ...DEMO.way2pay3, generation: 3 } },
  ],
};

type Any = Record<string, any>;

/** The operation of a document by its id, with its path and method. */
function op(doc: OpenApiDocument, id: string): { path: string; method: string; op: Operation } {
  const found = operations(doc).find((o) => o.op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

function responseSchema(doc: OpenApiDocument, o: Operation, status: number): Schema {
  const r = (o.responses[String(status)] ?? o.responses[`${String(status)[0]}XX`] ?? o.responses.default) as
    Response | { $ref: string } | undefined;
  if (!r) throw new Error(`${o.operationId}: status ${status} is not documented`);
  const resp = ('$ref' in r ? resolvePointer(doc, r.$ref) : r) as Response;
  const media = resp.content?.['application/json'];
  if (!media) throw new Error(`${o.operationId} ${status}: no JSON content`);
  return media.schema;
}

function requestExample(o: Operation): any {
  return o.requestBody?.content['application/json']?.example;
}

function paramExample(doc: OpenApiDocument, o: Operation, name: string): string {
  const p = (o.parameters ?? []).map((x) => ('$ref' in x ? (resolvePointer(doc, x.$ref) as Parameter) : x)).find((x) => x.name === name);
  return String(p?.example ?? '');
}

/** The documented example answer (the first one) of an operation and status. */
function exampleAnswer(o: Operation, status: number): any {
  const r = o.responses[String(status)] as Response;
  const media = r.content?.['application/json'];
  return media?.example ?? Object.values(media?.examples ?? {})[0]?.value;
}

describe('API reference', () => {
  let h: TestGateway;
  const docs = () => Object.fromEntries(ALL_FACES.map((f) => [f.name, f.openapi(h.url, f.prefix)])) as Record<string, OpenApiDocument>;

  /** The answer matches the documented schema of its status; the problems, if any, fail the test. */
  async function answerOf(doc: OpenApiDocument, id: string, res: Response | globalThis.Response, expected: number): Promise<Any> {
    const r = res as globalThis.Response;
    const text = await r.text();
    expect(r.status, `${id}: ${text.slice(0, 300)}`).toBe(expected);
    const body = text ? JSON.parse(text) : null;
    expect(checkValue(doc, responseSchema(doc, op(doc, id).op, expected), body), id).toEqual([]);
    return body;
  }

  beforeAll(async () => {
    h = await startTestGateway('sqlite', SEED);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('the documents', () => {
    it.each(ALL_FACES.map((f) => f.name))(
      '%s: valid OpenAPI 3.0 structure, every $ref resolves, every example matches its schema',
      (face) => {
        const doc = docs()[face]!;
        expect(doc.openapi).toBe('3.0.3');
        expect(doc.info.title).toBeTruthy();
        expect(doc.info.version).toBeTruthy();
        expect(doc.servers[0]!.url).toBe(`${h.url}/${face}`);
        expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
        // every $ref, anywhere, resolves
        const refs: string[] = [];
        const walk = (n: unknown) => {
          if (Array.isArray(n)) n.forEach(walk);
          else if (n && typeof n === 'object')
            for (const [k, v] of Object.entries(n)) {
              if (k === '$ref') refs.push(String(v));
              else walk(v);
            }
        };
        walk(doc);
        expect(refs.length).toBeGreaterThan(3);
        for (const r of refs) expect(resolvePointer(doc, r), r).toBeDefined();
        for (const { path, method, op } of operations(doc)) {
          expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
          expect(op.summary && op.description, `${method} ${path}`).toBeTruthy();
          if (op['x-polypay-browser']) continue;
          // an example for every JSON request and every JSON success answer
          const body = op.requestBody?.content['application/json'];
          if (op.requestBody) expect(body?.example, `${method} ${path} request example`).toBeDefined();
          for (const [code, r] of Object.entries(op.responses)) {
            const media = code.startsWith('2') && !('$ref' in r) ? r.content?.['application/json'] : undefined;
            if (media) expect(media.example !== undefined || media.examples !== undefined, `${method} ${path} ${code} example`).toBe(true);
          }
          // and, where a request can be refused, the errors in the provider's shape
          const secured = (op.security ?? doc.security ?? []).some((r) => Object.keys(r).length > 0);
          if (secured || op.requestBody)
            expect(
              Object.keys(op.responses).some((c) => /^[45]/.test(c)),
              `${method} ${path} errors`,
            ).toBe(true);
        }
        // the same, and the examples against their schemas, path parameters, security schemes, operationIds
        expect(validateDocument(doc)).toEqual([]);
        // and the whole document survives JSON as served
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
        expect(Object.keys(doc['x-webhooks'] ?? {}).length).toBeGreaterThan(0);
      },
    );

    it('each face has its provider security scheme', () => {
      const d = docs();
      expect(d.numopay!.components.securitySchemes.npAccessToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
      expect(String(d.numopay!.components.securitySchemes.npAccessToken!.description)).toContain(
        'NP-ACCESS-TOKEN 2019-12-22.<timestamp>.<apiKey>.<signature>',
      );
      expect(d.cloudpayments!.components.securitySchemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
      expect(d.mbill!.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'basic' });
      expect(d.novapay!.components.securitySchemes.xSign).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-sign' });
      const w = d.way2pay!.components.securitySchemes;
      expect([w.publicKey, w.nonce, w.signature].map((x) => x!.name)).toEqual(['Public-Key', 'Nonce', 'Signature']);
      expect(d.way2pay!.security).toEqual([{ publicKey: [], nonce: [], signature: [] }]);
      // unauthenticated operations say so
      expect(op(d.numopay!, 'getTime').op.security).toEqual([]);
      expect(op(d.cloudpayments!, 'test').op.security).toEqual([]);
      expect(op(d.mbill!, 'createCardToken').op.security).toEqual([]);
    });

    it('documents the CloudPayments form bodies and case-insensitive names, and NovaPay amounts as numbers or strings', () => {
      const d = docs();
      for (const { op: o } of operations(d.cloudpayments!).filter(
        (x) => x.method === 'post' && !x.op['x-polypay-browser'] && x.op.requestBody,
      )) {
        expect(Object.keys(o.requestBody!.content), o.operationId).toEqual(['application/json', 'application/x-www-form-urlencoded']);
        expect(o.description, o.operationId).toContain('case-insensitive');
      }
      const payment = op(d.novapay!, 'addPayment').op.requestBody!.content['application/json']!.schema;
      const amount = (payment as Any).properties.amount as Schema;
      expect(checkValue(d.novapay!, amount, 100.5)).toEqual([]);
      expect(checkValue(d.novapay!, amount, '100.50')).toEqual([]);
      expect(checkValue(d.novapay!, amount, 'ten')).not.toEqual([]);
      expect(String(amount.description)).toMatch(/numeric string/);
    });

    it('documents the webhooks, and callbacks on the operations that cause them', () => {
      const d = docs();
      expect(Object.keys(d.numopay!['x-webhooks']!)).toEqual(['order']);
      expect(Object.keys(d.cloudpayments!['x-webhooks']!)).toEqual(['Check', 'Pay', 'Fail', 'Confirm', 'Refund', 'Recurrent', 'Cancel']);
      expect(Object.keys(d.novapay!['x-webhooks']!)).toEqual(['postback']);
      expect(Object.keys(d.mbill!['x-webhooks']!)).toEqual(['transfer']);
      expect(Object.keys(d.way2pay!['x-webhooks']!)).toEqual(['payIn', 'payOut']);
      expect(Object.keys(op(d.numopay!, 'createWebhookEndpoint').op.callbacks!.order!)).toEqual(['{$request.body#/url}']);
      expect(Object.keys(op(d.novapay!, 'createSession').op.callbacks!.postback!)).toEqual(['{$request.body#/callback_url}']);
      expect(Object.keys(op(d.way2pay!, 'createPayIn').op.callbacks!.callback!)).toEqual(['{$request.body#/callbackURL}']);
      expect(Object.keys(op(d.mbill!, 'setWebhook').op.callbacks!.transfer!)).toEqual(['{$request.body#/url}']);
      expect(Object.keys(op(d.cloudpayments!, 'updateNotifications').op.callbacks!)).toContain('Pay');
    });
  });

  describe('every route a face registers is documented, and nothing else', () => {
    it.each(ALL_FACES.map((f) => f.name))('%s', async (name) => {
      const face = ALL_FACES.find((f) => f.name === name)!;
      // the routes Fastify registers for the face, as the gateway mounts it
      const app = Fastify();
      const routes: string[] = [];
      app.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) routes.push(`${String(m)} ${r.url.slice(face.prefix.length)}`);
      });
      await app.register(async (scope) => face.routes(scope, h.gw.context(face.prefix)), { prefix: face.prefix });
      await app.ready();
      await app.close();
      // HEAD routes are Fastify's automatic twins of GET routes; Mbill answers CORS preflights on any path
      const ignored = routes.filter((r) => r.startsWith('HEAD ') || r === 'OPTIONS /*');
      expect(ignored.filter((r) => r.startsWith('OPTIONS'))).toEqual(name === 'mbill' ? ['OPTIONS /*'] : []);
      const served = routes.filter((r) => !ignored.includes(r)).map((r) => r.replace(/:([A-Za-z_]\w*)/g, '{$1}'));
      const doc = docs()[name]!;
      const documented: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const m of METHODS) {
          if (!item[m]) continue;
          documented.push(`${m.toUpperCase()} ${path}`);
          for (const alias of item['x-polypay-aliases'] ?? []) documented.push(`${m.toUpperCase()} ${alias}`);
        }
      }
      expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
      expect(served.length).toBeGreaterThan(8);
    });
  });

  describe('the examples are true', () => {
    it('Numopay', async () => {
      const doc = docs().numopay!;
      const call = async (id: string, opts: { params?: Record<string, string>; body?: unknown; query?: string } = {}) => {
        const { path, method, op: o } = op(doc, id);
        const p = path.replace(
          /\{(\w+)\}/g,
          (_m, n: string) => opts.params?.[n] ?? (n === 'account_id' ? ACCOUNT : paramExample(doc, o, n)),
        );
        const body = method === 'get' ? '' : JSON.stringify(opts.body ?? requestExample(o) ?? {});
        const query = opts.query ?? '';
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (!o.security || o.security.length)
          headers.authorization = numopayAuthorization(
            DEMO.numopay.apiKey,
            DEMO.numopay.secret,
            Math.floor(Date.now() / 1000),
            method.toUpperCase(),
            p,
            query,
            body,
          );
        return fetch(`${h.url}/numopay${p}${query}`, { method: method.toUpperCase(), headers, ...(method === 'get' ? {} : { body }) });
      };
      await answerOf(doc, 'getTime', await call('getTime'), 200);
      const accounts = await answerOf(doc, 'listAccounts', await call('listAccounts'), 200);
      expect(accounts).toEqual({ data: [{ id: ACCOUNT, currency: 'RUB' }] });
      await answerOf(doc, 'getBalance', await call('getBalance'), 200);
      const t = await answerOf(doc, 'createChargeToken', await call('createChargeToken'), 200);
      const ex = requestExample(op(doc, 'charge').op);
      const c = await answerOf(doc, 'charge', await call('charge', { body: { ...ex, token: t.data.token } }), 200);
      expect(c.data.charge_link).toMatch(/\/numopay\/v2\/charge\//);
      const status = await answerOf(
        doc,
        'getPaymentStatus',
        await call('getPaymentStatus', { params: { order_slug: t.data.order_slug } }),
        200,
      );
      expect(Object.keys(status.data)).toEqual(Object.keys(exampleAnswer(op(doc, 'getPaymentStatus').op, 200).data));
      expect(status.data).toMatchObject({ status: 'success', card_number: '4000********3055', amount: '10000' });
      const e = await answerOf(doc, 'createWebhookEndpoint', await call('createWebhookEndpoint'), 200);
      await answerOf(doc, 'listWebhookEndpoints', await call('listWebhookEndpoints'), 200);
      await answerOf(doc, 'deleteWebhookEndpoint', await call('deleteWebhookEndpoint', { params: { id: e.data.id } }), 200);
      await answerOf(doc, 'listTransactions', await call('listTransactions', { query: '?limit=2' }), 200);
      const rates = await answerOf(doc, 'latestRates', await call('latestRates', { query: '?amount=100&base=EUR' }), 200);
      expect(rates).toEqual(exampleAnswer(op(doc, 'latestRates').op, 200));
      const s = await answerOf(doc, 'createCheckoutSession', await call('createCheckoutSession'), 200);
      await answerOf(
        doc,
        'createPaymentPage',
        await call('createPaymentPage', { body: { key: DEMO.numopay.publishableKey, session_id: s.data.id, session_token: s.data.token } }),
        200,
      );
      // errors in the documented shape
      await answerOf(doc, 'getAccount', await call('getAccount', { params: { account_id: '00000000-0000-0000-0000-000000000000' } }), 404);
      await answerOf(doc, 'createChargeToken', await call('createChargeToken', { body: { amount: 'ten' } }), 400);
      const unsigned = await fetch(`${h.url}/numopay/v2/accounts`);
      await answerOf(doc, 'listAccounts', unsigned, 401);
    });

    it('CloudPayments, as JSON and as a form', async () => {
      const doc = docs().cloudpayments!;
      const auth = 'Basic ' + Buffer.from(`${DEMO.cloudpayments.publicId}:${DEMO.cloudpayments.apiSecret}`).toString('base64');
      const call = (id: string, body?: unknown, opts: { form?: boolean; auth?: string | null } = {}) => {
        const { path, method, op: o } = op(doc, id);
        const p = path.replace(/\{(\w+)\}/g, (_m, n: string) => paramExample(doc, o, n));
        const params = (body ?? requestExample(o) ?? {}) as Record<string, unknown>;
        const headers: Record<string, string> = { 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json' };
        const a = opts.auth === undefined ? auth : opts.auth;
        if (a) headers.authorization = a;
        const text = opts.form
          ? new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k.toLowerCase(), String(v)])).toString()
          : JSON.stringify(params);
        return fetch(`${h.url}/cloudpayments${p}`, { method: method.toUpperCase(), headers, ...(method === 'get' ? {} : { body: text }) });
      };
      await answerOf(doc, 'test', await call('test', undefined, { auth: null }), 200);
      const key = await answerOf(doc, 'publicKey', await fetch(`${h.url}/cloudpayments/payments/publickey`), 200);
      const example = requestExample(op(doc, 'chargeByCryptogram').op);
      const packet = buildCryptogram(
        { number: '4000000000003055', expMonth: 12, expYear: 2030, cvv: '123' },
        DEMO.cloudpayments.publicId,
        key.Pem,
      );
      const charged = await answerOf(
        doc,
        'chargeByCryptogram',
        await call('chargeByCryptogram', { ...example, CardCryptogramPacket: packet }),
        200,
      );
      expect(charged).toMatchObject({
        Success: true,
        Message: null,
        Model: { Status: 'Completed', CardFirstSix: '400000', Description: example.Description },
      });
      expect(Object.keys(charged.Model)).toEqual(Object.keys(exampleAnswer(op(doc, 'chargeByCryptogram').op, 200).Model));
      const threeDs = await answerOf(
        doc,
        'chargeByCryptogram',
        await call('chargeByCryptogram', {
          ...example,
          CardCryptogramPacket: buildCryptogram(
            { number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' },
            DEMO.cloudpayments.publicId,
            key.Pem,
          ),
        }),
        200,
      );
      expect(threeDs.Model.AcsUrl).toBe(`${h.url}/acs`);
      expect(threeDs.Model.ReasonCode).toBeUndefined();
      // the seed's own packet is encrypted to CloudPayments' key: a bad request, as documented
      const bad = await answerOf(doc, 'chargeByCryptogram', await call('chargeByCryptogram'), 200);
      expect(bad).toEqual({ Success: false, Message: 'Invalid CardCryptogramPacket' });
      await answerOf(doc, 'getTransaction', await call('getTransaction', { TransactionId: charged.Model.TransactionId }), 200);
      expect(await answerOf(doc, 'getTransaction', await call('getTransaction', { TransactionId: 1 }), 200)).toEqual({
        Success: false,
        Message: 'Not found',
      });
      const sub = requestExample(op(doc, 'createSubscription').op);
      await answerOf(doc, 'createSubscription', await call('createSubscription', { ...sub, Token: charged.Model.Token }), 200);
      // the order example as a form with lower-case names
      const order = await answerOf(doc, 'createOrder', await call('createOrder', undefined, { form: true }), 200);
      expect(order.Model).toMatchObject({ Amount: 10, Description: 'Payment for order 1234567', Status: 'Created' });
      await answerOf(doc, 'getNotifications', await call('getNotifications'), 200);
      await answerOf(doc, 'getTransaction', await call('getTransaction', { TransactionId: 1 }, { auth: 'Basic eDp5' }), 401);
    });

    it('NovaPay, signed with SHA-1 and SHA-256', async () => {
      const doc = docs().novapay!;
      const call = (id: string, body: unknown, algorithm: 'sha1' | 'sha256' = 'sha1') => {
        const text = JSON.stringify(body);
        return fetch(`${h.url}/novapay${op(doc, id).path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-sign': signBody(text, PEM, algorithm) },
          body: text,
        });
      };
      const ex = (id: string) => requestExample(op(doc, id).op);
      const res = await call('createSession', ex('createSession'));
      expect(res.headers.get('x-sign')).toBeTruthy();
      expect(res.headers.get('x-sign-v2')).toBeTruthy();
      const session = await answerOf(doc, 'createSession', res, 200);
      expect(session.metadata).toEqual(ex('createSession').metadata);
      const payment = await answerOf(doc, 'addPayment', await call('addPayment', { ...ex('addPayment'), session_id: session.id }), 200);
      expect(payment.url).toBe(`${h.url}/novapay/pay?sid=${session.id}`);
      const status = await answerOf(doc, 'getStatus', await call('getStatus', { ...ex('getStatus'), session_id: session.id }), 200);
      expect(Object.keys(status)).toEqual(Object.keys(exampleAnswer(op(doc, 'getStatus').op, 200)));
      // amount as a string, as the PHP SDK sends it
      const second = await answerOf(doc, 'createSession', await call('createSession', ex('createSession'), 'sha256'), 200);
      await answerOf(
        doc,
        'addPayment',
        await call('addPayment', { ...ex('addPayment'), session_id: second.id, amount: '100.50' }, 'sha256'),
        200,
      );
      expect(await answerOf(doc, 'deliveryInfo', await call('deliveryInfo', ex('deliveryInfo')), 200)).toEqual(
        exampleAnswer(op(doc, 'deliveryInfo').op, 200),
      );
      expect(await answerOf(doc, 'deliveryPrice', await call('deliveryPrice', ex('deliveryPrice')), 200)).toEqual({
        delivery_price: 102.5,
      });
      await answerOf(doc, 'framesInit', await call('framesInit', ex('framesInit')), 200);
      // errors of both generations match the documented 400
      const legacy = await answerOf(doc, 'getStatus', await call('getStatus', ex('getStatus')), 400);
      expect(legacy).toEqual({ type: 'processing', error: 'session not found', code: 'SessionNotFoundError' });
      const current = await answerOf(doc, 'createSession', await call('createSession', { merchant_id: 1 }, 'sha256'), 400);
      expect(current).toMatchObject({ type: 'validation', errors: [{ code: 'invalid_type', path: 'client_phone' }] });
      expect(await (await fetch(`${h.url}/novapay/v1/public-key`)).text()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    });

    it('Mbill', async () => {
      const doc = docs().mbill!;
      const call = (id: string, opts: { body?: unknown; token?: string; params?: Record<string, string>; query?: string } = {}) => {
        const { path, method, op: o } = op(doc, id);
        const p = path.replace(/\{(\w+)\}/g, (_m, n: string) => opts.params?.[n] ?? paramExample(doc, o, n));
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (opts.token) headers.authorization = basicAuthorization(opts.token);
        const body = method === 'get' ? undefined : JSON.stringify(opts.body ?? requestExample(o));
        return fetch(`${h.url}/mbill${p}${opts.query ?? ''}`, { method: method.toUpperCase(), headers, ...(body ? { body } : {}) });
      };
      const token = await answerOf(doc, 'createCardToken', await call('createCardToken'), 201);
      expect(Object.keys(token)).toEqual(['meta', 'data']);
      const body = requestExample(op(doc, 'createTransfer').op);
      const t = await answerOf(
        doc,
        'createTransfer',
        await call('createTransfer', {
          body: { ...body, sender: { ...body.sender, credential: { type: 'card-token', token: token.data.token } } },
          token: DEMO.mbill.apiToken,
        }),
        201,
      );
      expect(Object.keys(t.data)).toEqual(Object.keys(exampleAnswer(op(doc, 'createTransfer').op, 201).data));
      expect(t.data.auth).toMatchObject({ type: '3d-secure', acs_url: `${h.url}/acs`, terminal_url: `${h.url}/mbill/3ds/terminal` });
      await answerOf(doc, 'getTransfer', await call('getTransfer', { params: { id: t.data.id }, token: t.data.token }), 200);
      await answerOf(doc, 'listTransfers', await call('listTransfers', { token: DEMO.mbill.apiToken, query: '?limit=10' }), 200);
      await answerOf(doc, 'setWebhook', await call('setWebhook', { token: DEMO.mbill.apiToken }), 200);
      await answerOf(doc, 'getWebhook', await call('getWebhook', { token: DEMO.mbill.apiToken }), 200);
      await answerOf(doc, 'createCardToken', await call('createCardToken', { body: { number: '4242424242424241' } }), 422);
      await answerOf(doc, 'createTransfer', await call('createTransfer', { token: 'nobody' }), 401);
      await answerOf(doc, 'getTransfer', await call('getTransfer', { params: { id: '999999999' }, token: 'x' }), 404);
    });

    it('Way2Pay, generations 1 and 3', async () => {
      const doc = docs().way2pay!;
      const call = (
        id: string,
        opts: {
          body?: unknown;
          params?: Record<string, string>;
          query?: string;
          keys?: { publicKey: string; secretKey: string };
          generation?: 1 | 3;
        } = {},
      ) => {
        const { path, method, op: o } = op(doc, id);
        const p = path.replace(/\{(\w+)\}/g, (_m, n: string) => opts.params?.[n] ?? paramExample(doc, o, n));
        const k = opts.keys ?? DEMO.way2pay;
        const generation = opts.generation ?? 1;
        const example = opts.body ?? requestExample(o);
        const text = method === 'get' || example === undefined ? '' : JSON.stringify(example);
        const nonce = nextNonce(k.publicKey, generation);
        const signature =
          generation === 1
            ? gen1Signature(k.secretKey, text, nonce)
            : gen3Signature(k.secretKey, p, text ? canonicalJson(JSON.parse(text)) : '', nonce);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        // the sandbox operator routes take the admin token; every other operation the merchant's signature
        if (o.security?.some((r) => 'adminToken' in r)) headers.authorization = `Bearer ${h.gw.adminToken}`;
        else if (!o.security || o.security.length) Object.assign(headers, { 'public-key': k.publicKey, nonce, signature });
        return fetch(`${h.url}/way2pay${p}${opts.query ?? ''}`, { method: method.toUpperCase(), headers, ...(text ? { body: text } : {}) });
      };
      const seedPayIn = await answerOf(doc, 'createPayIn', await call('createPayIn'), 200);
      expect(Object.keys(seedPayIn.data)).toEqual(Object.keys(exampleAnswer(op(doc, 'createPayIn').op, 200).data));
      const current = await answerOf(doc, 'createPayIn', await call('createPayIn', { keys: DEMO.way2pay3, generation: 3 }), 200);
      const r = op(doc, 'createPayIn').op.responses['200'] as Response;
      expect(Object.keys(current.data)).toEqual(Object.keys((r.content!['application/json']!.examples!.generation3!.value as Any).data));
      await answerOf(doc, 'getPayIn', await call('getPayIn', { params: { id: seedPayIn.data.id } }), 200);
      await answerOf(doc, 'listPayIns', await call('listPayIns', { query: '?limit=10&offset=0' }), 200);
      await answerOf(
        doc,
        'cancelPayIn',
        await call('cancelPayIn', { params: { id: current.data.id }, keys: DEMO.way2pay3, generation: 3, body: undefined }),
        200,
      );
      const out = await answerOf(doc, 'createPayOut', await call('createPayOut'), 200);
      expect(Object.keys(out.data)).toEqual(Object.keys(exampleAnswer(op(doc, 'createPayOut').op, 200).data));
      await answerOf(doc, 'setPayOutStatus', await call('setPayOutStatus', { params: { id: out.data.id } }), 200);
      const balance = await answerOf(doc, 'getBalance', await call('getBalance', { query: '?currency=RUB' }), 200);
      expect(Object.keys(balance.data.balance)).toEqual(['payment', 'payout']);
      await answerOf(doc, 'listBanks', await call('listBanks'), 200);
      expect(await answerOf(doc, 'listCurrencies', await call('listCurrencies'), 200)).toEqual(
        exampleAnswer(op(doc, 'listCurrencies').op, 200),
      );
      await answerOf(doc, 'listCommissions', await call('listCommissions'), 200);
      await answerOf(
        doc,
        'sandboxTopUp',
        await call('sandboxTopUp', { body: { ...requestExample(op(doc, 'sandboxTopUp').op), publicKey: DEMO.way2pay.publicKey } }),
        200,
      );
      await answerOf(
        doc,
        'sandboxTopUp',
        await fetch(`${h.url}/way2pay/sandbox/balance`, {
          method: 'POST',
          body: JSON.stringify(requestExample(op(doc, 'sandboxTopUp').op)),
        }),
        401,
      );
      await answerOf(doc, 'getPayIn', await call('getPayIn', { params: { id: '00000000-0000-4000-8000-000000000000' } }), 404);
      await answerOf(doc, 'getBalance', await fetch(`${h.url}/way2pay/api/v1/balance`), 401);
    });
  });

  describe('served by the gateway', () => {
    it('GET /docs lists the faces and the admin API', async () => {
      const res = await fetch(`${h.url}/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'; .*connect-src 'self'/);
      const html = await res.text();
      for (const f of ALL_FACES) {
        expect(html).toContain(`href="/docs/${f.name}"`);
        expect(html).toContain(`href="/docs/${f.name}/openapi.json"`);
      }
      expect(html).toContain('href="/admin/openapi.json"');
      expect(html).not.toMatch(/ style="/);
      expect((await fetch(`${h.url}/docs/`, { redirect: 'manual' })).headers.get('location')).toBe('/docs');
    });

    it.each(ALL_FACES.map((f) => f.name))('GET /docs/%s/openapi.json serves the document', async (face) => {
      const res = await fetch(`${h.url}/docs/${face}/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.json()).toEqual(JSON.parse(JSON.stringify(docs()[face])));
    });

    /** The dashboard session cookie of an operator signed in with the admin token. */
    async function operatorCookie(): Promise<string> {
      const res = await fetch(`${h.url}/dashboard/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: h.gw.adminToken, next: '/docs' }).toString(),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/docs');
      return res.headers.get('set-cookie')!.split(';')[0]!;
    }
    /** The demo merchant's secrets on each face's page (only a signed-in operator gets them). */
    const SECRETS: Record<string, string[]> = {
      numopay: [DEMO.numopay.secret],
      cloudpayments: [DEMO.cloudpayments.apiSecret],
      novapay: [],
      mbill: [DEMO.mbill.apiToken],
      way2pay: [DEMO.way2pay.secretKey],
    };

    it.each(ALL_FACES.map((f) => f.name))('GET /docs/%s shows a visitor the public identifiers only, with a sign-in link', async (face) => {
      const html = await (await fetch(`${h.url}/docs/${face}`)).text();
      for (const v of SECRETS[face]!) expect(html).not.toContain(v);
      expect(html).toContain(`href="/dashboard/login?next=%2Fdocs%2F${face}"`);
      const publicIds: Record<string, string[]> = {
        numopay: [DEMO.numopay.apiKey, ACCOUNT],
        cloudpayments: [DEMO.cloudpayments.publicId],
        novapay: ['value="1"'],
        mbill: [],
        way2pay: [DEMO.way2pay.publicKey],
      };
      for (const v of publicIds[face]!) expect(html).toContain(v);
      const index = await (await fetch(`${h.url}/docs`)).text();
      expect(index).toContain('href="/dashboard/login?next=%2Fdocs"');
    });

    it.each(ALL_FACES.map((f) => f.name))(
      'GET /docs/%s renders every operation with a form, filled with the demo credentials for an operator',
      async (face) => {
        const res = await fetch(`${h.url}/docs/${face}`, { headers: { cookie: await operatorCookie() } });
        expect(res.status).toBe(200);
        const csp = res.headers.get('content-security-policy')!;
        const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
        const html = await res.text();
        expect(html).not.toMatch(/ style="/);
        expect(html).not.toMatch(/ on[a-z]+="/);
        for (const m of html.matchAll(/<script([^>]*)>/g)) expect(m[1]).toContain(`nonce="${nonce}"`);
        const doc = docs()[face]!;
        for (const { op: o } of operations(doc)) {
          expect(html).toContain(`id="op-${o.operationId}"`);
          if (!o['x-polypay-browser']) expect(html).toContain(`data-testid="send-${o.operationId}"`);
        }
        for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
        const creds: Record<string, string[]> = {
          numopay: [DEMO.numopay.apiKey, DEMO.numopay.secret, ACCOUNT],
          cloudpayments: [DEMO.cloudpayments.publicId, DEMO.cloudpayments.apiSecret],
          novapay: ['value="1"', '&quot;merchant_id&quot;: 1,'],
          mbill: [DEMO.mbill.apiToken],
          way2pay: [DEMO.way2pay.publicKey, DEMO.way2pay.secretKey],
        };
        for (const v of creds[face]!) expect(html).toContain(v);
        // the NovaPay private key is pasted by the developer, never put in the page
        expect(html).not.toContain('PRIVATE KEY-----\nMII');
      },
    );

    it('answers 404 for an unknown face', async () => {
      expect((await fetch(`${h.url}/docs/paypal`)).status).toBe(404);
      expect((await fetch(`${h.url}/docs/paypal/openapi.json`)).status).toBe(404);
    });

    it('without a demo merchant the credentials are empty, and only the faces served are listed', async () => {
      const other = await startTestGateway('sqlite', TEST_SEED, undefined, { faces: [numopayFace] });
      try {
        const index = await (await fetch(`${other.url}/docs`)).text();
        expect(index).toContain('href="/docs/numopay"');
        expect(index).not.toContain('href="/docs/mbill"');
        expect(index).toContain('There is no merchant <code>demo</code>');
        expect((await fetch(`${other.url}/docs/mbill`)).status).toBe(404);
        const page = await (await fetch(`${other.url}/docs/numopay`)).text();
        expect(page).toContain('id="cred-apiKey" name="apiKey" value=""');
        expect(page).toContain('id="cred-secret" name="secret" value=""');
        expect(page).not.toContain('np_test_secret_1');
      } finally {
        await other.close();
      }
    });
  });
});
