// The NUL character (U+0000) in a request, on both stores. PostgreSQL's text and jsonb cannot hold it: a NUL
// that reaches a query or a stored value is a database error, which was a 500 on PostgreSQL (found by the
// CloudPayments fuzzer: a top-up whose `Name` was "\u0000") while SQLite stored it. Whatever the store, a body or a
// URL holding a NUL (a raw 0x00 byte, a JSON escape, a percent-encoded %00) is refused with the face's own
// "bad request" error before it reaches anything, and the request log, which writes requests in batches, keeps
// every other request when one of them held a NUL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { call, CP, errorShape, MB, NOVA, NP, REL_SEED, sign, W2P, type Res } from './faces.js';

type FaceName = keyof typeof errorShape;

/**
 * One request per face that reaches a lookup or a write with a string field holding `nul`, signed over the exact
 * body sent: `nul` is spliced into the JSON text, so it is either the six characters of the escape or the raw byte.
 */
function requests(g: string, nul: string): Array<{ face: FaceName; send: () => Promise<Res> }> {
  const json = (v: unknown) => JSON.stringify(v).replace('NUL_HERE', nul);
  const type = { 'content-type': 'application/json' };
  return [
    {
      face: 'cloudpayments',
      send: () =>
        call(`${g}/cloudpayments/payments/find`, 'POST', { ...sign.cloudpayments(CP.A), ...type }, json({ InvoiceId: 'invNUL_HERE1' })),
    },
    {
      face: 'numopay',
      send: () => {
        const body = json({ amount: '10.00', currency: 'EUR', description: 'teaNUL_HERE' });
        return call(
          `${g}/numopay/v2/checkout/sessions`,
          'POST',
          { ...sign.numopay(NP.A, 'POST', '/v2/checkout/sessions', '', body), ...type },
          body,
        );
      },
    },
    {
      face: 'novapay',
      send: () => {
        const body = json({ merchant_id: NOVA.A.merchantId, client_phone: '+380982850620', metadata: { note: 'aNUL_HEREb' } });
        return call(`${g}/novapay/v1/session`, 'POST', { ...sign.novapay(NOVA.A.privateKey, body), ...type }, body);
      },
    },
    {
      face: 'mbill',
      send: () =>
        call(
          `${g}/mbill/transfers`,
          'POST',
          { ...sign.mbill(MB.A), ...type },
          json({ amount: 100, currency: 'UAH', description: 'giftNUL_HERE' }),
        ),
    },
    {
      face: 'way2pay',
      send: () => {
        const body = Buffer.from(json({ amount: '10.00', currency: 'UAH', orderId: 'oNUL_HERE1', description: 'tea' }));
        return call(`${g}/way2pay/api/v1/pay-in`, 'POST', { ...sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', body), ...type }, body);
      },
    },
  ];
}

describe.each(STORES)('the NUL character on %s', (store) => {
  let h: TestGateway;
  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
  });
  afterAll(async () => h?.close());

  it.each([
    ['a JSON escape', '\\u0000'],
    ['a raw 0x00 byte', '\u0000'],
  ])('a body holding the NUL character as %s gets the face error, never a 5xx', async (_what, nul) => {
    for (const r of requests(h.url, nul)) {
      const res = await r.send();
      expect(res.status, `${r.face}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${r.face}: ${res.text}`).toBeLessThan(500);
      expect(errorShape[r.face](res.json), `${r.face}: ${res.text}`).toBe(true);
    }
  });

  it('a URL holding %00 gets the face error, never a 5xx', async () => {
    const res = await call(`${h.url}/cloudpayments/payments/find?InvoiceId=a%00b`, 'POST', { ...sign.cloudpayments(CP.A) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(errorShape.cloudpayments(res.json)).toBe(true);
    const path = '/v2/payments';
    const q = '?reference=a%00b';
    const np = await call(`${h.url}/numopay${path}${q}`, 'GET', sign.numopay(NP.A, 'GET', path, q, ''));
    expect(np.status).toBeGreaterThanOrEqual(400);
    expect(np.status).toBeLessThan(500);
    expect(errorShape.numopay(np.json)).toBe(true);
  });

  it('the request log keeps every request of a batch that held a NUL', async () => {
    await h.gw.apiLog.flush();
    const before = await h.gw.store.transaction((tx) => tx.apiRequests.list({ limit: 10_000 }));
    // one batch: a NUL body, then two plain requests, flushed together
    const nul = '{"InvoiceId":"a\u0000b"}';
    await call(`${h.url}/cloudpayments/payments/find`, 'POST', { ...sign.cloudpayments(CP.A), 'content-type': 'application/json' }, nul);
    await call(`${h.url}/cloudpayments/test`, 'POST', { ...sign.cloudpayments(CP.A), 'content-type': 'application/json' }, '{}');
    await call(`${h.url}/cloudpayments/test`, 'POST', { ...sign.cloudpayments(CP.A), 'content-type': 'application/json' }, '{}');
    await h.gw.apiLog.flush();
    const after = await h.gw.store.transaction((tx) => tx.apiRequests.list({ limit: 10_000 }));
    expect(after.length - before.length).toBe(3);
    const logged = after.slice(0, 3).map((r) => r.path);
    expect(logged.sort()).toEqual(['/cloudpayments/payments/find', '/cloudpayments/test', '/cloudpayments/test']);
    expect(JSON.stringify(after.slice(0, 3))).not.toContain('\u0000');
  });
});
