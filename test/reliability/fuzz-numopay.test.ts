// Fuzzing the Numopay face: signed and unsigned random requests never get a 5xx, never crash the
// server, and unsigned or malformed ones never change state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { numopayAuthorization } from '../../src/faces/numopay/signing.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { bodies, contentTypes, hex64, queries, send } from '../helpers/fuzz.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const RUNS = Number(process.env.POLYPAY_FUZZ_RUNS ?? 300);
const ENDPOINTS: Array<[string, string]> = [
  ['POST', `/v2/accounts/${RUB}/charge/token`],
  ['POST', `/v2/accounts/${RUB}/charge`],
  ['POST', `/v2/accounts/${RUB}/refill/token`],
  ['POST', `/v2/accounts/${RUB}/refill`],
  ['POST', `/v2/accounts/${RUB}/webhook-endpoints`],
  ['PUT', `/v2/accounts/${RUB}/webhook-endpoints/00000000-0000-0000-0000-000000000000`],
  ['POST', `/v2/accounts/${RUB}/checkout/sessions`],
  ['POST', '/v2/payment-pages'],
  ['GET', `/v2/accounts/${RUB}/transactions`],
  ['GET', `/v2/accounts/${RUB}/payment/x`],
  ['GET', `/v2/accounts/${RUB}/rates/latest`],
  ['DELETE', `/v2/accounts/${RUB}/webhook-endpoints/x`],
];
const KEYS = ['amount', 'redirect_url', 'currency', 'token', 'card_info', 'card_number', 'url', 'event', 'items', 'success_url', 'cancel_url', 'key', 'session_id', 'session_token'];

describe('fuzzing the Numopay face', () => {
  let h: TestGateway;
  const counts = { signed: 0, unsigned: 0, statuses: {} as Record<string, number> };
  beforeAll(async () => {
    h = await startTestGateway('sqlite');
  });
  afterAll(async () => {
    await h?.close();
    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/fuzz-numopay.json', JSON.stringify(counts, null, 2));
  });

  const tally = (s: number) => (counts.statuses[s] = (counts.statuses[s] ?? 0) + 1);

  it('signed random requests get a 2xx or 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), bodies(KEYS), queries, contentTypes, async ([method, path], body, query, ct) => {
        const ts = Math.floor(Date.now() / 1000);
        const signedBody = method === 'GET' ? '' : body.toString('utf8');
        const auth = numopayAuthorization('np_test_key_1', 'np_test_secret_1', ts, method, path, query === '?' ? '' : query, signedBody);
        const status = await send(`${h.url}/numopay`, { method, path, query, headers: { authorization: auth, ...(ct ? { 'content-type': ct } : {}) }, body });
        counts.signed++;
        tally(status);
        expect(status, `${method} ${path}${query}`).toBeLessThan(500);
        expect(status).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: RUNS },
    );
  });

  it('unsigned, mis-signed and mangled requests are refused and change nothing', async () => {
    const before = await h.gw.engine.read(async (tx) => [await tx.countPayments({}), (await tx.listPayouts({ limit: 100000 })).length]);
    const authHeaders = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 120 }),
      fc.tuple(fc.integer(), fc.string({ maxLength: 20 }), hex64).map(([ts, key, sig]) => `NP-ACCESS-TOKEN 2019-12-22.${ts}.${key}.${sig}`),
      hex64.map((sig) => `NP-ACCESS-TOKEN 2019-12-22.${Math.floor(Date.now() / 1000)}.np_test_key_1.${sig}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), bodies(KEYS), queries, authHeaders, async ([method, path], body, query, auth) => {
        const status = await send(`${h.url}/numopay`, { method, path, query, headers: { ...(auth !== undefined ? { authorization: auth.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '') } : {}), 'content-type': 'application/json' }, body });
        counts.unsigned++;
        tally(status);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    const after = await h.gw.engine.read(async (tx) => [await tx.countPayments({}), (await tx.listPayouts({ limit: 100000 })).length]);
    expect(after).toEqual(before);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('random paths and methods under the face never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), fc.array(fc.oneof(fc.constantFrom('v2', 'accounts', RUB, 'charge', 'token', '..', '%2e%2e', '%00', 'payment'), fc.string({ maxLength: 10 }).map(encodeURIComponent)), { maxLength: 6 }), async (method, parts) => {
        const status = await send(`${h.url}/numopay`, { method, path: '/' + parts.join('/'), query: '', headers: {}, body: Buffer.from('{}') });
        tally(status);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });
});
