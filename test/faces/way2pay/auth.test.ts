// Way2Pay authentication and errors over real HTTP, on SQLite and PostgreSQL: the seed's signing example,
// both auth generations, replayed, stale and racing nonces (also across two gateway child processes on
// PostgreSQL), every error code of the table in the seed's envelope, and bad input that never gets a 500.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Way2PayApiError, Way2PayClient } from '../../../src/faces/way2pay/client.js';
import { toWire } from '../../../src/faces/way2pay/http.js';
import { gen1Message, gen1Signature, gen3Message, gen3Signature, nextNonce } from '../../../src/faces/way2pay/signing.js';
import { startTestGateway, useGateway } from '../../helpers/gateway.js';
import { startChildGateways } from '../../helpers/child-gateway.js';
import { STORES } from '../../helpers/stores.js';
import { ERROR_TABLE } from './documented.js';
import {
  client,
  EMPTY,
  ext,
  FACES,
  GEN1,
  GEN3,
  generation3Signature,
  GHOST,
  hmac256,
  ISO_MS,
  raw,
  REVOKED,
  RICH,
  W2P_SEED,
  type RawResponse,
} from './helpers.js';

/** The seed's example request body, key order as in the seed. */
const SEED_BODY = {
  externalID: 'test123',
  currency: 'RUB',
  callbackURL: 'https://test.com/callback',
  description: 'Тестовый платеж',
  amount: '1000',
};
const SEED_MESSAGE =
  '{"externalID":"test123","currency":"RUB","callbackURL":"https://test.com/callback","description":"Тестовый платеж","amount":"1000"}1721585422';
const SEED_KEYS = ['id', 'externalID', 'currency', 'amount', 'status', 'method', 'bank', 'cardNumber', 'holder', 'createdAt', 'updatedAt'];

type Way2PayCode = keyof typeof ERROR_TABLE;

function expectError(r: RawResponse, code: Way2PayCode, what = '') {
  const [message, status] = ERROR_TABLE[code];
  expect(r.status, `${what} ${r.text}`).toBe(status);
  expect(Object.keys(r.json), what).toEqual(['success', 'error']);
  expect(r.json.success, what).toBe(false);
  expect(Object.keys(r.json.error), what).toEqual(['message', 'code']);
  expect(r.json.error.code, `${what} ${r.text}`).toBe(code);
  if (code === 20000) expect(r.json.error.message.startsWith('wrong input'), what).toBe(true);
  else expect(r.json.error.message, what).toBe(message);
}

