// Fuzzing the NovaPay face: random and mutated JSON bodies (x-sign RSA over the exact bytes, SHA-1 and
// SHA-256), headers, encodings, huge numbers, deep nesting and oversized bodies, signed by merchant 1 or
// mis-signed. Never a 5xx, always NovaPay's `{type:"validation"|"processing", …}` on a 4xx, and a refused
// request changes nothing in the store.
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { NovapayClient } from '../../src/faces/novapay/client.js';
import { signBody } from '../../src/faces/novapay/signing.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import {
  bodies,
  deepFields,
  encodings,
  hugeNumbers,
  mutations,
  oddHeaders,
  pathSegments,
  printable,
  queries,
  trickyBodies,
} from '../helpers/fuzz.js';
import { MERCHANT_A, NOVA, NOVA_STRANGER, REL_SEED, sign } from './faces.js';
import { FuzzHarness, headerSafe, RUNS } from './harness.js';

const ENDPOINTS = [
  '/v1/session',
  '/v1/checkout/session',
  '/v1/expire',
  '/v1/payment',
  '/v1/checkout/payment',
  '/v1/frames/init',
  '/v1/void',
  '/v1/complete-hold',
  '/v1/confirm-delivery-hold',
  '/v1/get-status',
  '/v1/delivery-info',
  '/v1/delivery-price',
  '/v1/print-express-waybill',
];
const KEYS = [
  'merchant_id',
  'session_id',
  'amount',
  'client_phone',
  'client_email',
  'client_first_name',
  'callback_url',
  'success_url',
  'metadata',
  'external_id',
  'products',
  'use_hold',
  'delivery',
  'volume_weight',
  'weight',
  'recipient_city',
  'recipient_warehouse',
  'operations',
  'modelName',
  'calledMethod',
  'methodProperties',
  'success_redirect_timeout',
];
const LVIV = 'db5c88f5-391c-11dd-90d9-001a92567626';
const LVIV_1 = '1ec09d2e-e1c2-11e3-8c4a-0050568002cf';

