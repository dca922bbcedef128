// Several gateway processes sharing one PostgreSQL: one-time tokens used concurrently succeed once,
// concurrent refunds never exceed the amount, each due job runs once, and webhook deliveries are not
// duplicated when the receiver answers at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { eventually } from '../helpers/eventually.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const CARD = { month: '12', year: '2099', cvv: '123' };

describe.runIf(STORES.includes('postgres'))('three gateway processes on one PostgreSQL', () => {
  const gws: ChildGateway[] = [];
  let rx: Receiver;
  const clients = () => gws.map((g) => new NumopayClient({ baseUrl: `${g.info!.url}/numopay`, apiKey: 'np_mp', secret: 'np_mp_secret' }));

  beforeAll(async () => {
    const target = await freshStore('postgres');
    const dir = mkdtempSync(join(tmpdir(), 'polypay-mp-'));
    const seed = ChildGateway.writeSeed(dir, {
      merchants: [
        { id: 'shop1', name: 'MP Shop', numopay: { apiKey: 'np_mp', secret: 'np_mp_secret', accounts: [{ id: RUB, currency: 'RUB' }] } },
      ],
    });
    // start one first so that migrations and the seed run once, then the others
    gws.push(new ChildGateway(target, seed));
    await gws[0]!.start();
    for (let i = 0; i < 2; i++) gws.push(new ChildGateway(target, seed));
    await Promise.all(gws.slice(1).map((g) => g.start()));
    rx = await new Receiver().start();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await rx?.close();
  });

  it('a one-time charge token used by 30 concurrent requests across processes pays once', async () => {
    const [a] = clients();
    for (let round = 0; round < 3; round++) {
      const t = await a!.createChargeToken(RUB, { amount: '1000' });
      const cs = clients();
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          cs[i % cs.length]!.charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...CARD } }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await a!.paymentStatus(RUB, t.order_slug)).toMatchObject({ status: 'success', amount: '1000' });
    }
  });

  it('concurrent refunds across processes never exceed the captured amount', async () => {
    const [a] = clients();
    const t = await a!.createChargeToken(RUB, { amount: '1000' });
    await a!.charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...CARD } });
    const id = (await gws[0]!.admin('GET', `/search?q=${t.order_slug}`))[0].id;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => gws[i % 3]!.admin('POST', '/trigger', { type: 'payment', id, action: 'refund', amount: '100' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(await gws[1]!.admin('GET', `/payments/${id}`)).toMatchObject({ status: 'refunded', refundedAmount: '1000' });
    expect((await gws[2]!.admin('GET', '/ledger/verify')).ok).toBe(true);
  });

  it('each due job runs once and each webhook is delivered once', async () => {
    const cs = clients();
    const eps = await cs[0]!.createWebhookEndpoint(RUB, { url: `${rx.url}/mp`, event: 'order' });
    const tokens = await Promise.all(Array.from({ length: 24 }, (_, i) => cs[i % 3]!.createChargeToken(RUB, { amount: String(10 + i) })));
    // the shared clock moves on one process; the others follow it from the store
    await gws[1]!.admin('POST', '/clock/advance', { minutes: 16 });
    await eventually(
      async () => {
        for (const t of tokens) expect((await cs[2]!.paymentStatus(RUB, t.order_slug)).status).toBe('expired');
      },
      30_000,
      200,
    );
    const ids = await Promise.all(tokens.map(async (t) => (await gws[0]!.admin('GET', `/search?q=${t.order_slug}`))[0].id as number));
    for (const id of ids) {
      const tl = await gws[0]!.admin('GET', `/objects/payment/${id}/timeline`);
      const expired = tl.entries.filter((e: { kind: string; title: string }) => e.kind === 'event' && e.title === 'payment.expired');
      expect(expired, `payment ${id}`).toHaveLength(1);
    }
    const received = await rx.waitFor((r) => r.filter((x) => x.url === '/mp').length >= tokens.length, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const perEvent = new Map<string, number>();
    for (const r of received.filter((x) => x.url === '/mp'))
      perEvent.set(String(r.headers['x-polypay-event-id']), (perEvent.get(String(r.headers['x-polypay-event-id'])) ?? 0) + 1);
    expect(perEvent.size).toBe(tokens.length);
    expect([...perEvent.values()]).toEqual(tokens.map(() => 1));
    await cs[0]!.deleteWebhookEndpoint(RUB, eps.id);
  });
});
