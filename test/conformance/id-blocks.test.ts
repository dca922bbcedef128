// On PostgreSQL a process takes the ids of the ledger transfers and outbox events it inserts from blocks of their
// sequences (src/store/postgres/id-blocks.ts), so that the inserts wait for no answer. Two processes sharing one
// database (two stores here, each with its own blocks) must never give an id twice, and since an id then says
// nothing of time across processes, every list in time order must still be in time order (created time, then id):
// an object's events and transfers (timelines, webhooks per object) and the dispatcher's claim. A transfer the
// store's guards refuse still fails its transaction with its coded error, and a reset (truncateAll) leaves the
// blocks other processes hold valid. SQLite is run too: the same behaviour, without blocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCoreError } from '../../src/core/errors.js';
import type { LedgerAccount, LedgerTransfer, OutboxEvent } from '../../src/core/model.js';
import type { Store, Tx } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { freshStore, STORES } from '../helpers/stores.js';

function account(id: string, kind: string): LedgerAccount {
  return {
    id,
    merchantId: 'm_blocks',
    currency: 'RUB',
    kind,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    createdAt: 1,
  };
}

function transfer(at: number, amount = 100n): Omit<LedgerTransfer, 'id'> {
  return {
    kind: 'posted',
    debitAccountId: 'acc_blocks_net',
    creditAccountId: 'acc_blocks_avail',
    amount,
    currency: 'RUB',
    pendingId: null,
    pendingState: null,
    code: `at-${at}`,
    refType: 'payment',
    refId: '77',
    createdAt: at,
  };
}

function event(at: number): Omit<OutboxEvent, 'id'> {
  return {
    eventId: `evt-${at}-${Math.random().toString(36).slice(2)}`,
    merchantId: 'm_blocks',
    face: 'cloudpayments',
    type: `payment.step-${at}`,
    subjectType: 'payment',
    subjectId: '77',
    payload: { at },
    createdAt: at,
    fannedOut: false,
  };
}

/** one transaction of a store: a transfer and an event made at `at`; their ids */
const write = (store: Store, at: number) =>
  store.transaction(async (tx: Tx) => ({
    transfer: await tx.ledger.insertTransfer(transfer(at)),
    event: await tx.outbox.insert(event(at)),
  }));

describe.each(STORES)('transfer and event ids on %s', (kind) => {
  // two processes' stores over one database
  let a: Store;
  let b: Store;
  let open: () => Promise<Store>;
  beforeAll(async () => {
    const t = await freshStore(kind);
    open = () => openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
    a = await open();
    b = kind === 'postgres' ? await open() : a;
    await a.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('acc_blocks_net', 'network'));
      await tx.ledger.insertAccount(account('acc_blocks_avail', 'available'));
    });
  });
  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
  });

  it('gives no id twice across processes, and lists an object in time order whatever the ids say', async () => {
    // a claims its blocks first, then b claims the next ones: b's ids are higher than a's from now on
    const first = await write(a, 1000);
    const second = await write(b, 2000);
    const third = await write(a, 3000);
    const fourth = await write(b, 4000);
    const ids = [first, second, third, fourth];
    expect(new Set(ids.map((x) => x.transfer)).size).toBe(4);
    expect(new Set(ids.map((x) => x.event)).size).toBe(4);
    if (kind === 'postgres') {
      // the point of the test: the third write (a, later) has a lower id than the second (b, earlier)
      expect(third.transfer).toBeLessThan(second.transfer);
      expect(third.event).toBeLessThan(second.event);
    }
    const times = [1000, 2000, 3000, 4000];
    for (const s of [a, b]) {
      const transfers = await s.read((tx) => tx.ledger.listTransfersByRef('payment', '77'));
      expect(transfers.map((t) => t.createdAt)).toEqual(times);
      const events = await s.read((tx) => tx.outbox.list('payment', '77'));
      expect(events.map((e) => e.createdAt)).toEqual(times);
    }
    // the dispatcher claims pending events oldest first
    const claimed = await a.transaction((tx) => tx.outbox.claim(3, 10_000, 60_000));
    expect(claimed.map((e) => e.createdAt)).toEqual([1000, 2000, 3000]);
  });

  it('fails the transaction with its coded error when the guards refuse a transfer, and keeps nothing of it', async () => {
    const before = await a.read((tx) => tx.ledger.listTransfersByRef('payment', '77'));
    const e = await a
      .transaction(async (tx) => {
        await tx.outbox.insert(event(5000));
        // a negative amount: refused by the table's CHECK, at once or with the statement it travels with
        await tx.ledger.insertTransfer(transfer(5000, -1n));
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isCoreError(e, 'LEDGER_INVARIANT'), String(e)).toBe(true);
    expect(await a.read((tx) => tx.ledger.listTransfersByRef('payment', '77'))).toEqual(before);
    expect((await a.read((tx) => tx.outbox.list('payment', '77'))).some((x) => x.createdAt === 5000)).toBe(false);
  });

  it('keeps the blocks another process holds valid across a reset', async () => {
    // a holds the rest of its blocks; b empties the store
    await write(a, 6000);
    await b.truncateAll();
    await a.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('acc_blocks_net', 'network'));
      await tx.ledger.insertAccount(account('acc_blocks_avail', 'available'));
    });
    // a process started after the reset claims its own blocks; a and it go on without giving an id twice
    const c = kind === 'postgres' ? await open() : a;
    try {
      const after = [await write(a, 7000)];
      for (let i = 0; i < 8; i++) after.push(await write(c, 8000 + i));
      expect(new Set(after.map((x) => x.transfer)).size).toBe(after.length);
      expect(new Set(after.map((x) => x.event)).size).toBe(after.length);
      expect((await a.read((tx) => tx.outbox.list('payment', '77'))).map((e) => e.createdAt)).toEqual([
        7000,
        ...Array.from({ length: 8 }, (_, i) => 8000 + i),
      ]);
    } finally {
      if (c !== a) await c.close();
    }
  });
});
