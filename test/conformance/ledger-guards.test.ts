// The stores' own guards on the ledger, written through the store port directly (no core check in the way): an
// account total past the signed 64-bit range, a total whose posted and pending parts together pass it, a negative
// total, and a transfer of a negative amount are each refused with a coded CoreError and leave the row as it was.
// A store made by the migrations before these guards existed upgrades with its data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { systemClock } from '../../src/core/clock.js';
import { isCoreError, type ErrorCode } from '../../src/core/errors.js';
import { AVAILABLE, FEES_ACCOUNT, Ledger, NETWORK_ACCOUNT } from '../../src/core/ledger.js';
import type { LedgerAccount } from '../../src/core/model.js';
import type { AccountDelta, Store } from '../../src/core/ports.js';
import { coreMigrations, migrationProvider } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';

const INT64_MAX = 9223372036854775807n;

function account(id: string, merchantId: string, kind = 'available'): LedgerAccount {
  return {
    id,
    merchantId,
    currency: 'RUB',
    kind,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    createdAt: 1,
  };
}

async function refusedWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the store accepted it').toBeDefined();
  expect(isCoreError(e, code), `expected CoreError ${code}, got ${String(e)}`).toBe(true);
}

describe.each(STORES)('ledger guards on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
    await store.transaction(async (tx) => {
      await tx.ledger.insertAccount(account('acc_full', 'm1'));
      await tx.ledger.insertAccount(account('acc_split', 'm1', 'network'));
      await tx.ledger.insertAccount(account('acc_zero', 'm2'));
    });
  });
  afterAll(async () => {
    await store?.close();
  });
  const get = (id: string) => store.read((tx) => tx.ledger.getAccount(id));
  const add = (id: string, delta: AccountDelta) => store.transaction((tx) => tx.ledger.addToAccount(id, delta));

  it('keeps a total of exactly 2^63 - 1 and refuses one more, leaving the row as it was', async () => {
    await add('acc_full', { creditsPosted: INT64_MAX });
    expect((await get('acc_full'))!.creditsPosted).toBe(INT64_MAX);
    await refusedWith(add('acc_full', { creditsPosted: 1n }), 'AMOUNT_TOO_LARGE');
    await refusedWith(add('acc_full', { creditsPosted: INT64_MAX }), 'AMOUNT_TOO_LARGE');
    const after = (await get('acc_full'))!;
    expect(after.creditsPosted).toBe(INT64_MAX);
    expect(typeof after.creditsPosted).toBe('bigint');
    // the other side of the same row still moves
    await add('acc_full', { debitsPosted: 5n });
    expect((await get('acc_full'))!.debitsPosted).toBe(5n);
  });

  it('refuses posted and pending totals that together pass 2^63 - 1', async () => {
    await add('acc_split', { debitsPosted: INT64_MAX - 100n });
    await refusedWith(add('acc_split', { debitsPending: 101n }), 'AMOUNT_TOO_LARGE');
    await add('acc_split', { debitsPending: 100n });
    const a = (await get('acc_split'))!;
    expect([a.debitsPosted, a.debitsPending]).toEqual([INT64_MAX - 100n, 100n]);
    // resolving the hold moves pending to posted: the sum stays within range
    await add('acc_split', { debitsPending: -100n, debitsPosted: 100n });
    expect((await get('acc_split'))!.debitsPosted).toBe(INT64_MAX);
  });

  it('refuses a negative total', async () => {
    await refusedWith(add('acc_zero', { debitsPosted: -1n }), 'LEDGER_INVARIANT');
    await refusedWith(add('acc_zero', { creditsPending: -1n }), 'LEDGER_INVARIANT');
    expect((await get('acc_zero'))!).toMatchObject({ debitsPosted: 0n, creditsPending: 0n });
  });

  it('refuses a transfer of a negative amount or beyond 2^63 - 1', async () => {
    const transfer = (amount: bigint) =>
      store.transaction((tx) =>
        tx.ledger.insertTransfer({
          kind: 'posted',
          debitAccountId: 'acc_zero',
          creditAccountId: 'acc_full',
          amount,
          currency: 'RUB',
          pendingId: null,
          pendingState: null,
          code: 't',
          refType: 'guard',
          refId: String(amount),
          createdAt: 1,
        }),
      );
    await refusedWith(transfer(-5n), 'LEDGER_INVARIANT');
    await refusedWith(transfer(INT64_MAX + 1n), 'AMOUNT_TOO_LARGE');
    expect(await store.read((tx) => tx.ledger.listTransfersByRef('guard', '-5'))).toEqual([]);
  });
});

