// The admin API over real HTTP on both stores: merchants, search, timelines, ledger, webhook replay,
// triggers, OTP codes, the clock, faults, reset, export/import; and the Prometheus metrics.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { STORES } from '../helpers/stores.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const CARD = { month: '12', year: '2099', cvv: '123' };

describe.each(STORES)('admin API on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  const np = () => new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });
  const admin = async (method: string, path: string, body?: unknown, token = h.gw.adminToken) => {
    const res = await fetch(`${h.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const charge = async (amount: string, number = '4000000000003055') => {
    const t = await np().createChargeToken(RUB, { amount });
    await np().charge(RUB, { token: t.token, card_info: { number, ...CARD } });
    return t;
  };

  beforeAll(async () => {
    h = await startTestGateway(store);
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  it('needs its token', async () => {
    expect((await admin('GET', '/merchants', undefined, 'wrong')).status).toBe(401);
    const res = await fetch(`${h.url}/admin/api/merchants`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'admin token required (Authorization: Bearer <token>)' });
    const doc = (await (await fetch(`${h.url}/admin/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toContain('/objects/{type}/{id}/timeline');
  });

  it('lists, creates merchants and rotates a secret', async () => {
    const list = await admin('GET', '/merchants');
    expect(list.json.map((m: { merchant: { id: string } }) => m.merchant.id)).toEqual(['shop1', 'shop2']);
    expect(list.json[0].faces.numopay).toMatchObject({ apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });
    const created = await admin('POST', '/merchants', { id: 'shop3', name: 'Third', numopay: { accounts: [{ currency: 'USD' }] } });
    expect(created.status).toBe(201);
    expect(created.json.faces.numopay.apiKey).toMatch(/^np_/);
    expect((await admin('POST', '/merchants', { id: 'shop3', name: 'Dup' })).status).toBe(409);
    expect((await admin('POST', '/merchants', {})).status).toBe(400);
    const cred = created.json.credentials.find((c: { face: string }) => c.face === 'numopay');
    const rotated = await admin('POST', `/merchants/shop3/credentials/${cred.id}/rotate`);
    expect(rotated.json.secret).not.toBe(cred.secret);
    const c3 = new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: cred.key, secret: rotated.json.secret });
    expect((await c3.accounts())[0]!.currency).toBe('USD');
    await expect(new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: cred.key, secret: cred.secret }).accounts()).rejects.toThrow(
      'Invalid signature',
    );
  });

  it('finds a payment by a face id and shows its full timeline', async () => {
    const ep = await np().createWebhookEndpoint(RUB, { url: `${rx.url}/tl`, event: 'order' });
    const t = await charge('777');
    const found = await admin('GET', `/payments?q=${t.order_slug}`);
    expect(found.json.items).toHaveLength(1);
    const p = found.json.items[0];
    expect(p).toMatchObject({ status: 'captured', amount: '777', face: 'numopay', via: 'numopay order_slug' });
    await rx.waitFor((r) => r.some((x) => x.url === '/tl'));
    const tl = await eventually(async () => {
      const r = await admin('GET', `/objects/payment/${p.id}/timeline`);
      expect(r.json.entries.some((e: { kind: string }) => e.kind === 'webhook')).toBe(true);
      return r;
    });
    const kinds = new Set(tl.json.entries.map((e: { kind: string }) => e.kind));
    expect([...kinds].sort()).toEqual(['event', 'ledger', 'request', 'webhook']);
    const req = tl.json.entries.find((e: { kind: string; title: string }) => e.kind === 'request' && e.title.includes('/charge '))!;
    expect(JSON.stringify(req)).not.toContain('4000000000003055');
    expect(req.data.requestBody).toContain('400000******3055');
    expect(req.data.requestBody).toContain('"cvv":"[redacted]"');
    const detail = await admin('GET', `/payments/${p.id}`);
    expect(detail.json.refs).toEqual([
      { face: 'numopay', merchantId: 'shop1', kind: 'order_slug', ref: t.order_slug, subjectType: 'payment', subjectId: String(p.id) },
    ]);
    const filtered = await admin('GET', '/payments?merchant=shop1&status=captured&limit=1');
    expect(filtered.json.items).toHaveLength(1);
    expect(filtered.json.total).toBeGreaterThanOrEqual(1);
    expect((await admin('GET', '/payments?status=bogus')).status).toBe(400);
    await np().deleteWebhookEndpoint(RUB, ep.id);
  });

  it('replays a webhook delivery and triggers a refund', async () => {
    const ep = await np().createWebhookEndpoint(RUB, { url: `${rx.url}/replay`, event: 'order' });
    const t = await charge('900');
    await rx.waitFor((r) => r.some((x) => x.url === '/replay'));
    const pid = (await admin('GET', `/search?q=${t.order_slug}`)).json[0].id;
    const deliveries = await eventually(async () => {
      const d = await admin('GET', `/webhooks/deliveries?subjectType=payment&subjectId=${pid}`);
      expect(d.json.items[0].status).toBe('delivered');
      return d;
    });
    const before = rx.requests.filter((x) => x.url === '/replay').length;
    const replay = await admin('POST', `/webhooks/deliveries/${deliveries.json.items[0].id}/replay`);
    expect(replay.json.responseStatus).toBe(200);
    expect(rx.requests.filter((x) => x.url === '/replay').length).toBe(before + 1);
    const detail = await admin('GET', `/webhooks/deliveries/${deliveries.json.items[0].id}`);
    expect(detail.json.attempts).toHaveLength(2);
    const refunded = await admin('POST', '/trigger', { type: 'payment', id: pid, action: 'refund', amount: '400' });
    expect(refunded.json).toMatchObject({ status: 'partially_refunded', refundedAmount: '400' });
    expect((await np().balance(RUB)).amount).toBe(
      String(
        BigInt(
          (await admin('GET', '/ledger/balances?merchant=shop1')).json.find((b: { currency: string }) => b.currency === 'RUB').available,
        ),
      ),
    );
    expect((await admin('POST', '/trigger', { type: 'payment', id: pid, action: 'capture' })).status).toBe(409);
    expect((await admin('GET', '/ledger/verify')).json.ok).toBe(true);
    await np().deleteWebhookEndpoint(RUB, ep.id);
  });

  it('shows OTP codes, and the clock can be read, advanced and frozen', async () => {
    const t = await np().createChargeToken(RUB, { amount: '100' });
    await np().charge(RUB, { token: t.token, card_info: { number: '4000000000000101', ...CARD } });
    const otp = await admin('GET', '/otp?merchant=shop1');
    expect(otp.json[0]).toMatchObject({ merchantId: 'shop1', status: 'pending' });
    expect(otp.json[0].code).toMatch(/^\d{6}$/);
    const c0 = (await admin('GET', '/clock')).json;
    const c1 = (await admin('POST', '/clock/advance', { minutes: 16 })).json;
    expect(c1.offsetMs - c0.offsetMs).toBe(16 * 60_000);
    await eventually(async () => expect((await np().paymentStatus(RUB, t.order_slug)).status).toBe('expired'));
    const frozen = (await admin('POST', '/clock/freeze')).json;
    expect(frozen.frozen).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect((await admin('GET', '/clock')).json.now).toBe(frozen.now);
    expect((await admin('POST', '/clock/unfreeze')).json.frozen).toBe(false);
    expect((await admin('POST', '/clock/advance', { ms: -5 })).status).toBe(400);
  });

  it('injects faults: HTTP errors, latency, dropped connections and failing receivers', async () => {
    const f = await admin('POST', '/faults', { face: 'numopay', route: '/v2/accounts', status: 503, remaining: 1 });
    expect(f.status).toBe(201);
    const failed = await fetch(`${h.url}/numopay/v2/accounts`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('x-polypay-fault')).toBe(f.json.id);
    expect((await np().accounts()).length).toBe(2);
    const slow = await admin('POST', '/faults', { face: 'numopay', route: '/v2/time', latency: { distribution: 'fixed', ms: 120 } });
    const t0 = Date.now();
    await np().time();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    await admin('DELETE', `/faults/${slow.json.id}`);
    // (no count: an HTTP client may retry a GET once on a dropped keep-alive connection)
    const drop = await admin('POST', '/faults', { face: 'numopay', route: '/v2/time', drop: true });
    await expect(fetch(`${h.url}/numopay/v2/time`)).rejects.toThrow();
    await admin('DELETE', `/faults/${drop.json.id}`);
    const hook = await admin('POST', '/faults', { face: 'numopay', webhookFail: true });
    const ep = await np().createWebhookEndpoint(RUB, { url: `${rx.url}/faulty`, event: 'order' });
    const t = await charge('123');
    const pid = (await admin('GET', `/search?q=${t.order_slug}`)).json[0].id;
    const d = await eventually(async () => {
      const r = await admin('GET', `/webhooks/deliveries?subjectType=payment&subjectId=${pid}`);
      expect(r.json.items[0].lastError).toContain('fault injected');
      return r;
    });
    expect(rx.requests.length).toBeGreaterThan(0);
    expect(rx.requests.some((x) => x.url === '/faulty')).toBe(false);
    await admin('DELETE', `/faults/${hook.json.id}`);
    expect((await admin('GET', '/faults')).json).toEqual([]);
    await admin('POST', `/webhooks/deliveries/${d.json.items[0].id}/replay`);
    expect(rx.requests.some((x) => x.url === '/faulty')).toBe(true);
    await np().deleteWebhookEndpoint(RUB, ep.id);
    expect((await admin('POST', '/faults', { face: 'numopay' })).status).toBe(400);
  });

  it('exports and imports a seed, resets one merchant and everything', async () => {
    const exported = (await admin('GET', '/export')).json;
    const shop1 = exported.merchants.find((m: { id: string }) => m.id === 'shop1');
    expect(shop1.numopay).toMatchObject({
      apiKey: 'np_test_key_1',
      secret: 'np_test_secret_1',
      accounts: [{ id: RUB, currency: 'RUB' }, { currency: 'USD' }],
    });
    const imported = await admin('POST', '/import', {
      merchants: [{ id: 'shop9', name: 'Nine', numopay: { apiKey: 'np_nine', secret: 'nine_secret' } }],
    });
    expect(imported.json).toEqual({ imported: 1, merchants: ['shop9'] });
    await charge('5000');
    expect(BigInt((await np().balance(RUB)).amount)).toBeGreaterThan(0n);
    const other = new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_2', secret: 'np_test_secret_2' });
    const t2 = await other.createChargeToken('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', { amount: '50' });
    await admin('POST', '/reset', { merchant: 'shop1' });
    expect((await np().balance(RUB)).amount).toBe('0');
    expect((await np().transactions(RUB)).length).toBe(0);
    expect((await other.paymentStatus('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', t2.order_slug)).status).toBe('new');
    expect((await admin('GET', '/ledger/verify')).json.ok).toBe(true);
    await admin('POST', '/reset', {});
    expect((await admin('GET', '/merchants')).json.map((m: { merchant: { id: string } }) => m.merchant.id)).toEqual(['shop1', 'shop2']);
    await expect(other.paymentStatus('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', t2.order_slug)).rejects.toThrow('Payment not found');
  });

  it('serves charts data and Prometheus metrics', async () => {
    await charge('100');
    await charge('100', declineCardPan('insufficient_funds'));
    const stats = await admin('GET', '/stats?hours=1&buckets=4');
    expect(stats.json.buckets).toHaveLength(4);
    const last = stats.json.buckets[3];
    expect(last.payments).toBeGreaterThanOrEqual(1);
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const value = (name: string, labels: Record<string, string>) =>
      lines
        .filter((l) => l.startsWith(name + '{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
        .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
    expect(value('polypay_http_requests_total', { face: 'numopay', status: '200' })).toBeGreaterThan(0);
    expect(value('polypay_payment_events_total', { face: 'numopay', event: 'payment.captured' })).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('polypay_outbox_depth{queue="deliveries"}'))).toBe(true);
    expect(lines.some((l) => l.startsWith('polypay_http_request_duration_seconds_bucket{'))).toBe(true);
  });
});
