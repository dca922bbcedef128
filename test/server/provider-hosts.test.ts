// The providers' own host names over HTTPS: a client that sends TLS server name and Host `api-qecom.novapay.ua`
// (as an SDK with a fixed host does once a hosts line points the name at the gateway) reaches NovaPay at the root,
// and so for every face; other hosts keep the prefixed layout. The local CA the gateway made is the only trust.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORES } from '../helpers/stores.js';
import { startTestGateway, useGateway } from '../helpers/gateway.js';
import { tlsCall } from '../helpers/tls.js';
import { CP, MB, MERCHANT_A, NOVA, NP, REL_SEED, W2P, sign } from '../reliability/faces.js';
import { startGateway } from '../../src/server/gateway.js';

describe.each(STORES)('provider host names over HTTPS (%s)', (kind) => {
  const g = useGateway(() => startTestGateway(kind, REL_SEED, undefined, { tls: true }));
  const ca = () => readFileSync(join(g.h.gw.config.dataDir, 'tls', 'ca.pem'), 'utf8');
  const at = (path: string) => g.h.gw.tlsUrl + path;

  it('serves HTTPS with the generated CA trusted, at 127.0.0.1 and localhost', async () => {
    expect(g.h.gw.tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await tlsCall({ url: at('/healthz'), ca: ca() });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok', store: kind });
    const local = await tlsCall({ url: at('/healthz'), host: 'localhost', ca: ca() });
    expect(local.status).toBe(200);
    // and nothing else is trusted: without the CA the handshake fails
    await expect(tlsCall({ url: at('/healthz'), ca: [] as string[] })).rejects.toThrow();
  });

  it('NovaPay at api-qecom.novapay.ua and api-ecom.novapay.ua: a signed session create at /v1/session', async () => {
    for (const host of ['api-qecom.novapay.ua', 'api-ecom.novapay.ua']) {
      const body = JSON.stringify({ merchant_id: String(NOVA.A.merchantId), client_phone: '+380982850654', metadata: { lol: 'kek' } });
      const r = await tlsCall({
        url: at('/v1/session'),
        host,
        ca: ca(),
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign.novapay(NOVA.A.privateKey, body) },
        body,
      });
      expect(r.status, r.text).toBe(200);
      expect(r.json.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.json.metadata).toEqual({ lol: 'kek' });
    }
  });

  it('CloudPayments at api.cloudpayments.ru: /test, and an order whose page opens at the gateway', async () => {
    const auth = sign.cloudpayments(CP.A);
    const t = await tlsCall({ url: at('/test'), host: 'api.cloudpayments.ru', ca: ca(), method: 'POST', headers: auth });
    expect(t.status).toBe(200);
    expect(t.json.Success).toBe(true);
    const body = JSON.stringify({ Amount: 10.5, Currency: 'RUB', Description: 'Order 1' });
    const o = await tlsCall({
      url: at('/orders/create'),
      host: 'api.cloudpayments.ru',
      ca: ca(),
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    expect(o.json.Success, o.text).toBe(true);
    // the payer's link goes to the gateway's own address, where the page is
    const url = String(o.json.Model.Url);
    expect(url.startsWith(g.h.gw.url + '/cloudpayments/orders/')).toBe(true);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('Numopay at api.numopay.com: a balance read signed over /v2/... at the root', async () => {
    const path = `/v2/accounts/${NP.A.account}/balance`;
    const r = await tlsCall({ url: at(path), host: 'api.numopay.com', ca: ca(), headers: sign.numopay(NP.A, 'GET', path, '', '') });
    expect(r.status, r.text).toBe(200);
    expect(r.json.data).toMatchObject({ currency: 'RUB' });
  });

  it('Mbill at transfers.mbill.co and tokenizer-api.herokuapp.com: the transfer list', async () => {
    for (const host of ['transfers.mbill.co', 'tokenizer-api.herokuapp.com']) {
      const r = await tlsCall({ url: at('/transfers'), host, ca: ca(), headers: sign.mbill(MB.A) });
      expect(r.status, r.text).toBe(200);
      expect(r.json.meta).toMatchObject({ type: 'list', code: 200 });
      expect(Array.isArray(r.json.data)).toBe(true);
    }
  });

  it('Way2Pay at way2pay.app and api.way2pay.com: a generation 3 request signed over /api/v1/... at the root', async () => {
    for (const host of ['way2pay.app', 'api.way2pay.com']) {
      // generation 3 signs the path with its query
      const path = '/api/v1/balance?currency=RUB';
      const r = await tlsCall({
        url: at(path),
        host,
        ca: ca(),
        headers: sign.way2pay(W2P.B, 'GET', path, Buffer.alloc(0)),
      });
      expect(r.status, r.text).toBe(200);
      expect(r.json.success).toBe(true);
      expect(r.json.data.balance.payout).toBeDefined();
    }
  });

  it('the Host header decides, with a port, in any case, and over plain HTTP too', async () => {
    const auth = sign.cloudpayments(CP.A);
    const port = new URL(g.h.gw.tlsUrl).port;
    const r = await tlsCall({
      url: at('/test'),
      host: 'api.cloudpayments.ru',
      ca: ca(),
      method: 'POST',
      headers: { ...auth, host: `API.CloudPayments.ru:${port}` },
    });
    expect(r.json.Success).toBe(true);
    const viaHttp = await postWithHost(g.h.url + '/test', 'api.cloudpayments.ru', auth);
    expect(viaHttp.json.Success).toBe(true);
  });

  it("a provider host is the face's alone: the gateway's own routes are not there", async () => {
    const r = await tlsCall({ url: at('/healthz'), host: 'api.cloudpayments.ru', ca: ca() });
    expect(r.status).toBe(404);
    const admin = await tlsCall({ url: at('/admin/api/merchants'), host: 'api.numopay.com', ca: ca() });
    expect(admin.status).toBe(404);
    expect(Object.keys(admin.json)).toEqual(['error']);
  });

  it('an unknown host keeps the prefixed layout', async () => {
    const auth = sign.cloudpayments(CP.A);
    for (const host of ['localhost', '127.0.0.1']) {
      const prefixed = await tlsCall({ url: at('/cloudpayments/test'), host, ca: ca(), method: 'POST', headers: auth });
      expect(prefixed.json.Success).toBe(true);
      const root = await tlsCall({ url: at('/test'), host, ca: ca(), method: 'POST', headers: auth });
      expect(root.status).toBe(404);
    }
    // a name the certificate does not carry, over plain HTTP
    expect((await postWithHost(g.h.url + '/cloudpayments/test', 'shop.example', auth)).json.Success).toBe(true);
    expect((await postWithHost(g.h.url + '/test', 'shop.example', auth)).status).toBe(404);
  });

  it("the request log and the request context name the face of the provider's host", async () => {
    const body = JSON.stringify({ merchant_id: String(NOVA.A.merchantId), client_phone: '+380982850654' });
    const r = await tlsCall({
      url: at('/v1/session'),
      host: 'api-qecom.novapay.ua',
      ca: ca(),
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign.novapay(NOVA.A.privateKey, body) },
      body,
    });
    expect(r.status).toBe(200);
    await g.h.gw.apiLog.flush();
    const logged = await g.h.gw.engine.read((tx) => tx.apiRequests.list({ limit: 1000 }));
    expect(logged.find((e) => e.path === '/novapay/v1/session')).toMatchObject({ face: 'novapay', method: 'POST', status: 200 });
    // the Numopay read above: its merchant too
    expect(logged.find((e) => e.path.startsWith('/numopay/v2/accounts/'))).toMatchObject({
      face: 'numopay',
      merchantId: MERCHANT_A,
      status: 200,
    });
  });
});

describe('X-Forwarded-Host names the provider host only from a trusted proxy (sqlite)', () => {
  it('is believed from a trusted proxy and ignored from anyone else', async () => {
    const auth = sign.cloudpayments(CP.A);
    for (const [trustProxy, expected] of [
      [['127.0.0.1'], 200],
      [false, 404],
    ] as const) {
      const gw = await startGateway({
        env: {},
        logger: false,
        port: 0,
        host: '127.0.0.1',
        dataDir: ':memory:',
        seed: REL_SEED,
        demoMerchant: false,
        trustProxy: trustProxy === false ? false : [...trustProxy],
      });
      try {
        const r = await postWithHost(gw.url + '/test', 'localhost', { ...auth, 'x-forwarded-host': 'api.cloudpayments.ru' });
        expect(r.status).toBe(expected);
      } finally {
        await gw.close();
      }
    }
  });
});

/** A plain HTTP request with its Host header set (undici's request lets a client set it, as curl does). */
async function postWithHost(url: string, host: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const { request } = await import('undici');
  const res = await request(url, { method: 'POST', headers: { host, ...headers } });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json };
}