describe.each(STORES)('the checked ledger on %s', (kind) => {
  let store: Store;
  const ledger = new Ledger(systemClock);
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('gives each merchant its own network and fees accounts', async () => {
    const ids = await store.transaction(async (tx) => ({
      n1: (await ledger.systemAccount(tx, 'm1', 'RUB', NETWORK_ACCOUNT)).id,
      n1again: (await ledger.systemAccount(tx, 'm1', 'RUB', NETWORK_ACCOUNT)).id,
      n2: (await ledger.systemAccount(tx, 'm2', 'RUB', NETWORK_ACCOUNT)).id,
      f1: await ledger.systemAccount(tx, 'm1', 'RUB', FEES_ACCOUNT),
    }));
    expect(ids.n1).toBe(ids.n1again);
    expect(ids.n1).not.toBe(ids.n2);
    expect(ids.f1).toMatchObject({ merchantId: 'm1', currency: 'RUB', kind: 'fees' });
    await refusedWith(
      store.transaction((tx) => ledger.systemAccount(tx, 'm1', 'RUB', AVAILABLE)),
      'LEDGER_INVARIANT',
    );
  });

  it('refuses a transfer above 999 999 999 999 999 minor units, and one that would pass 2^63 - 1, before writing it', async () => {
    const accounts = () =>
      store.transaction(async (tx) => ({
        net: await ledger.systemAccount(tx, 'm3', 'RUB', NETWORK_ACCOUNT),
        avail: await ledger.account(tx, 'm3', 'RUB', AVAILABLE),
      }));
    let { net, avail } = await accounts();
    await refusedWith(
      store.transaction((tx) => ledger.post(tx, net, avail, 1_000_000_000_000_000n, { code: 't', refType: 'big', refId: '1' })),
      'AMOUNT_TOO_LARGE',
    );
    await refusedWith(
      store.transaction((tx) => ledger.hold(tx, net, avail, 1_000_000_000_000_000n, { code: 't', refType: 'big', refId: '1' })),
      'AMOUNT_TOO_LARGE',
    );
    await store.transaction((tx) => ledger.post(tx, net, avail, 999_999_999_999_999n, { code: 't', refType: 'big', refId: '2' }));
    // years of volume, written through the store port: the credit side 10 below the limit
    await store.transaction(async (tx) => {
      await tx.ledger.addToAccount(avail.id, { creditsPending: INT64_MAX - 999_999_999_999_999n - 10n });
      await tx.ledger.addToAccount(net.id, { debitsPending: INT64_MAX - 999_999_999_999_999n - 10n });
    });
    ({ net, avail } = await accounts());
    await refusedWith(
      store.transaction((tx) => ledger.hold(tx, net, avail, 11n, { code: 't', refType: 'big', refId: '3' })),
      'AMOUNT_TOO_LARGE',
    );
    await refusedWith(
      store.transaction((tx) => ledger.post(tx, net, avail, 11n, { code: 't', refType: 'big', refId: '3' })),
      'AMOUNT_TOO_LARGE',
    );
    expect(await store.read((tx) => tx.ledger.listTransfersByRef('big', '3'))).toEqual([]);
    const hold = await store.transaction((tx) => ledger.hold(tx, net, avail, 10n, { code: 't', refType: 'big', refId: '4' }));
    // posting a hold moves pending to posted: never past the limit
    await store.transaction((tx) => ledger.postPending(tx, hold, 10n, { code: 't', refType: 'big', refId: '4' }));
    expect((await store.read((tx) => tx.ledger.getAccount(avail.id)))!).toMatchObject({
      creditsPosted: 1_000_000_000_000_009n,
      creditsPending: INT64_MAX - 1_000_000_000_000_009n,
    });
  });
});

describe.each(STORES)('a %s store made before the ledger guards', (kind) => {
  let target: StoreTarget;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
  });

  /** The migrations as they were (0001 and 0002), with a ledger written by them. */
  async function oldStore(t: StoreTarget): Promise<void> {
    let db: Kysely<any>;
    let close: () => Promise<void>;
    if (kind === 'sqlite') {
      const raw = new Database(join(t.dataDir!, 'polypay.sqlite'));
      raw.defaultSafeIntegers(true);
      db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
      close = async () => db.destroy();
    } else {
      db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.databaseUrl, max: 1 }) }) });
      close = async () => db.destroy();
    }
    const migrator = new Migrator({ db, provider: migrationProvider(coreMigrations, kind), allowUnorderedMigrations: true });
    const r = await migrator.migrateTo('0002_api_log');
    if (r.error) throw r.error;
    const acc = (id: string, merchant: string, k: string, debits: bigint, credits: bigint) => ({
      id,
      merchant_id: merchant,
      currency: 'RUB',
      kind: k,
      debits_pending: 0n,
      debits_posted: debits,
      credits_pending: 0n,
      credits_posted: credits,
      created_at: 1n,
    });
    await db
      .insertInto('accounts')
      .values([acc('old_net', '_system', 'network', 700n, 0n), acc('old_avail', 'm1', 'available', 0n, 700n)])
      .execute();
    for (const amount of [300n, 400n]) {
      await db
        .insertInto('ledger_transfers')
        .values({
          kind: 'posted',
          debit_account_id: 'old_net',
          credit_account_id: 'old_avail',
          amount,
          currency: 'RUB',
          pending_id: null,
          pending_state: null,
          code: 'old',
          ref_type: 'old',
          ref_id: '1',
          created_at: 1n,
        })
        .execute();
    }
    await close();
  }

  beforeAll(async () => {
    target = await freshStore(kind);
    await oldStore(target);
    store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: coreMigrations });
  });

  it('keeps its accounts and transfers, continues the transfer ids, and gets the guards', async () => {
    const s = store!;
    expect((await s.read((tx) => tx.ledger.getAccount('old_net')))!).toMatchObject({
      merchantId: '_system',
      kind: 'network',
      debitsPosted: 700n,
    });
    const old = await s.read((tx) => tx.ledger.listTransfersByRef('old', '1'));
    expect(old.map((t) => t.amount)).toEqual([300n, 400n]);
    const next = await s.transaction((tx) =>
      tx.ledger.insertTransfer({
        kind: 'posted',
        debitAccountId: 'old_avail',
        creditAccountId: 'old_net',
        amount: 1n,
        currency: 'RUB',
        pendingId: null,
        pendingState: null,
        code: 'new',
        refType: 'new',
        refId: '1',
        createdAt: 2,
      }),
    );
    expect(next).toBe(old[1]!.id + 1);
    await refusedWith(
      s.transaction((tx) => tx.ledger.addToAccount('old_net', { debitsPosted: INT64_MAX })),
      'AMOUNT_TOO_LARGE',
    );
    expect((await s.read((tx) => tx.ledger.getAccount('old_net')))!.debitsPosted).toBe(700n);
  });
});
