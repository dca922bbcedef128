// The core engine over both real stores: ledger holds exactly once, the payment state machine, races,
// idempotency, the scheduler under the test clock, and the card vault.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../src/core/engine.js';
import { isCoreError } from '../../src/core/errors.js';
import { AVAILABLE, NETWORK_ACCOUNT } from '../../src/core/ledger.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { fetchTransport } from '../../src/server/transport.js';
import { parseMasterKey } from '../../src/core/vault.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';

const CARD = { number: '4000000000003055', expMonth: 12, expYear: 2099, cvv: '123' };

describe.each(STORES)('engine on %s', (kind) => {
  let store: Store;
  let engine: Engine;
  let target: StoreTarget;

  beforeAll(async () => {
    target = await freshStore(kind);
    store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: coreMigrations });
    engine = new Engine({ store, masterKeys: [parseMasterKey(TEST_MASTER_KEY)], transport: fetchTransport });
    await engine.transaction((tx) => engine.merchants.create(tx, { id: 'm1', name: 'M1', credentials: [], currencies: ['RUB'] }));
  });
  afterAll(async () => {
    await engine?.stop();
    await store?.close();
  });
  afterEach(async () => {
    await engine.read((tx) => engine.ledger.verify(tx));
  });

  const newPayment = (amount: bigint, captureMode: 'auto' | 'manual' = 'manual', expiresAt: number | null = null) =>
    engine.transaction((tx) =>
      engine.payments.create(tx, { merchantId: 'm1', face: 'cloudpayments', amount, currency: 'RUB', captureMode, expiresAt }),
    );
  const authorize = (id: number, number = CARD.number) =>
    engine.transaction((tx) =>
      engine.payments.authorize(tx, id, { source: { kind: 'card', card: { ...CARD, number } }, merchantName: 'M1' }),
    );
  const balance = () => engine.read((tx) => engine.ledger.balance(tx, 'm1', 'RUB', AVAILABLE));

  describe('ledger', () => {
    it('posts a hold partly, once, and releases the rest', async () => {
      const ids = await engine.transaction(async (tx) => {
        const a = await engine.ledger.account(tx, 'm1', 'RUB', AVAILABLE);
        const n = await engine.ledger.systemAccount(tx, 'm1', 'RUB', NETWORK_ACCOUNT);
        return { hold: await engine.ledger.hold(tx, n, a, 1000n, { code: 'test' }), a };
      });
      const mid = await balance();
      expect(mid.frozenIn).toBeGreaterThanOrEqual(1000n);
      await engine.transaction((tx) => engine.ledger.postPending(tx, ids.hold, 400n, { code: 'test' }));
      await expect(engine.transaction((tx) => engine.ledger.postPending(tx, ids.hold, 400n, { code: 'test' }))).rejects.toThrow(
        /already resolved/,
      );
      await expect(engine.transaction((tx) => engine.ledger.voidPending(tx, ids.hold, { code: 'test' }))).rejects.toThrow(
        /already resolved/,
      );
      const after = await balance();
      expect(after.posted - mid.posted).toBe(400n);
      expect(after.frozenIn).toBe(mid.frozenIn - 1000n);
    });

    it('resolves a hold exactly once under concurrency', async () => {
      const hold = await engine.transaction(async (tx) => {
        const a = await engine.ledger.account(tx, 'm1', 'RUB', AVAILABLE);
        const n = await engine.ledger.systemAccount(tx, 'm1', 'RUB', NETWORK_ACCOUNT);
        return engine.ledger.hold(tx, n, a, 500n, { code: 'race' });
      });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          engine.transaction((tx) =>
            i % 2 ? engine.ledger.voidPending(tx, hold, { code: 'race' }) : engine.ledger.postPending(tx, hold, 500n, { code: 'race' }),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('refuses transfers that would break invariants', async () => {
      await expect(
        engine.transaction(async (tx) => {
          const a = await engine.ledger.account(tx, 'm1', 'RUB', AVAILABLE);
          const n = await engine.ledger.systemAccount(tx, 'm1', 'RUB', NETWORK_ACCOUNT);
          return engine.ledger.post(tx, n, a, 0n, { code: 'zero' });
        }),
      ).rejects.toThrow(/positive/);
      await expect(
        engine.transaction(async (tx) => {
          const a = await engine.ledger.account(tx, 'm1', 'RUB', AVAILABLE);
          const u = await engine.ledger.account(tx, 'm1', 'USD', AVAILABLE);
          return engine.ledger.post(tx, u, a, 1n, { code: 'fx' });
        }),
      ).rejects.toThrow(/one currency/);
      await expect(
        engine.transaction(async (tx) => {
          const a = await engine.ledger.account(tx, 'm1', 'RUB', 'payout_test');
          const f = await engine.ledger.systemAccount(tx, 'm1', 'RUB', 'fees');
          return engine.ledger.post(tx, a, f, 1n, { code: 'overdraft' }, { requireFunds: true });
        }),
      ).rejects.toSatisfy((e: unknown) => isCoreError(e, 'ZERO_BALANCE'));
    });
  });

  describe('payments', () => {
    it('authorizes, captures partly, refunds partly then fully', async () => {
      const before = await balance();
      const p = await newPayment(10_000n);
      const r = await authorize(p.id);
      expect(r.kind).toBe('approved');
      expect(r.payment.status).toBe('authorized');
      const c = await engine.transaction((tx) => engine.payments.capture(tx, p.id, 7_000n));
      expect([c.status, c.capturedAmount]).toEqual(['captured', 7_000n]);
      expect((await balance()).posted - before.posted).toBe(7_000n);
      await expect(engine.transaction((tx) => engine.payments.refund(tx, p.id, 7_001n))).rejects.toSatisfy((e: unknown) =>
        isCoreError(e, 'AMOUNT_EXCEEDS_AVAILABLE'),
      );
      const r1 = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 2_000n));
      expect(r1.payment.status).toBe('partially_refunded');
      const r2 = await engine.transaction((tx) => engine.payments.refund(tx, p.id, null));
      expect([r2.payment.status, r2.refund.amount]).toEqual(['refunded', 5_000n]);
      expect((await balance()).posted).toBe(before.posted);
      const events = await engine.read((tx) => tx.outbox.list('payment', String(p.id)));
      expect(events.map((e) => e.type)).toEqual([
        'payment.created',
        'payment.authorized',
        'payment.captured',
        'payment.refunded',
        'payment.refunded',
      ]);
    });

    it('voids a hold and cannot capture it afterwards', async () => {
      const p = await newPayment(300n);
      await authorize(p.id);
      const v = await engine.transaction((tx) => engine.payments.void(tx, p.id));
      expect(v.status).toBe('voided');
      await expect(engine.transaction((tx) => engine.payments.capture(tx, p.id, null))).rejects.toSatisfy((e: unknown) =>
        isCoreError(e, 'INVALID_STATE'),
      );
    });

    it('declines with the card catalogue reason', async () => {
      const p = await newPayment(100n);
      const r = await authorize(p.id, declineCardPan('stolen_card'));
      expect([r.kind, r.payment.status, r.payment.declineReason]).toEqual(['declined', 'declined', 'stolen_card']);
    });

    it('refuses a refund beyond what is left after partial refunds, with exact amounts and nothing written', async () => {
      const before = await balance();
      const p = await newPayment(10_000n, 'auto');
      await authorize(p.id);
      expect((await balance()).posted - before.posted).toBe(10_000n);
      const r1 = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 3_000n));
      const r2 = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 4_000n));
      expect([r1.refund.amount, r2.refund.amount, r2.payment.status, r2.payment.refundedAmount]).toEqual([
        3_000n,
        4_000n,
        'partially_refunded',
        7_000n,
      ]);
      // 3 000 are left: 3 001 (and 5 000, below the captured 10 000) are refused, and change nothing
      for (const over of [3_001n, 5_000n, 10_000n]) {
        await expect(
          engine.transaction((tx) => engine.payments.refund(tx, p.id, over)),
          String(over),
        ).rejects.toSatisfy((e: unknown) => isCoreError(e, 'AMOUNT_EXCEEDS_AVAILABLE'));
      }
      const kept = await engine.read((tx) => tx.payments.get(p.id));
      expect([kept!.status, kept!.capturedAmount, kept!.refundedAmount]).toEqual(['partially_refunded', 10_000n, 7_000n]);
      expect((await balance()).posted - before.posted).toBe(3_000n);
      // exactly what is left can be refunded
      const r3 = await engine.transaction((tx) => engine.payments.refund(tx, p.id, 3_000n));
      expect([r3.refund.amount, r3.payment.status, r3.payment.refundedAmount]).toEqual([3_000n, 'refunded', 10_000n]);
      expect((await balance()).posted).toBe(before.posted);
      const events = await engine.read((tx) => tx.outbox.list('payment', String(p.id)));
      expect(events.filter((e) => e.type === 'payment.refunded')).toHaveLength(3);
    });

    it('never refunds more than was captured under concurrent refunds', async () => {
      const p = await newPayment(100n, 'auto');
      await authorize(p.id);
      const results = await Promise.allSettled(
        Array.from({ length: 25 }, () => engine.transaction((tx) => engine.payments.refund(tx, p.id, 10n))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      const after = await engine.read((tx) => tx.payments.get(p.id));
      expect([after!.status, after!.refundedAmount]).toEqual(['refunded', 100n]);
    });

    it('never leaves a payment in two states under concurrent capture and void', async () => {
      const p = await newPayment(100n);
      await authorize(p.id);
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          engine.transaction((tx) => (i % 2 ? engine.payments.void(tx, p.id) : engine.payments.capture(tx, p.id, 60n))),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const transfers = await engine.read((tx) => tx.ledger.listTransfersByRef('payment', String(p.id)));
      expect(transfers.filter((t) => t.kind === 'post_pending' || t.kind === 'void_pending')).toHaveLength(1);
    });

    it('expires unpaid payments and released holds by the clock', async () => {
      const now = engine.clock.now();
      const unpaid = await newPayment(100n, 'auto', now + 60_000);
      const held = await newPayment(100n, 'manual', now + 120_000);
      await authorize(held.id);
      engine.clock.advance(61_000);
      await engine.scheduler.drain();
      expect((await engine.read((tx) => tx.payments.get(unpaid.id)))!.status).toBe('expired');
      expect((await engine.read((tx) => tx.payments.get(held.id)))!.status).toBe('authorized');
      engine.clock.advance(60_000);
      await engine.scheduler.drain();
      expect((await engine.read((tx) => tx.payments.get(held.id)))!.status).toBe('expired');
    });
  });

  describe('idempotency', () => {
    it('makes one effect for concurrent identical requests and answers them identically', async () => {
      let runs = 0;
      const key = 'req-' + Math.random();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          engine.idempotency.run({ scope: 'test', key, requestHash: 'h', ttlMs: 3_600_000, keep: () => true }, async (tx) => {
            runs++;
            const p = await engine.payments.create(tx, {
              merchantId: 'm1',
              face: 'cloudpayments',
              amount: 5n,
              currency: 'RUB',
              captureMode: 'auto',
            });
            return { status: 200, headers: {}, body: JSON.stringify({ id: p.id }) };
          }),
        ),
      );
      expect(runs).toBe(1);
      expect(new Set(results.map((r) => r.body)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    });

    it('does not keep responses the face chooses not to keep', async () => {
      let runs = 0;
      const run = () =>
        engine.idempotency.run(
          { scope: 'test', key: 'fail-key', requestHash: 'h', ttlMs: 1000, keep: (r) => r.status === 200 },
          async () => {
            runs++;
            return { status: 400, headers: {}, body: 'no' };
          },
        );
      await run();
      await run();
      expect(runs).toBe(2);
    });
  });

  describe('outbox', () => {
    const event = (subjectId: string) => ({
      merchantId: 'm1',
      face: 'way2pay' as const,
      type: 'test.event',
      subjectType: 'test',
      subjectId,
      payload: { n: 1 },
    });
    let failRender = false;
    beforeAll(() => {
      engine.dispatcher.register('way2pay', {
        async render(tx, e) {
          if (failRender) throw new Error('renderer down');
          const m = await tx.merchants.get(e.merchantId);
          return [
            {
              kind: 'test',
              url: 'http://127.0.0.1:9/hook',
              method: 'POST',
              headers: {},
              body: JSON.stringify({ merchant: m?.name, subject: e.subjectId }),
              schedule: [1000],
              maxAttempts: 2,
            },
          ];
        },
      });
    });
    const deliveries = (subjectId: string) => engine.read((tx) => tx.deliveries.list({ subjectType: 'test', subjectId, limit: 10 }));

    it("renders an event's deliveries in the command's transaction: they commit, or roll back, with it", async () => {
      await engine.transaction(async (tx) => {
        await engine.outbox.emit(tx, event('kept'));
      });
      // committed already fanned out, with no dispatcher running
      expect((await deliveries('kept')).map((d) => [d.kind, d.status, d.body])).toEqual([
        ['test', 'pending', '{"merchant":"M1","subject":"kept"}'],
      ]);
      expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
      await expect(
        engine.transaction(async (tx) => {
          await engine.outbox.emit(tx, event('rolled-back'));
          throw new Error('the command fails');
        }),
      ).rejects.toThrow('the command fails');
      expect(await deliveries('rolled-back')).toEqual([]);
      expect(await engine.read((tx) => tx.outbox.list('test', 'rolled-back'))).toEqual([]);
    });

    it("stores a command's many events in statements of up to 64, in the order they were emitted", async () => {
      await engine.transaction(async (tx) => {
        for (let n = 0; n < 70; n++) await engine.outbox.emit(tx, { ...event('many'), payload: { n } });
      });
      const stored = await engine.read((tx) => tx.outbox.list('test', 'many'));
      expect(stored.map((e) => e.payload.n)).toEqual(Array.from({ length: 70 }, (_, n) => n));
      expect((await deliveries('many')).length).toBe(10);
      expect(new Set(stored.map((e) => e.eventId)).size).toBe(70);
    });

    it('leaves an event it could not render to the background fan-out, which renders it later', async () => {
      failRender = true;
      try {
        await engine.transaction((tx) => engine.outbox.emit(tx, event('late')));
      } finally {
        failRender = false;
      }
      expect(await deliveries('late')).toEqual([]);
      expect(await engine.read((tx) => tx.outbox.countPending())).toBe(1);
      expect(await engine.dispatcher.fanOut()).toBe(1);
      expect((await deliveries('late')).map((d) => d.body)).toEqual(['{"merchant":"M1","subject":"late"}']);
      expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
    });
  });

  describe('vault', () => {
    it('never stores a card number in clear, and rotates the master key without losing cards', async () => {
      const p = await newPayment(100n, 'auto');
      await authorize(p.id, '5200828282828210');
      if (kind === 'sqlite') {
        for (const f of readdirSync(target.dataDir!)) {
          const bytes = readFileSync(join(target.dataDir!, f));
          expect(bytes.includes(Buffer.from('5200828282828210')), f).toBe(false);
        }
      } else {
        const c = new pg.Client({ connectionString: target.databaseUrl });
        await c.connect();
        const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
        const dump =
          JSON.stringify((await c.query('select * from cards')).rows, big) +
          JSON.stringify((await c.query('select * from payments')).rows, big);
        await c.end();
        expect(dump.includes('5200828282828210')).toBe(false);
      }
      const card = (await engine.read((tx) => tx.payments.get(p.id)))!.card!;
      const k2 = parseMasterKey('ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100');
      const rotated = await engine.vault.rotate(store, k2);
      expect(rotated).toBeGreaterThan(0);
      const { pan, card: stored } = await engine.read((tx) => engine.vault.reveal(tx, card.cardId));
      expect(pan).toBe('5200828282828210');
      expect(stored.keyId).toBe(k2.id);
      // found again by fingerprint: the same card is not stored twice
      const again = await newPayment(100n, 'auto');
      const r = await authorize(again.id, '5200828282828210');
      expect(r.payment.card!.cardId).toBe(card.cardId);
    });
  });
});