describe.each(STORES)('Way2Pay auth and errors on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, W2P_SEED, undefined, { faces: FACES }), { receiver: true });
  /** the sandbox operator routes take the admin token */
  const operator = () => ({ authorization: `Bearer ${g.h.gw.adminToken}` });

  describe('the seed signing example', () => {
    it('reproduces the message string and the header set', async () => {
      // the message: JSON.stringify(body) followed by the nonce
      expect(gen1Message(JSON.stringify(SEED_BODY), 1721585422)).toBe(SEED_MESSAGE);
      expect(gen1Signature('your_secret_key', JSON.stringify(SEED_BODY), 1721585422)).toBe(hmac256('your_secret_key', SEED_MESSAGE));
      // the header set of the seed's example: Content-Type, Nonce, Public-Key, Signature (hex HMAC-SHA256)
      const c = client(g.h, GEN1, { nonce: () => '1721585422' });
      const signed = c.sign('POST', '/api/v1/pay-in', SEED_BODY);
      expect(signed.headers).toEqual({
        'Content-Type': 'application/json',
        Nonce: '1721585422',
        'Public-Key': GEN1.publicKey,
        Signature: hmac256(GEN1.secretKey, SEED_MESSAGE),
      });
      expect(signed.body).toBe(SEED_MESSAGE.slice(0, -'1721585422'.length));
      expect(signed.url).toBe(`${g.h.url}/way2pay/api/v1/pay-in`);
      // and on the wire, as a receiving server sees it
      const wire = new Way2PayClient({
        baseUrl: g.rx.url,
        publicKey: GEN1.publicKey,
        secretKey: GEN1.secretKey,
        nonce: () => '1721585422',
      });
      await wire.createPayIn(SEED_BODY).catch(() => undefined);
      const got = g.rx.requests.at(-1)!;
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/api/v1/pay-in');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['nonce']).toBe('1721585422');
      expect(got.headers['public-key']).toBe(GEN1.publicKey);
      expect(got.headers['signature']).toMatch(/^[0-9a-f]{64}$/);
      expect(got.body + got.headers['nonce']).toBe(SEED_MESSAGE);
    });

    it("answers the seed's request with the seed's response shape", async () => {
      const nonce = nextNonce(GEN1.publicKey, 1); // unix seconds + 300, as the seed recommends
      expect(Number(nonce)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 299);
      const r = await raw(g.h, 'POST', '/api/v1/pay-in', { body: JSON.stringify(SEED_BODY), nonce });
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(r.json)).toEqual(['success', 'data']);
      expect(r.json.success).toBe(true);
      const d = r.json.data;
      expect(Object.keys(d)).toEqual(SEED_KEYS);
      expect(d).toMatchObject({ externalID: 'test123', currency: 'RUB', amount: '1000', status: 'PENDING', method: 'CARD' });
      expect(d.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(d.bank).toMatch(/^[A-Z]+$/);
      expect(d.cardNumber).toMatch(/^22\d{14}$/);
      expect(typeof d.holder).toBe('string');
      expect(d.createdAt).toMatch(ISO_MS);
      expect(d.updatedAt).toBe(d.createdAt);
      // the seed's own nonce (1721585422) is long past: the request has timed out
      const old = await raw(g.h, 'POST', '/api/v1/pay-in', {
        body: JSON.stringify({ ...SEED_BODY, externalID: 'test124' }),
        nonce: '1721585422',
      });
      expectError(old, 60007);
    });

    it('signs the later generation as path + sorted JSON + nonce (HMAC-SHA512)', async () => {
      const body = {
        bankId: 1,
        externalID: 'test123',
        currencyId: 1,
        callbackURL: 'https://test.com/callback',
        amount: '1000',
        method: 'CARD',
      };
      expect(gen3Message('/api/v1/pay-in', body, 1721585422)).toBe(
        '/api/v1/pay-in{"amount":"1000","bankId":1,"callbackURL":"https://test.com/callback","currencyId":1,"externalID":"test123","method":"CARD"}1721585422',
      );
      expect(gen3Message('/api/v1/balance', undefined, 1721585422)).toBe('/api/v1/balance1721585422');
      // keys are sorted at every depth; arrays keep their order (and their objects' keys, as the provider's sortObjectKeys does)
      expect(gen3Message('/x', { b: { d: 1, c: [{ z: 1, y: 2 }] }, a: 'я' }, 1)).toBe('/x{"a":"я","b":{"c":[{"z":1,"y":2}],"d":1}}1');
      // the signature: hex HMAC-SHA512 of that text, keyed with the private key (computed here from the documented rule)
      expect(gen3Signature('k', '/api/v1/balance', '', 7)).toBe(createHmac('sha512', 'k').update('/api/v1/balance7').digest('hex'));
      expect(gen3Signature('your_private_key_here', '/api/v1/pay-in', body, 1721585422)).toBe(
        createHmac('sha512', 'your_private_key_here')
          .update(
            '/api/v1/pay-in{"amount":"1000","bankId":1,"callbackURL":"https://test.com/callback","currencyId":1,"externalID":"test123","method":"CARD"}1721585422',
          )
          .digest('hex'),
      );
      // the typed client's headers carry that signature
      const signedGet = client(g.h, GEN3, { nonce: () => '172325680000000111' }).sign('GET', '/api/v1/balance');
      expect(signedGet.headers.Signature).toBe(generation3Signature(GEN3.secretKey, '/api/v1/balance', '', '172325680000000111'));
      const c = client(g.h, GEN3, { nonce: () => '172325680000000112' });
      expect(Object.keys(c.sign('GET', '/api/v1/balance').headers)).toEqual(['Content-Type', 'nonce', 'Public-Key', 'Signature']);
      // a generation 3 merchant works with the typed client, and with PHP/Python-style bodies (unsorted on the
      // wire, non-ASCII escaped as \uXXXX in the signed JSON)
      expect((await client(g.h, GEN3).balance()).balance.payout.currency).toBe('RUB');
      const unsorted = JSON.stringify({
        method: 'CARD',
        externalID: ext('php'),
        currencyId: 1,
        bankId: 2,
        amount: '150.50',
        description: 'Оплата заказа',
      });
      const sortedAscii = JSON.stringify(JSON.parse(unsorted), Object.keys(JSON.parse(unsorted)).sort()).replace(
        /[\u0080-\uffff]/g,
        (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
      );
      const php = await raw(g.h, 'POST', '/api/v1/pay-in', { keys: GEN3, body: unsorted, signBody: sortedAscii });
      expect(php.status, php.text).toBe(200);
      expect(php.json.data).toMatchObject({
        amount: '150.5',
        bank: 'Т-Банк',
        method: 'CARD',
        status: 'PENDING',
        description: 'Оплата заказа',
      });
      // the query string is part of the signed path (parameters in alphabetical order)
      expect((await raw(g.h, 'GET', '/api/v1/pay-in/list?limit=1&offset=0', { keys: GEN3 })).status).toBe(200);
      expectError(await raw(g.h, 'GET', '/api/v1/pay-in/list?limit=1&offset=0', { keys: GEN3, signPath: '/api/v1/pay-in/list' }), 2005);
      expectError(
        await raw(g.h, 'GET', '/api/v1/pay-in/list?limit=1&offset=0', { keys: GEN3, signPath: '/api/v1/pay-in/list?limit=2&offset=0' }),
        2005,
      );
      // but not another path, nor the full URL path with the mount prefix
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, signPath: '/api/v1/banks' }), 2005);
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, signPath: '/way2pay/api/v1/balance' }), 2005);
    });
  });

  describe('nonces', () => {
    it('rejects replayed, lower and stale nonces (generation 1)', async () => {
      const n = nextNonce(GEN1.publicKey, 1);
      expect((await raw(g.h, 'GET', '/api/v1/balance', { nonce: n })).status).toBe(200);
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { nonce: n }), 20006, 'replayed');
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { nonce: String(BigInt(n) - 1n) }), 20006, 'lower');
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { nonce: String(Math.floor(Date.now() / 1000) - 1) }), 60007, 'past');
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { nonce: 'abc' }), 20006, 'malformed');
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { nonce: '1'.repeat(19) }), 20006, 'too long');
      // the replay window is real time: advancing the sandbox clock does not outdate a client's nonces
      expect((await raw(g.h, 'GET', '/api/v1/balance')).status).toBe(200);
    });

    it('rejects replayed, lower and stale nonces (generation 3)', async () => {
      const n = nextNonce(GEN3.publicKey, 3);
      expect(n).toMatch(/^\d{18}$/);
      expect((await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: n })).status).toBe(200);
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: n }), 2007, 'replayed');
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: String(BigInt(n) - 5n) }), 2007, 'lower');
      expectError(
        await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: String(BigInt(Date.now() - 10 * 60_000) * 100_000n) }),
        2004,
        'stale',
      );
      expectError(await raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: '12x' }), 2007, 'malformed');
    });

    it('uses up the nonce of a request that failed after authentication', async () => {
      const n = nextNonce(GEN1.publicKey, 1);
      const path = '/api/v1/pay-in/00000000-0000-4000-8000-000000000000';
      expectError(await raw(g.h, 'GET', path, { nonce: n }), 60011);
      expectError(await raw(g.h, 'GET', path, { nonce: n }), 20006);
      // a failed pay-out (no balance) cannot be replayed later, once the balance is there
      const body = JSON.stringify({
        externalID: ext('replay'),
        bankId: 1,
        method: 'SBP',
        currencyId: 1,
        callbackURL: 'https://example.com/cb',
        amount: '100',
        receiver: '79991234567',
        holder: 'Иван Иванов',
      });
      const m = nextNonce(GEN1.publicKey, 1);
      expectError(await raw(g.h, 'POST', '/api/v1/pay-out', { body, nonce: m }), 30004);
      const topUp = await fetch(`${g.h.url}/way2pay/sandbox/balance`, {
        method: 'POST',
        headers: { authorization: `Bearer ${g.h.gw.adminToken}` },
        body: JSON.stringify({ publicKey: GEN1.publicKey, amount: '500' }),
      });
      expect(topUp.status).toBe(200);
      expectError(await raw(g.h, 'POST', '/api/v1/pay-out', { body, nonce: m }), 20006);
    });

    // on PostgreSQL, fired at two gateway processes (the CLI's `start`, child processes sharing only the database)
    it(
      'lets exactly one of many concurrent requests with one nonce pass' + (store === 'postgres' ? ', across two gateway processes' : ''),
      async () => {
        const children = store === 'postgres' ? await startChildGateways(g.h.target, 2) : [];
        try {
          const urls = children.length ? children.map((c) => c.info!.url) : [g.h.url];
          // generation 1, a read
          const c1 = client(g.h, GEN1);
          const r1 = c1.sign('GET', '/api/v1/balance');
          const res1 = await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
              fetch(urls[i % urls.length] + r1.url.slice(g.h.url.length), { method: 'GET', headers: r1.headers }),
            ),
          );
          const codes1 = await Promise.all(
            res1.map(async (r) => [r.status, ((await r.json()) as { error?: { code: number } }).error?.code ?? 0]),
          );
          expect(codes1.filter(([s]) => s === 200)).toHaveLength(1);
          expect(codes1.filter(([s, c]) => s === 400 && c === 20006)).toHaveLength(23);
          // generation 3, a write: one pay-in is created
          const x = ext('race');
          const c3 = client(g.h, GEN3);
          const r3 = c3.sign('POST', '/api/v1/pay-in', { bankId: 1, externalID: x, currencyId: 1, amount: '1000', method: 'CARD' });
          const res3 = await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
              fetch(urls[i % urls.length] + r3.url.slice(g.h.url.length), { method: 'POST', headers: r3.headers, body: r3.body! }),
            ),
          );
          const codes3 = await Promise.all(
            res3.map(async (r) => [r.status, ((await r.json()) as { error?: { code: number } }).error?.code ?? 0]),
          );
          expect(codes3.filter(([s]) => s === 200)).toHaveLength(1);
          expect(codes3.filter(([s, c]) => s === 401 && c === 2007)).toHaveLength(23);
          const list = await client(g.h, GEN3).listPayIns({ externalID: x });
          expect(list.total).toBe(1);
        } finally {
          await Promise.all(children.map((c) => c.stop()));
        }
      },
    );

    it('creates one pay-in for concurrent requests with one externalID (the unique constraint decides)', async () => {
      // several keys of one merchant, so that every request passes its own nonce check and they truly race
      const keys = Array.from({ length: 8 }, (_, i) => ({ ...GEN3, publicKey: `w2p_pk_gen3_race_${store}_${i}` }));
      await g.h.gw.engine.transaction(async (tx) => {
        for (const k of keys)
          await g.h.gw.engine.merchants.addCredential(tx, GEN3.merchantId, {
            face: 'way2pay',
            key: k.publicKey,
            secret: k.secretKey,
            data: { generation: 3 },
          });
      });
      const x = ext('dup');
      const reqs = keys.map((k) =>
        client(g.h, k).sign('POST', '/api/v1/pay-in', { bankId: 1, externalID: x, currencyId: 1, amount: '1000', method: 'CARD' }),
      );
      const res = await Promise.all(reqs.map((r) => fetch(r.url, { method: 'POST', headers: r.headers, body: r.body! })));
      const out = await Promise.all(res.map(async (r) => [r.status, ((await r.json()) as { error?: { code: number } }).error?.code ?? 0]));
      expect(out.filter(([s]) => s === 200)).toHaveLength(1);
      expect(out.filter(([s, code]) => s === 409 && code === 60010)).toHaveLength(keys.length - 1);
      const c = client(g.h, GEN3);
      expect((await c.listPayIns({ externalID: x })).total).toBe(1);
      await expect(c.createPayIn({ bankId: 1, externalID: x, currencyId: 1, amount: '1000', method: 'CARD' })).rejects.toMatchObject({
        status: 409,
        code: 60010,
      });
    });
  });

  describe('every error code of the table, in the seed envelope', () => {
    it('answers each one with its code and HTTP status', async () => {
      const uuid0 = '00000000-0000-4000-8000-000000000000';
      const payIn = (b: Record<string, unknown>, keys = GEN1) =>
        raw(g.h, 'POST', '/api/v1/pay-in', {
          keys,
          body: JSON.stringify({ externalID: ext('err'), currency: 'RUB', amount: '1000', ...b }),
        });
      const cases: Array<[string, () => Promise<RawResponse>, Way2PayCode]> = [
        [
          'no auth headers',
          () => raw(g.h, 'GET', '/api/v1/balance', { headers: { 'public-key': undefined, nonce: undefined, signature: undefined } }),
          10000,
        ],
        ['wrong input', () => payIn({ amount: 'abc' }), 20000],
        ['wrong input (3 decimals)', () => payIn({ amount: '10.001' }), 20000],
        ['wrong input (bad callbackURL)', () => payIn({ callbackURL: 'ftp://x' }), 20000],
        ['wrong input (externalID chars)', () => payIn({ externalID: 'has space' }), 20000],
        ['unbindable body', () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":' }), 20001],
        ['unbindable body (array)', () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '[1,2]' }), 20001],
        ['unbindable query', () => raw(g.h, 'GET', '/api/v1/pay-in/list?limit=abc'), 20002],
        ['unbindable query (limit too big)', () => raw(g.h, 'GET', '/api/v1/pay-out/list?limit=1000'), 20002],
        ['unparseable id', () => raw(g.h, 'GET', '/api/v1/pay-in/not-a-uuid'), 20003],
        ['malformed signature', () => raw(g.h, 'GET', '/api/v1/balance', { headers: { signature: 'xyz' } }), 20004],
        ['malformed public key', () => raw(g.h, 'GET', '/api/v1/balance', { headers: { 'public-key': 'has space' } }), 20005],
        ['malformed nonce', () => raw(g.h, 'GET', '/api/v1/balance', { nonce: 'abc' }), 20006],
        [
          'forbidden status',
          async () => raw(g.h, 'PUT', `/api/v1/pay-in/${(await payIn({})).json.data.id}/status/COMPLETED`, { body: '{}' }),
          30000,
        ],
        ['revoked key', () => raw(g.h, 'GET', '/api/v1/balance', { keys: REVOKED }), 30001],
        ['merchant gone', () => raw(g.h, 'GET', '/api/v1/balance', { keys: GHOST }), 30003],
        [
          'zero balance',
          () =>
            raw(g.h, 'POST', '/api/v1/pay-out', {
              keys: GEN3,
              body: JSON.stringify({
                externalID: ext('p'),
                bankId: 1,
                method: 'CARD',
                currencyId: 1,
                callbackURL: 'https://e.x/c',
                amount: '100',
                receiver: '4000000000003055',
                holder: 'Ivan Ivanov',
              }),
            }),
          30004,
        ],
        [
          'not enough balance',
          () =>
            raw(g.h, 'POST', '/api/v1/pay-out', {
              keys: RICH,
              body: JSON.stringify({
                externalID: ext('p'),
                bankId: 1,
                method: 'CARD',
                currencyId: 1,
                callbackURL: 'https://e.x/c',
                amount: '49000',
                receiver: '4000000000003055',
                holder: 'Ivan Ivanov',
              }),
            }),
          30005,
        ],
        ['amount below min', () => payIn({ amount: '99.99' }), 30006],
        ['amount above max', () => payIn({ amount: '100000.01' }), 30007],
        ['unknown currency', () => payIn({ currency: 'XYZ' }), 60000],
        ['unknown currency id', () => payIn({ currency: undefined, currencyId: 99 }), 60000],
        ['inactive currency', () => payIn({ currency: 'KZT' }), 60001],
        ['currency no bank serves', () => payIn({ currency: 'USD' }), 60001],
        ['currency of another bank', () => payIn({ currency: 'USD', bankId: 1 }), 60001],
        [
          'invalid status',
          async () => raw(g.h, 'PUT', `/api/v1/pay-in/${(await payIn({})).json.data.id}/status/PAID`, { body: '{}' }),
          60002,
        ],
        ['empty Public-Key', () => raw(g.h, 'GET', '/api/v1/balance', { headers: { 'public-key': undefined } }), 60003],
        ['empty Nonce', () => raw(g.h, 'GET', '/api/v1/balance', { headers: { nonce: undefined } }), 60004],
        ['empty Signature', () => raw(g.h, 'GET', '/api/v1/balance', { headers: { signature: undefined } }), 60005],
        ['invalid Signature', () => raw(g.h, 'GET', '/api/v1/balance', { secret: 'wrong' }), 60006],
        [
          'tampered body',
          () =>
            raw(g.h, 'POST', '/api/v1/pay-in', {
              body: JSON.stringify({ externalID: ext(), currency: 'RUB', amount: '5000' }),
              signBody: '{"amount":"1000"}',
            }),
          60006,
        ],
        ['request timeout', () => raw(g.h, 'GET', '/api/v1/balance', { nonce: String(Math.floor(Date.now() / 1000) - 60) }), 60007],
        // an unknown Public-Key is answered as a wrong signature of the scheme its signature claims (60008 is never sent: it would tell which keys exist)
        ['unknown Public-Key', () => raw(g.h, 'GET', '/api/v1/balance', { keys: { ...GEN1, publicKey: 'w2p_pk_nobody' } }), 60006],
        [
          'unknown Public-Key (generation 3 signature)',
          () => raw(g.h, 'GET', '/api/v1/balance', { keys: { ...GEN3, publicKey: 'w2p_pk_nobody' } }),
          2005,
        ],
        ['empty externalID', () => payIn({ externalID: '' }), 60009],
        ['externalID exists', () => payIn({ externalID: 'test123' }), 60010],
        ["payment doesn't exist", () => raw(g.h, 'GET', `/api/v1/pay-in/${uuid0}`), 60011],
        ["pay-out doesn't exist", () => raw(g.h, 'GET', `/api/v1/pay-out/${uuid0}`), 60011],
        [
          'payment is finalized',
          async () => {
            const id = (await payIn({})).json.data.id;
            // (a generation 1 write without a body signs "{}": the signature of a bodiless read may not authorize it)
            expect((await raw(g.h, 'PATCH', `/api/v1/pay-in/${id}/cancel`, { body: '{}' })).status).toBe(200);
            return raw(g.h, 'PATCH', `/api/v1/pay-in/${id}/cancel`, { body: '{}' });
          },
          60012,
        ],
        // the current generation's codes
        ['gen 3: request timeout', () => raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: '100000000000000000' }), 2004],
        ['gen 3: invalid Signature', () => raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, secret: 'wrong' }), 2005],
        ['gen 3: invalid NONCE', () => raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, nonce: '5' }), 2007],
        ['gen 3: commission doesnt exist', () => payIn({ bankId: 6, method: 'CARD' }, GEN3), 60013],
        ['gen 3: bank doesnt exist', () => payIn({ bankId: 99, method: 'CARD' }, GEN3), 60014],
        ['gen 3: method doesnt exist', () => payIn({ bankId: 1, method: 'BITCOIN' }, GEN3), 60015],
        // generation 1 has no such codes: the same mistakes are wrong input
        ['gen 1: unknown bank', () => payIn({ bankId: 99 }), 20000],
        ['gen 1: unknown method', () => payIn({ method: 'BITCOIN' }), 20000],
      ];
      // take two merchants apart for 30001 and 30003
      await g.h.gw.engine.transaction(async (tx) => {
        const cred = (await tx.credentials.list(REVOKED.merchantId)).find((c) => c.face === 'way2pay')!;
        await tx.credentials.update(cred.id, { status: 'revoked' });
        await tx.merchants.delete(GHOST.merchantId);
      });
      const seen = new Set<number>();
      for (const [what, run, code] of cases) {
        expectError(await run(), code, what);
        seen.add(code);
      }
      // 40000 is our own fault only, never an answer to bad input
      const internal = toWire(new Error('boom'));
      expect(internal).toMatchObject({ status: 500, body: { success: false, error: { message: 'internal error', code: 40000 } } });
      seen.add(40000);
      expect([...seen].sort()).toEqual(
        Object.keys(ERROR_TABLE)
          .map(Number)
          .filter((c) => c !== 60008)
          .sort(),
      );
    });

    it('throws typed errors from the client', async () => {
      await expect(client(g.h, GEN1).getPayIn('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(Way2PayApiError);
      await expect(client(g.h, { ...GEN1, secretKey: 'nope' }).balance()).rejects.toMatchObject({
        status: 401,
        code: 60006,
        message: 'invalid Signature',
      });
    });
  });

  describe('bad input gets a Way2Pay error with a 4xx, never a 500', () => {
    it('survives hostile headers, bodies, paths and queries', async () => {
      const cases: Array<() => Promise<RawResponse>> = [
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: 'null' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '"text"' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":{"a":1},"currency":"RUB","amount":"1"}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":"a","currency":[1],"amount":"1"}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":"a","currency":"RUB","amount":1e308}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":"a","currency":"RUB","amount":"-5"}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"externalID":"a","currencyId":1.5,"amount":"5"}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { body: '{"__proto__":{"externalID":"x"},"currency":"RUB","amount":"5000"}' }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { keys: GEN3, body: '['.repeat(5000) + ']'.repeat(5000) }),
        () => raw(g.h, 'POST', '/api/v1/pay-in', { keys: GEN3, body: '{"a":' }),
        () => raw(g.h, 'POST', '/api/v1/pay-out', { body: '{"externalID":"a","bankId":"x","currencyId":1,"amount":"5","method":"CARD"}' }),
        () =>
          raw(g.h, 'POST', '/api/v1/pay-out', {
            keys: RICH,
            body: JSON.stringify({
              externalID: ext(),
              bankId: 1,
              method: 'CARD',
              currencyId: 1,
              callbackURL: 'https://e.x',
              amount: '100',
              receiver: '4000000000000000',
              holder: 'Ivan Ivanov',
            }),
          }),
        () =>
          raw(g.h, 'POST', '/api/v1/pay-out', {
            keys: RICH,
            body: JSON.stringify({
              externalID: ext(),
              bankId: 1,
              method: 'SBP',
              currencyId: 1,
              callbackURL: 'https://e.x',
              amount: '100',
              receiver: 'call me',
              holder: 'Ivan Ivanov',
            }),
          }),
        () =>
          raw(g.h, 'POST', '/api/v1/pay-out', {
            keys: RICH,
            body: JSON.stringify({
              externalID: ext(),
              bankId: 1,
              method: 'ACCOUNT',
              currencyId: 1,
              callbackURL: 'https://e.x',
              amount: '100',
              receiver: '408178',
              holder: 'Iv',
            }),
          }),
        () => raw(g.h, 'GET', '/api/v1/pay-in/list?limit=1&limit=2'),
        () => raw(g.h, 'GET', '/api/v1/pay-in/list?status=NOPE'),
        () => raw(g.h, 'GET', '/api/v1/pay-in/list?offset=-1'),
        () => raw(g.h, 'GET', '/api/v1/balance?currency=%00'),
        () => raw(g.h, 'GET', '/api/v1/balance?currency=XYZ'),
        () => raw(g.h, 'GET', `/api/v1/pay-in/${'9'.repeat(400)}`),
        () => raw(g.h, 'PUT', '/api/v1/pay-in/00000000-0000-4000-8000-000000000000/status/CANCELLED', { body: '{}' }),
        () => raw(g.h, 'GET', '/api/v1/balance', { headers: { nonce: '9'.repeat(400) } }),
        () => raw(g.h, 'GET', '/api/v1/balance', { headers: { signature: 'g'.repeat(64) } }),
        () => raw(g.h, 'GET', '/api/v1/balance', { keys: GEN3, headers: { signature: 'a'.repeat(64) } }),
        () => raw(g.h, 'GET', '/api/v1/balance', { headers: { 'public-key': 'k'.repeat(300) } }),
        () => raw(g.h, 'DELETE', '/api/v1/balance'),
        () => raw(g.h, 'GET', '/api/v2/nothing'),
        () => raw(g.h, 'POST', '/sandbox/pay-in/not-a-uuid/pay', { body: '{}', headers: operator() }),
        () => raw(g.h, 'POST', '/sandbox/pay-in/00000000-0000-4000-8000-000000000000/pay', { body: '{"amount":"x"}', headers: operator() }),
        () => raw(g.h, 'POST', '/sandbox/balance', { body: '{"publicKey":"nobody","amount":"1"}', headers: operator() }),
        () => raw(g.h, 'POST', '/sandbox/balance', { body: `{"publicKey":"${GEN1.publicKey}","amount":"-1"}`, headers: operator() }),
        () => raw(g.h, 'POST', '/sandbox/balance', { body: '{bad', headers: operator() }),
        () => raw(g.h, 'POST', '/sandbox/balance', { body: `{"publicKey":"${GEN1.publicKey}","amount":"1"}` }),
      ];
      for (const [i, run] of cases.entries()) {
        const r = await run();
        expect(r.status, `case ${i}: ${r.text}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `case ${i}: ${r.text}`).toBeLessThan(500);
        expect(r.json?.success, `case ${i}: ${r.text}`).toBe(false);
        expect(typeof r.json.error.code, `case ${i}`).toBe('number');
      }
      // a URL that cannot be decoded is refused by the HTTP server before any route (400, Fastify's own body)
      expect((await raw(g.h, 'GET', '/api/v1/pay-in/%E0%A4%A')).status).toBe(400);
      // an oversized body: 413 in the same envelope
      const big = await raw(g.h, 'POST', '/api/v1/pay-in', { body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) });
      expect(big.status).toBe(413);
      expect(big.json).toEqual({ success: false, error: { message: 'request body is too large', code: 20001 } });
    });

    it("cannot see or cancel another merchant's pay-in", async () => {
      const mine = await client(g.h, GEN1).createPayIn({ externalID: ext('mine'), currency: 'RUB', amount: '1000' });
      await expect(client(g.h, GEN3).getPayIn(mine.id)).rejects.toMatchObject({ status: 404, code: 60011 });
      await expect(client(g.h, GEN3).cancelPayIn(mine.id)).rejects.toMatchObject({ status: 404, code: 60011 });
      await expect(client(g.h, EMPTY).listPayIns({ externalID: mine.externalID })).resolves.toEqual({ total: 0, items: [] });
      expect((await client(g.h, GEN1).getPayIn(mine.id)).status).toBe('PENDING');
    });
  });
});
