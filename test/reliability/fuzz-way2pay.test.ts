// Fuzzing the Way2Pay face, both auth generations (1: HMAC-SHA256 over body + nonce; 3: HMAC-SHA512 over
// path + sorted JSON + nonce): random and mutated bodies, query strings, headers, encodings, huge numbers,
// deep nesting and oversized bodies, signed or mis-signed, with fresh, outdated and reused nonces. Never a
// 5xx, always `{success:false, error:{message, code}}` on a 4xx, and a refused request changes nothing in
// the store (a signed request that fails on its content still uses up its nonce, by design).
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { Way2PayClient } from '../../src/faces/way2pay/client.js';
import { gen1Signature, gen3Signature, nextNonce } from '../../src/faces/way2pay/signing.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import {
  bodies,
  contentTypes,
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
import { MERCHANT_A, MERCHANT_B, REL_SEED, sign, W2P, way2payGen3Body, type W2pKeys } from './faces.js';
import { FuzzHarness, headerSafe, RUNS } from './harness.js';

const UUID0 = '00000000-0000-4000-8000-000000000000';
const KEYS = [
  'externalID',
  'amount',
  'currencyId',
  'currency',
  'bankId',
  'bank',
  'method',
  'callbackURL',
  'description',
  'receiver',
  'holder',
  'confirm',
  'publicKey',
  'balance',
];

