// Limits: CloudPayments' concurrent request limit per terminal (PublicId), answered with HTTP 429 and
// `{"Success":false,"Message":…}` (5 by default, POLYPAY_CLOUDPAYMENTS_CONCURRENCY, 0 disables; per process),
// and the request body size limit on every face, answered with 413 in each provider's error shape; on SQLite
// and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { createCloudpaymentsFace } from '../../src/faces/cloudpayments/face.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { call, CP, errorShape, MB, MERCHANT_A, NOVA, NP, REL_SEED, sign, W2P } from './faces.js';

/** how long admitted answers are held while the limit is tested */
const HELD = { distribution: 'fixed', ms: 4000 };
const SLOW = { distribution: 'fixed', ms: 300 };

async function addFault(url: string, token: string, rule: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${url}/admin/api/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function removeFault(url: string, token: string, id: string): Promise<void> {
  await fetch(`${url}/admin/api/faults/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
}

/** `n` concurrent /payments/get of one transaction as a terminal; statuses and bodies. */
async function burst(url: string, creds: { publicId: string; apiSecret: string }, id: number, n: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      fetch(`${url}/cloudpayments/payments/get`, {
        method: 'POST',
        headers: { ...sign.cloudpayments(creds), 'content-type': 'application/json' },
        body: JSON.stringify({ TransactionId: id }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { Success: boolean; Message: string | null; Model?: unknown } })),
    ),
  );
}

describe.each(STORES)('limits on %s', (store) => {
  describe('the CloudPayments concurrent request limit', () => {
    let h: TestGateway;
    let paymentA = 0;
    let paymentB = 0;

    beforeAll(async () => {
      h = await startTestGateway(store, REL_SEED);
      const pay = async (c: { publicId: string; apiSecret: string }) => {
        const cl = new CloudPaymentsClient({ endpoint: `${h.url}/cloudpayments`, ...c });
        const r = await cl.chargeCryptogram({
          Amount: 10,
          Currency: 'RUB',
          CardCryptogramPacket: await cl.cryptogram({ number: '4000000000003055', expMonth: 12, expYear: 2035, cvv: '123' }),
        });
        return (r.Model as { TransactionId: number }).TransactionId;
      };
      paymentA = await pay(CP.A);
      paymentB = await pay(CP.B);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('answers 12 slow concurrent requests of one terminal: 5 served, 7 refused with 429 {Success:false, Message}', async () => {
      // the latency is added after the request was authenticated and counted (a fault rule scoped to the merchant
      // applies when the answer is sent), so the 5 admitted requests hold their slots for seconds: long enough for
      // all twelve to arrive on a loaded machine before the first slot is given back
      const fault = await addFault(h.url, h.gw.adminToken, {
        face: 'cloudpayments',
        route: '/payments/get',
        merchantId: MERCHANT_A,
        latency: HELD,
      });
      try {
        const [answers, other] = await Promise.all([
          burst(h.url, CP.A, paymentA, 12),
          new Promise((r) => setTimeout(r, 100)).then(() => burst(h.url, CP.B, paymentB, 1)),
        ]);
        const ok = answers.filter((a) => a.status === 200);
        const limited = answers.filter((a) => a.status === 429);
        expect(ok).toHaveLength(5);
        expect(limited).toHaveLength(7);
        for (const a of ok) expect(a.json).toMatchObject({ Success: true, Model: { TransactionId: paymentA } });
        for (const a of limited) {
          expect(errorShape.cloudpayments(a.json)).toBe(true);
          expect(a.json.Message).toMatch(/concurrent/i);
        }
        // another terminal is not affected while this one is at its limit
        expect(other[0]).toMatchObject({ status: 200, json: { Success: true } });
        // the slots are released once the answers are written
        const again = await burst(h.url, CP.A, paymentA, 5);
        expect(again.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      } finally {
        await removeFault(h.url, h.gw.adminToken, fault);
      }
    });

    it('releases the slot of a request whose client went away', async () => {
      const fault = await addFault(h.url, h.gw.adminToken, {
        face: 'cloudpayments',
        route: '/payments/get',
        merchantId: MERCHANT_A,
        // long enough that a slot given back only when the held answer is sent would still be taken below, with
        // room for a loaded machine to see the five requests arrive and their connections close
        latency: HELD,
      });
      try {
        // five clients that hang up while their answers are held (each on a connection of its own)
        const u = new URL(h.url);
        const body = JSON.stringify({ TransactionId: paymentA });
        const gone = Array.from({ length: 5 }, () => {
          const req = request({
            host: u.hostname,
            port: u.port,
            path: '/cloudpayments/payments/get',
            method: 'POST',
            agent: false,
            headers: { ...sign.cloudpayments(CP.A), 'content-type': 'application/json', 'content-length': String(body.length) },
          });
          req.on('error', () => {});
          req.end(body);
          return req;
        });
        await new Promise((r) => setTimeout(r, 500));
        for (const req of gone) req.destroy();
        // their answers are still held for seconds: the slots were given back when the connections closed
        await new Promise((r) => setTimeout(r, 500));
        expect((await burst(h.url, CP.A, paymentA, 5)).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      } finally {
        await removeFault(h.url, h.gw.adminToken, fault);
      }
    });

    it('is set by POLYPAY_CLOUDPAYMENTS_CONCURRENCY (2 here), disabled by 0, and the face option wins over the variable', async () => {
      const run = async (env: Record<string, string>, faceOption?: number) => {
        const t = await freshStore(store);
        const gw: Gateway = await startGateway({
          env,
          logger: false,
          port: 0,
          host: '127.0.0.1',
          dataDir: t.dataDir,
          databaseUrl: t.databaseUrl,
          masterKeys: [TEST_MASTER_KEY],
          seed: REL_SEED,
          demoMerchant: false,
          ...(faceOption !== undefined
            ? { faces: [...ALL_FACES.filter((f) => f.name !== 'cloudpayments'), createCloudpaymentsFace({ concurrency: faceOption })] }
            : {}),
        });
        try {
          const fault = await addFault(gw.url, gw.adminToken, {
            face: 'cloudpayments',
            route: '/payments/get',
            merchantId: MERCHANT_A,
            latency: SLOW,
          });
          const answers = await burst(gw.url, CP.A, 1, 12);
          await removeFault(gw.url, gw.adminToken, fault);
          return answers.filter((a) => a.status === 429).length;
        } finally {
          await gw.close();
        }
      };
      expect(await run({ POLYPAY_CLOUDPAYMENTS_CONCURRENCY: '2' })).toBe(10);
      expect(await run({ POLYPAY_CLOUDPAYMENTS_CONCURRENCY: '0' })).toBe(0);
      expect(await run({ POLYPAY_CLOUDPAYMENTS_CONCURRENCY: '2' }, 4)).toBe(8);
      await expect(run({ POLYPAY_CLOUDPAYMENTS_CONCURRENCY: 'five' })).rejects.toThrow(/POLYPAY_CLOUDPAYMENTS_CONCURRENCY/);
    });
  });

  describe('the request body size limit on every face', () => {
    let h: TestGateway;
    beforeAll(async () => {
      h = await startTestGateway(store, REL_SEED);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('answers a body over 1 MiB with 413 in each provider shape, authenticated or not', async () => {
      const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
      big.write('{"amount":"1"', 0);
      const np = `/v2/accounts/${NP.A.account}/charge/token`;
      const cases: Array<[keyof typeof errorShape, string, string, Record<string, string>]> = [
        ['numopay', 'POST', `/numopay${np}`, sign.numopay(NP.A, 'POST', np, '', big)],
        ['numopay', 'POST', `/numopay${np}`, {}],
        ['cloudpayments', 'POST', '/cloudpayments/payments/cards/charge', sign.cloudpayments(CP.A)],
        ['cloudpayments', 'POST', '/cloudpayments/payments/cards/charge', {}],
        ['novapay', 'POST', '/novapay/v1/session', sign.novapay(NOVA.A.privateKey, big)],
        ['novapay', 'POST', '/novapay/v1/session', {}],
        ['mbill', 'POST', '/mbill/transfers', sign.mbill(MB.A)],
        ['mbill', 'POST', '/mbill/tokens', {}],
        ['way2pay', 'POST', '/way2pay/api/v1/pay-in', sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', big)],
        ['way2pay', 'POST', '/way2pay/api/v1/pay-in', {}],
      ];
      for (const [face, method, path, headers] of cases) {
        const r = await call(`${h.url}${path}`, method, { 'content-type': 'application/json', ...headers }, big);
        expect(r.status, `${face} ${path}`).toBe(413);
        expect(errorShape[face](r.json), `${face} ${path}: ${r.text}`).toBe(true);
      }
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    });
  });
});
