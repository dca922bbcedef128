// Crash safety: a gateway child process under a mixed load (charges, refills, refunds, webhooks to a
// receiver that sometimes fails) is killed with SIGKILL at random moments and restarted, 20 times per
// store. After each restart: every acknowledged request is in the store exactly once, nothing
// unacknowledged is half-written, the ledger balances, and in the end every outbox event is delivered
// at least once with a stable event id.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { buildCryptogram, CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { openStore } from '../../src/store/open-store.js';
import { Ledger } from '../../src/core/ledger.js';
import { systemClock } from '../../src/core/clock.js';
import type { Store } from '../../src/core/ports.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { eventually } from '../helpers/eventually.js';
import { registerMigrations } from '../../src/store/migrations.js';
import { ALL_FACES } from '../../src/faces/registry.js';

const KILLS = Number(process.env.POLYPAY_CRASH_KILLS ?? 20);
const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const CARD = { month: '12', year: '2099', cvv: '123' };
const figures: Record<string, unknown> = {};

for (const f of ALL_FACES) if (f.migrations) registerMigrations(f.migrations);

interface Acked {
  kind: 'charge_token' | 'charge' | 'refill' | 'refund' | 'cp_auth' | 'cp_confirm';
  slug?: string;
  paymentId?: number;
  amount?: bigint;
  /** for CloudPayments: the X-Request-ID and the exact answer, replayed after restarts */
  requestId?: string;
  raw?: string;
  body?: string;
}

/** Consistency of the whole store, read directly (another connection, as an operator would). */
async function checkStore(store: Store, acked: Acked[]): Promise<{ payments: number; events: number }> {
  return store.read(async (tx) => {
    await new Ledger(systemClock).verify(tx);
    const payments = await tx.listPayments({ limit: 1_000_000 });
    for (const p of payments) {
      const transfers = await tx.listTransfersByRef('payment', String(p.id));
      const holds = transfers.filter((t) => t.kind === 'pending');
      const posts = transfers.filter((t) => t.kind === 'post_pending');
      if (p.status === 'created' || p.status === 'declined' || p.status === 'expired') expect(holds, `payment ${p.id} ${p.status}`).toHaveLength(0);
      if (p.status === 'captured' || p.status === 'partially_refunded' || p.status === 'refunded') {
        expect(holds, `payment ${p.id}`).toHaveLength(1);
        expect(posts, `payment ${p.id}`).toHaveLength(1);
        expect(posts[0]!.amount).toBe(p.capturedAmount);
        const refunds = await tx.listRefunds(p.id);
        expect(refunds.reduce((s, r) => s + r.amount, 0n)).toBe(p.refundedAmount);
      }
    }
    const bySlug = new Map<string, number>();
    for (const r of await Promise.all(acked.filter((a) => a.slug).map(async (a) => [a.slug!, (await tx.searchRefs(a.slug!, 5)).length] as const))) bySlug.set(r[0], r[1]);
    for (const a of acked) {
      if (a.kind === 'charge_token' || a.kind === 'refill') expect(bySlug.get(a.slug!), `${a.kind} ${a.slug}`).toBe(1);
      if (a.kind === 'charge') {
        const ref = (await tx.searchRefs(a.slug!, 5))[0]!;
        const p = (await tx.getPayment(Number(ref.subjectId)))!;
        expect(['captured', 'partially_refunded', 'refunded'], `charged ${a.slug}`).toContain(p.status);
      }
      if (a.kind === 'refill') {
        const ref = (await tx.searchRefs(a.slug!, 5))[0]!;
        expect((await tx.getPayout(Number(ref.subjectId)))!.status).toBe('completed');
      }
    }
    for (const a of acked.filter((x) => x.kind === 'cp_auth')) {
      const p = await tx.getPayment(a.paymentId!);
      expect(p, `cp auth ${a.paymentId}`).toBeDefined();
      expect(['authorized', 'captured', 'partially_refunded', 'refunded']).toContain(p!.status);
    }
    for (const a of acked.filter((x) => x.kind === 'cp_confirm')) {
      const p = (await tx.getPayment(a.paymentId!))!;
      expect(p.capturedAmount, `cp confirm ${a.paymentId}`).toBe(a.amount!);
    }
    const refundsAcked = acked.filter((a) => a.kind === 'refund');
    for (const a of refundsAcked) {
      const p = (await tx.getPayment(a.paymentId!))!;
      expect(p.refundedAmount, `refund on ${a.paymentId}`).toBeGreaterThanOrEqual(a.amount!);
    }
    const events = (await Promise.all(payments.map((p) => tx.listEvents('payment', String(p.id))))).flat();
    return { payments: payments.length, events: events.length };
  });
}