describe.each(STORES)('fuzzing the Way2Pay face on %s', (store) => {
  let h: TestGateway;
  /** refused requests: the nonce table is watched too (a refused request may not use a nonce up) */
  let fz: FuzzHarness;
  /** signed requests: a signed request that fails on its content uses its nonce up, by design */
  let fzSigned: FuzzHarness;
  const endpoints: Array<[string, string]> = [];
  const templates: Array<[string, string, Record<string, unknown>]> = [];
  /** nonces already accepted (valid signatures over them are replays) */
  const used: Record<'A' | 'B', string> = { A: '', B: '' };

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    fz = new FuzzHarness(h, 'way2pay');
    fzSigned = new FuzzHarness(h, 'way2pay', { mayChange: ['way2pay_nonces'] });
    let last = '';
    const a = new Way2PayClient({
      baseUrl: `${h.url}/way2pay`,
      publicKey: W2P.A.publicKey,
      secretKey: W2P.A.secretKey,
      generation: 1,
      nonce: () => (last = nextNonce(W2P.A.publicKey, 1)),
    });
    const pin = await a.createPayIn({ externalID: 'fz-in-1', currencyId: 1, amount: '500', method: 'CARD', bankId: 1 } as never);
    used.A = last;
    const b = new Way2PayClient({
      baseUrl: `${h.url}/way2pay`,
      publicKey: W2P.B.publicKey,
      secretKey: W2P.B.secretKey,
      generation: 3,
      nonce: () => (last = nextNonce(W2P.B.publicKey, 3)),
    });
    const pout = await b.createPayOut({
      externalID: 'fz-out-1',
      bankId: 1,
      method: 'CARD',
      currencyId: 1,
      callbackURL: 'https://example.com/cb',
      amount: '100',
      receiver: '4000000000003055',
      holder: 'Иванов Иван',
    } as never);
    used.B = last;
    endpoints.push(
      ['POST', '/api/v1/pay-in'],
      ['GET', '/api/v1/pay-in/list'],
      ['GET', `/api/v1/pay-in/${pin.id}`],
      ['PATCH', `/api/v1/pay-in/${pin.id}/cancel`],
      ['PUT', `/api/v1/pay-in/${pin.id}/status/CANCELED`],
      ['POST', '/api/v1/pay-out'],
      ['GET', '/api/v1/pay-out/list'],
      ['GET', `/api/v1/pay-out/${pout.id}`],
      ['PUT', `/api/v1/pay-out/${pout.id}/status/CANCELED`],
      ['GET', '/api/v1/balance'],
      ['GET', '/api/v1/banks'],
      ['GET', '/api/v1/currencies'],
      ['GET', '/api/v1/commissions'],
    );
    templates.push(
      [
        'POST',
        '/api/v1/pay-in',
        {
          externalID: 'fz-in-2',
          currencyId: 1,
          amount: '250.50',
          method: 'CARD',
          bankId: 1,
          callbackURL: 'https://example.com/cb',
          description: 'x',
        },
      ],
      ['POST', '/api/v1/pay-in', { externalID: 'fz-in-3', currency: 'RUB', amount: 300, method: 'SBP' }],
      [
        'POST',
        '/api/v1/pay-out',
        {
          externalID: 'fz-out-2',
          bankId: 1,
          method: 'CARD',
          currencyId: 1,
          callbackURL: 'https://example.com/cb',
          amount: '100',
          receiver: '4000000000003055',
          holder: 'Иванов Иван',
        },
      ],
      [
        'POST',
        '/api/v1/pay-out',
        {
          externalID: 'fz-out-3',
          bankId: 1,
          method: 'SBP',
          currencyId: 1,
          callbackURL: 'https://example.com/cb',
          amount: '100',
          receiver: '+79991234567',
          holder: 'Иванов Иван',
        },
      ],
      ['PUT', `/api/v1/pay-in/${pin.id}/status/CANCELED`, {}],
      ['PUT', `/api/v1/pay-out/${pout.id}/status/CANCELED`, {}],
      ['POST', `/sandbox/pay-in/${pin.id}/pay`, { amount: '500', confirm: false }],
      ['POST', '/sandbox/balance', { publicKey: W2P.A.publicKey, amount: '10', currency: 'RUB', balance: 'payout' }],
    );
    await fz.start();
  });
  afterAll(async () => {
    // one file of figures: both harnesses' counts
    if (fz && fzSigned) {
      for (const [k, v] of Object.entries(fzSigned.counts.properties)) fz.counts.properties[k] = v;
      for (const [k, v] of Object.entries(fzSigned.counts.statusesByProperty)) fz.counts.statusesByProperty[k] = v;
      for (const [k, v] of Object.entries(fzSigned.counts.statuses)) fz.counts.statuses[k] = (fz.counts.statuses[k] ?? 0) + v;
      fz.counts.requests += fzSigned.counts.requests;
      fz.counts.stateChecks += fzSigned.counts.stateChecks;
      fz.counts.stateChanges += fzSigned.counts.stateChanges;
      fz.counts.logChecks += fzSigned.counts.logChecks;
      fz.counts.logRows += fzSigned.counts.logRows;
      fz.counts.logProblems += fzSigned.counts.logProblems;
      fz.counts.serverErrors += fzSigned.counts.serverErrors;
      fz.write();
    }
    await h?.close();
  });

  const anyBody = fc.oneof(bodies(KEYS), hugeNumbers(KEYS), deepFields(KEYS), trickyBodies(KEYS), encodings(bodies(KEYS))).map(printable);
  const keysOf = fc.constantFrom<['A' | 'B', W2pKeys]>(['A', W2P.A], ['B', W2P.B]);
  const merchantOf = { A: MERCHANT_A, B: MERCHANT_B };
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);

  it('unsigned, mis-signed, outdated and replayed requests are refused and change nothing (not even the nonces)', async () => {
    type Variant = (who: 'A' | 'B', k: W2pKeys, method: string, path: string, body: Buffer) => Record<string, string>;
    const fresh = (k: W2pKeys) => sign.way2pay(k, 'GET', '/', Buffer.alloc(0)).nonce!;
    const variants = fc.constantFrom<[string, Variant]>(
      ['no headers', () => ({})],
      ['no signature', (_w, k) => ({ 'public-key': k.publicKey, nonce: fresh(k) })],
      ['no nonce', (_w, k, m, p, b) => ({ 'public-key': k.publicKey, signature: sign.way2pay(k, m, p, b).signature! })],
      ['unknown key', (_w, k, m, p, b) => ({ ...sign.way2pay(k, m, p, b), 'public-key': 'w2p_pk_nobody' })],
      ['wrong secret', (_w, k, m, p, b) => sign.way2pay(k, m, p, b, { secret: k.secretKey + 'x' })],
      ['other merchant secret', (w, k, m, p, b) => sign.way2pay(k, m, p, b, { secret: (w === 'A' ? W2P.B : W2P.A).secretKey })],
      // (generation 3 signs no body on a GET: there the signed path is the one tampered with)
      [
        'tampered body',
        (_w, k, m, p, b) =>
          sign.way2pay(
            k,
            m,
            p,
            b,
            m === 'GET' && k.generation === 3 ? { signPath: `${p}x` } : { signBody: Buffer.concat([b, Buffer.from('x')]) },
          ),
      ],
      [
        'first character flipped',
        (_w, k, m, p, b) => {
          const s = sign.way2pay(k, m, p, b);
          return { ...s, signature: flip(s.signature!, 0) };
        },
      ],
      [
        'last character flipped',
        (_w, k, m, p, b) => {
          const s = sign.way2pay(k, m, p, b);
          return { ...s, signature: flip(s.signature!, s.signature!.length - 1) };
        },
      ],
      ['replayed nonce', (w, k, m, p, b) => sign.way2pay(k, m, p, b, { nonce: used[w] })],
      [
        'outdated nonce',
        (_w, k, m, p, b) =>
          sign.way2pay(k, m, p, b, {
            nonce: k.generation === 1 ? String(Math.floor(Date.now() / 1000) - 5) : String((BigInt(Date.now()) - 600_000n) * 100_000n),
          }),
      ],
      ['nonce of 19 digits', (_w, k, m, p, b) => sign.way2pay(k, m, p, b, { nonce: '9'.repeat(19) })],
      ['nonce far in the future', (_w, k, m, p, b) => sign.way2pay(k, m, p, b, { nonce: '9'.repeat(18) })],
      ['non-digit nonce', (_w, k, m, p, b) => sign.way2pay(k, m, p, b, { nonce: '1e9' })],
      [
        'other path signed',
        (_w, k, m, p, b) =>
          k.generation === 3
            ? sign.way2pay(k, m, p, b, { signPath: p === '/api/v1/balance' ? '/api/v1/banks' : '/api/v1/balance' })
            : { ...sign.way2pay(k, m, p, b), signature: 'z'.repeat(64) },
      ],
      [
        'sha256 for generation 3 / sha512 for generation 1',
        (_w, k, m, p, b) => {
          const nonce = fresh(k);
          return {
            'public-key': k.publicKey,
            nonce,
            signature:
              k.generation === 3 ? gen1Signature(k.secretKey, b, nonce) : gen3Signature(k.secretKey, p, way2payGen3Body(m, b), nonce),
          };
        },
      ],
    );
    await fc.assert(
      fc.asyncProperty(
        keysOf,
        fc.constantFrom(...endpoints),
        anyBody,
        contentTypes,
        variants,
        async ([who, k], [method, path], body, ct, [, variant]) => {
          const headers: Record<string, string> = {
            ...variant(who, k, method, path, method === 'GET' ? Buffer.alloc(0) : body),
            ...(ct ? { 'content-type': ct } : {}),
          };
          await fz.send('unauthenticated', { method, path, query: '', headers, body }, { refused: true });
        },
      ),
      { numRuns: RUNS },
    );
    // random header values too
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 200 }),
        async ([method, path], pk, nonce, signature) => {
          const headers = { 'public-key': headerSafe(pk), nonce: headerSafe(nonce), signature: headerSafe(signature) };
          await fz.send('random headers', { method, path, query: '', headers, body: Buffer.from('{}') }, { refused: true });
        },
      ),
      { numRuns: RUNS },
    );
    await fzSigned.start();
  });

  it('signed random requests are answered, never a 5xx; errors change nothing but the nonce', async () => {
    await fc.assert(
      fc.asyncProperty(
        keysOf,
        fc.constantFrom(...endpoints),
        anyBody,
        queries,
        oddHeaders,
        async ([who, k], [method, path], body, query, extra) => {
          const sent = method === 'GET' ? Buffer.alloc(0) : body;
          // generation 3 signs the query string with the path
          const headers = {
            ...extra,
            'content-type': 'application/json',
            ...sign.way2pay(k, method, query && query !== '?' ? path + query : path, sent),
          };
          await fzSigned.send(
            'signed random',
            { method, path, query: query === '?' ? '' : query, headers, body: sent },
            { merchant: merchantOf[who] },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated valid requests are answered, never a 5xx; errors change nothing but the nonce', async () => {
    const mutated = fc
      .constantFrom(...templates)
      .chain(([method, path, t]) => fc.tuple(fc.constant([method, path] as const), mutations(t), keysOf));
    await fc.assert(
      fc.asyncProperty(mutated, async ([[method, path], text, [who, k]]) => {
        const body = Buffer.from(text);
        const sandbox = path.startsWith('/sandbox/');
        // the sandbox operator routes take the admin token instead of a merchant signature
        const headers = {
          'content-type': 'application/json',
          ...(sandbox ? { authorization: `Bearer ${h.gw.adminToken}` } : sign.way2pay(k, method, path, body)),
        };
        // (the operator's sandbox routes act on merchant A's pay-in and balance)
        await fzSigned.send('mutated', { method, path, query: '', headers, body }, { merchant: sandbox ? MERCHANT_A : merchantOf[who] });
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths, methods, queries and headers under the face never get a 5xx', async () => {
    const words = [
      'api',
      'v1',
      'pay-in',
      'pay-out',
      'list',
      'cancel',
      'status',
      'CANCELED',
      'balance',
      'banks',
      'sandbox',
      'pay',
      'confirm',
      'fail',
      UUID0,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathSegments(words),
        queries,
        fc.boolean(),
        oddHeaders,
        bodies(KEYS).map(printable),
        async (method, path, query, signed, extra, body) => {
          const headers: Record<string, string> = { ...extra, ...(signed ? sign.way2pay(W2P.B, method, path, body) : {}) };
          await fzSigned.send('paths', { method, path, query, headers, body }, { merchant: signed ? MERCHANT_B : null });
        },
      ),
      { numRuns: RUNS },
    );
    await fzSigned.finish();
  });
});