describe.each(STORES)('fuzzing the NovaPay face on %s', (store) => {
  let h: TestGateway;
  let fz: FuzzHarness;
  const templates: Array<[string, Record<string, unknown>]> = [];

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    fz = new FuzzHarness(h, 'novapay');
    const c = new NovapayClient({
      baseUrl: `${h.url}/novapay/v1`,
      merchantId: 1,
      merchantIdAsNumber: true,
      privateKey: NOVA.A.privateKey,
      algorithm: 'sha1',
    });
    const s1 = await c.createSession({ client_phone: '+380501112233', metadata: { order: 1 } });
    const s2 = await c.createSession({ client_phone: '+380501112233' });
    await c.addPayment({ session_id: s2.id, amount: 100, use_hold: true });
    const checkout = await c.call<{ id: string }>('/checkout/session', { merchant_id: 1, client_phone: '+380501112233' });
    await fetch(`${h.url}/novapay/v1/public-key`);
    const m = { merchant_id: 1 };
    const delivery = { volume_weight: 0.001, weight: 1, recipient_city: LVIV, recipient_warehouse: LVIV_1 };
    templates.push(
      [
        '/v1/session',
        {
          ...m,
          client_phone: '+380501112233',
          client_first_name: 'Тарас',
          client_email: 'a@example.com',
          success_url: 'https://example.com/ok',
          metadata: { a: 1 },
          success_redirect_timeout: 5,
        },
      ],
      ['/v1/checkout/session', { ...m, client_phone: '+380501112233', create_express_waybill: true, delivery }],
      [
        '/v1/payment',
        {
          ...m,
          session_id: s1.id,
          amount: 150.5,
          external_id: 'fz-1',
          products: [{ description: 'x', count: 1, price: 150.5 }],
          use_hold: true,
        },
      ],
      ['/v1/checkout/payment', { ...m, session_id: checkout.id, amount: 500, delivery }],
      ['/v1/frames/init', { ...m, client_phone: '+380501112233', amount: 10, delivery }],
      ['/v1/expire', { ...m, session_id: s1.id }],
      ['/v1/void', { ...m, session_id: s2.id }],
      ['/v1/complete-hold', { ...m, session_id: s2.id, amount: 50, operations: [{ id: '1', amount: 50 }] }],
      ['/v1/confirm-delivery-hold', { ...m, session_id: s2.id }],
      ['/v1/get-status', { ...m, session_id: s2.id }],
      ['/v1/delivery-info', { ...m, modelName: 'Address', calledMethod: 'getCities', methodProperties: { FindByString: 'льв' } }],
      ['/v1/delivery-price', { ...m, amount: 500, ...delivery }],
      ['/v1/print-express-waybill', { ...m, session_id: s2.id }],
    );
    await fz.start();
  });
  afterAll(async () => {
    fz?.write();
    await h?.close();
  });

  const anyBody = fc.oneof(bodies(KEYS), hugeNumbers(KEYS), deepFields(KEYS), trickyBodies(KEYS), encodings(bodies(KEYS))).map(printable);
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

  it('unsigned and mis-signed requests are refused with NovaPay errors and change nothing', async () => {
    const signs = fc.oneof(
      fc.constant(() => undefined),
      fc.string({ maxLength: 400 }).map((s) => () => headerSafe(s)),
      fc.uint8Array({ minLength: 1, maxLength: 256 }).map((a) => () => Buffer.from(a).toString('base64')),
      fc.constant((b: Buffer) => signBody(b, NOVA_STRANGER, 'sha1')),
      fc.constant((b: Buffer) => signBody(b, NOVA_STRANGER, 'sha256')),
      fc.constant((b: Buffer) => signBody(Buffer.concat([b, Buffer.from(' ')]), NOVA.A.privateKey, 'sha1')),
      fc.constant((b: Buffer) => flip(signBody(b, NOVA.A.privateKey, 'sha1'), 0)),
      fc.constant((b: Buffer) => flip(signBody(b, NOVA.A.privateKey, 'sha256'), 10)),
      fc.constant(() => signBody('{"merchant_id":1}', NOVA.A.privateKey, 'sha1')),
    );
    // a body that names merchant 1 but is signed by merchant 2's key
    const claimsA = fc
      .constantFrom(...templates)
      .map(([path, t]) => ({ path, body: Buffer.from(JSON.stringify(t)), key: NOVA.B.privateKey }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constantFrom(...ENDPOINTS), anyBody, signs),
          claimsA.map((x) => [x.path, printable(x.body), (b: Buffer) => signBody(b, x.key, 'sha1')] as const),
        ),
        queries,
        async ([path, body, signer], query) => {
          const s = signer(body);
          await fz.send(
            'unsigned',
            { method: 'POST', path, query, headers: { 'content-type': 'application/json', ...(s ? { 'x-sign': s } : {}) }, body },
            { refused: true },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('signed random requests are answered, never a 5xx; errors change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        anyBody,
        queries,
        oddHeaders,
        fc.constantFrom('sha1' as const, 'sha256' as const),
        async (path, body, query, extra, alg) => {
          await fz.send(
            'signed random',
            { method: 'POST', path, query, headers: { ...extra, ...sign.novapay(NOVA.A.privateKey, body, alg) }, body },
            { merchant: MERCHANT_A },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated valid requests are answered, never a 5xx; errors change nothing', async () => {
    const mutated = fc
      .constantFrom(...templates)
      .chain(([path, t]) => fc.tuple(fc.constant(path), mutations(t), fc.constantFrom('sha1' as const, 'sha256' as const)));
    await fc.assert(
      fc.asyncProperty(mutated, async ([path, text, alg]) => {
        const body = Buffer.from(text);
        await fz.send(
          'mutated',
          {
            method: 'POST',
            path,
            query: '',
            headers: { 'content-type': 'application/json', ...sign.novapay(NOVA.A.privateKey, body, alg) },
            body,
          },
          { merchant: MERCHANT_A },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths, methods and headers under the face never get a 5xx', async () => {
    const words = [
      'v1',
      'session',
      'payment',
      'checkout',
      'frames',
      'init',
      'void',
      'complete-hold',
      'get-status',
      'delivery-info',
      'public-key',
      'pay',
      '3ds',
      'sid',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathSegments(words),
        fc.boolean(),
        oddHeaders,
        bodies(KEYS).map(printable),
        async (method, path, signed, extra, body) => {
          const headers: Record<string, string> = { ...extra, ...(signed ? sign.novapay(NOVA.A.privateKey, body) : {}) };
          await fz.send('paths', { method, path, query: '', headers, body }, { pages: true, merchant: signed ? MERCHANT_A : null });
        },
      ),
      { numRuns: RUNS },
    );
    await fz.finish();
  });
});