describe.each(STORES)('crash safety on %s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'polypay-crash-'));
  let gw: ChildGateway;
  let rx: Receiver;

  afterAll(async () => {
    await gw?.stop();
    await rx?.close();
  });

  it(`loses nothing across ${KILLS} SIGKILLs`, async () => {
    const target = await freshStore(kind);
    rx = await new Receiver().start();
    rx.responseBody = '{"code":0}';
    const notify = { address: `${rx.url}/cp`, httpMethod: 'POST' };
    const seedFile = ChildGateway.writeSeed(dir, {
      merchants: [
        {
          id: 'shop1',
          name: 'Crash Shop',
          numopay: { apiKey: 'np_crash', secret: 'np_crash_secret', accounts: [{ id: RUB, currency: 'RUB' }] },
          cloudpayments: { publicId: 'pk_crash0000000000000000000000', apiSecret: 'cp_crash_secret', notifications: { pay: notify, confirm: notify, refund: notify } },
        },
      ],
    });
    gw = new ChildGateway(target, seedFile);
    let info = await gw.start();
    const np = () => new NumopayClient({ baseUrl: `${info.url}/numopay`, apiKey: 'np_crash', secret: 'np_crash_secret' });
    const cp = () => new CloudPaymentsClient({ endpoint: `${info.url}/cloudpayments`, publicId: 'pk_crash0000000000000000000000', apiSecret: 'cp_crash_secret' });
    const cpKey = await cp().publicKey();
    const authorized: Array<{ id: number; amount: number }> = [];
    await np().createWebhookEndpoint(RUB, { url: `${rx.url}/hook`, event: 'order' });
    // the receiver fails now and then
    let served = 0;
    const realFail = () => (served++ % 4 === 0 ? 1 : 0);
    const acked: Acked[] = [];
    const captured: number[] = [];
    let requests = 0;
    let killsSurvived = 0;

    for (let round = 0; round < KILLS; round++) {
      let stop = false;
      const worker = async (w: number) => {
        let i = 0;
        while (!stop) {
          i++;
          const op = (w + i) % 7;
          requests++;
          try {
            rx.failNext = realFail();
            if (op <= 2) {
              const t = await np().createChargeToken(RUB, { amount: String(1000 + i) });
              acked.push({ kind: 'charge_token', slug: t.order_slug });
              await np().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...CARD } });
              acked.push({ kind: 'charge', slug: t.order_slug });
              const found = await gw.admin('GET', `/search?q=${t.order_slug}`);
              captured.push(found[0].id);
            } else if (op === 5) {
              // two-stage: authorize with a cryptogram (idempotent by X-Request-ID), confirm later
              const requestId = `crash-${round}-${w}-${i}`;
              const amount = 100 + i;
              const packet = buildCryptogram({ number: '4000000000003055', expMonth: 12, expYear: 2099, cvv: '123' }, 'pk_crash0000000000000000000000', cpKey.pem, { keyVersion: cpKey.version });
              const params = { Amount: amount, Currency: 'RUB', CardCryptogramPacket: packet, Name: 'CRASH TEST', InvoiceId: requestId };
              const r = await cp().authCryptogram(params, { requestId });
              if (r.Success) {
                const id = (r.Model as { TransactionId: number }).TransactionId;
                acked.push({ kind: 'cp_auth', paymentId: id, requestId, raw: r.raw, body: JSON.stringify(params) });
                authorized.push({ id, amount });
              }
            } else if (op === 6 && authorized.length) {
              const a = authorized.shift()!;
              const r = await cp().confirm({ TransactionId: a.id, Amount: a.amount - 50 });
              if (r.Success) {
                acked.push({ kind: 'cp_confirm', paymentId: a.id, amount: BigInt((a.amount - 50) * 100) });
                captured.push(a.id);
              }
            } else if (op === 3) {
              const r = await np().createRefillToken(RUB, { amount: '10' });
              await np().refill(RUB, { token: r.token, card_number: '5555555555554444' });
              acked.push({ kind: 'refill', slug: r.order_slug });
            } else if (captured.length) {
              const id = captured[Math.floor(Math.random() * captured.length)]!;
              await gw.admin('POST', '/trigger', { type: 'payment', id, action: 'refund', amount: '100' });
              acked.push({ kind: 'refund', paymentId: id, amount: 100n });
            }
          } catch {
            /* unacknowledged: refused (e.g. nothing left to refund) or cut by the kill */
          }
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 450));
      await gw.kill();
      stop = true;
      await Promise.all(workers);
      // the refund acks list holds the smallest guarantee: sum of acked refunds per payment
      const store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      try {
        await checkStore(store, mergeRefunds(acked));
      } finally {
        await store.close();
      }
      info = await gw.start();
      // acknowledged idempotent requests are answered again, byte for byte, after the restart
      for (const a of acked.filter((x) => x.kind === 'cp_auth').slice(-3)) {
        const again = await fetch(`${info.url}/cloudpayments/payments/cards/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': a.requestId!, authorization: 'Basic ' + Buffer.from('pk_crash0000000000000000000000:cp_crash_secret').toString('base64') },
          body: a.body!,
        });
        expect(await again.text(), `replay of ${a.requestId}`).toBe(a.raw);
      }
      killsSurvived++;
    }

    // in the end, every event reaches the receiver at least once, each with a stable event id
    rx.failNext = 0;
    const store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
    try {
      const final = await checkStore(store, mergeRefunds(acked));
      await gw.admin('POST', '/clock/advance', { hours: 2 });
      const deliveries = await eventually(
        async () => {
          await gw.admin('POST', '/clock/advance', { minutes: 30 });
          const all = await store.read((tx) => tx.listDeliveries({ limit: 1_000_000 }));
          const pending = await store.read((tx) => tx.countPendingEvents());
          expect(pending).toBe(0);
          expect(all.filter((d) => d.status !== 'delivered')).toEqual([]);
          return all;
        },
        60_000,
        500,
      );
      const byEvent = new Map<string, Set<string>>();
      for (const r of rx.requests) {
        if (!r.headers['x-polypay-event-id']) continue;
        const id = String(r.headers['x-polypay-event-id']);
        (byEvent.get(id) ?? byEvent.set(id, new Set()).get(id)!).add(r.body);
      }
      for (const d of deliveries) {
        expect(byEvent.has(d.eventId), `event ${d.eventId} delivered`).toBe(true);
        expect(byEvent.get(d.eventId)!.size, `event ${d.eventId} always the same body`).toBe(1);
      }
      figures[kind] = { kills: killsSurvived, requests, acknowledged: acked.length, payments: final.payments, events: final.events, deliveries: deliveries.length, received: rx.requests.length, lost: 0, duplicated: 0 };
      mkdirSync('test-output', { recursive: true });
      writeFileSync(join('test-output', `crash-${kind}.json`), JSON.stringify(figures[kind], null, 2));
    } finally {
      await store.close();
    }
    expect(killsSurvived).toBe(KILLS);
  }, 600_000);
});

/** Several acked refunds on one payment add up. */
function mergeRefunds(acked: Acked[]): Acked[] {
  const sums = new Map<number, bigint>();
  for (const a of acked) if (a.kind === 'refund') sums.set(a.paymentId!, (sums.get(a.paymentId!) ?? 0n) + a.amount!);
  return [...acked.filter((a) => a.kind !== 'refund'), ...[...sums].map(([paymentId, amount]) => ({ kind: 'refund' as const, paymentId, amount }))];
}
