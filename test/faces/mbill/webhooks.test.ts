// Signed transfer status webhooks (beyond the blueprint, its TODO) delivered to a real local receiver, on
// SQLite and PostgreSQL: the URL from the seed or PUT /mbill/webhook, the X-Mbill-Signature checked with
// the merchant's API token, one delivery per status change, retries with the same event id.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import { verifyWebhookSignature, type TransferView } from '../../../src/faces/mbill/client.js';
import { eventually } from '../../helpers/eventually.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { Receiver, type Received } from '../../helpers/receiver.js';
import { STORES } from '../../helpers/stores.js';
import { API_TOKEN, CARDS, card, client, MBILL_SEED, OTHER_TOKEN, raw, startMbill, transferBody } from './helpers.js';

const SEEDED_TOKEN = 'seeded_hooks_token';

/** The documented signature (docs/mbill.md), computed here: `sha256=` + hex HMAC-SHA256 keyed with the API token, over the raw body. */
const documentedSignature = (apiToken: string, rawBody: string) =>
  'sha256=' + createHmac('sha256', apiToken).update(rawBody, 'utf8').digest('hex');

describe.each(STORES)('Mbill webhooks on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
    h = await startMbill(store, {
      merchants: [
        ...MBILL_SEED.merchants,
        { id: 'shop3', name: 'Hooked Shop', mbill: { apiToken: SEEDED_TOKEN, webhookUrl: `${rx.url}/seeded` } },
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  const hooksOf = (t: TransferView) => rx.requests.filter((r) => r.body.includes(`"token":"${t.token}"`));
  const parsed = (r: Received) =>
    JSON.parse(r.body) as { meta: { type: string; event: string; event_id: string; created_at: string }; data: TransferView };

  it('sets the webhook URL with the API token (PUT /mbill/webhook) and reads it back', async () => {
    expect((await client(h).getWebhook()).data).toEqual({ type: 'webhook', url: null });
    const r = await raw(h, 'PUT', '/webhook', { token: API_TOKEN, body: JSON.stringify({ url: `${rx.url}/hooks/shop1` }) });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      meta: { url: `${h.url}/mbill/webhook`, type: 'object', code: 200, request_id: expect.any(String) },
      data: { type: 'webhook', url: `${rx.url}/hooks/shop1` },
    });
    expect((await client(h).getWebhook()).data.url).toBe(`${rx.url}/hooks/shop1`);
    expect((await client(h, SEEDED_TOKEN).getWebhook()).data.url).toBe(`${rx.url}/seeded`);
    const bad = await raw(h, 'PUT', '/webhook', { token: API_TOKEN, body: JSON.stringify({ url: 'ftp://example.com' }) });
    expect(bad.status).toBe(422);
    expect(bad.json.error.invalid).toEqual([
      {
        entry_type: 'json_data_property',
        entry: '$.url',
        rules: [{ rule: 'format', params: ['~r/^https?:\\/\\//'], description: 'has invalid format' }],
      },
    ]);
    expect((await raw(h, 'PUT', '/webhook', { token: API_TOKEN, body: '{}' })).json.error.invalid[0].rules[0].rule).toBe('required');
    expect((await raw(h, 'PUT', '/webhook', { body: JSON.stringify({ url: 'https://example.com' }) })).status).toBe(401);
  });

  it('posts each status change, signed with the API token, with the transfer as GET shows it', async () => {
    const t = (await client(h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
    await client(h).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
    const got = await rx.waitFor(() => hooksOf(t).length >= 3);
    const hooks = hooksOf(t);
    expect(got.length).toBeGreaterThanOrEqual(3);
    // one delivery per status change (the last two may be sent concurrently, so in any order)
    expect(hooks.map((x) => parsed(x).meta.event).sort()).toEqual(['transfer.authentication', 'transfer.completed', 'transfer.processing']);
    const byEvent = (e: string) => hooks.find((x) => parsed(x).meta.event === e)!;
    for (const x of hooks) {
      expect(x.method).toBe('POST');
      expect(x.url).toBe('/hooks/shop1');
      expect(x.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(x.headers['x-mbill-signature']).toBe(documentedSignature(API_TOKEN, x.body));
      expect(x.headers['x-mbill-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(API_TOKEN, x.body, x.headers['x-mbill-signature'])).toBe(true);
      expect(verifyWebhookSignature(OTHER_TOKEN, x.body, x.headers['x-mbill-signature'])).toBe(false);
      expect(verifyWebhookSignature(API_TOKEN, x.body.replace('"amount":1000', '"amount":9000'), x.headers['x-mbill-signature'])).toBe(
        false,
      );
      const body = parsed(x);
      expect(Object.keys(body)).toEqual(['meta', 'data']);
      expect(body.meta).toEqual({
        type: 'object',
        event: x.headers['x-mbill-event'],
        event_id: x.headers['x-polypay-event-id'],
        created_at: expect.stringMatching(/Z$/),
      });
      expect(x.headers['x-polypay-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(parsed(byEvent('transfer.authentication')).data).toMatchObject({
      id: t.id,
      status: 'authentication',
      auth: { type: 'lookup-code', md: t.external_id },
    });
    expect(parsed(byEvent('transfer.processing')).data).toMatchObject({ id: t.id, status: 'processing' });
    expect(parsed(byEvent('transfer.completed')).data).toEqual((await client(h).getTransfer(t.id, t.token)).data);
    expect(new Set(hooks.map((x) => x.headers['x-polypay-event-id'])).size).toBe(3);
  });

  it('retries a failed delivery with the same event id, on the gateway clock', async () => {
    rx.failNext = 1;
    const t = (await client(h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
    await rx.waitFor(() => hooksOf(t).length >= 1);
    h.gw.clock.advance(61_000);
    await rx.waitFor(() => hooksOf(t).length >= 2);
    const [a, b] = hooksOf(t);
    expect(a!.headers['x-polypay-event-id']).toBe(b!.headers['x-polypay-event-id']);
    expect(a!.body).toBe(b!.body);
    const deliveries = await eventually(async () => {
      const list = await h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'mbill_transfer', subjectId: t.id, limit: 10 }));
      expect(list.map((d) => [d.kind, d.status, d.attempts])).toEqual([['transfer.authentication', 'delivered', 2]]);
      return list;
    });
    expect(deliveries[0]!.url).toBe(`${rx.url}/hooks/shop1`);
  });

  it('uses the URL from the seed; merchants without one get none; clearing the URL stops them', async () => {
    const s = (
      await client(h, SEEDED_TOKEN).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))
    ).data;
    const got = await rx.waitFor(() => hooksOf(s).length >= 1);
    expect(got.find((x) => x.body.includes(s.token))!.url).toBe('/seeded');
    expect(hooksOf(s)[0]!.headers['x-mbill-signature']).toBe(documentedSignature(SEEDED_TOKEN, hooksOf(s)[0]!.body));
    expect(verifyWebhookSignature(SEEDED_TOKEN, hooksOf(s)[0]!.body, hooksOf(s)[0]!.headers['x-mbill-signature'])).toBe(true);
    const o = (await client(h, OTHER_TOKEN).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds })))
      .data;
    await client(h).setWebhook(null);
    const t = (await client(h).createTransfer(transferBody(card(CARDS.visa3ds), { type: 'card-number', number: CARDS.mc3ds }))).data;
    // the dispatcher has handled both events once nothing is left to fan out
    await eventually(async () => expect(await h.gw.engine.read((tx) => tx.outbox.countPending())).toBe(0));
    await h.gw.engine.dispatcher.fanOut();
    expect(hooksOf(o)).toEqual([]);
    expect(hooksOf(t)).toEqual([]);
    expect((await client(h).getWebhook()).data.url).toBeNull();
  });
});
