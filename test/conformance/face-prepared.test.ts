// A face's hot query as a prepared shape (Tx.prepared), on both stores: built once, each later call answers for its
// own values (never the first call's), inside and outside a transaction; a shape whose value was written into the
// SQL instead of a slot is refused when it is first built, so that it can never answer for the wrong value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Store } from '../../src/core/ports.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { numopayStore, type NumopayDatabase } from '../../src/faces/numopay/store.js';
import { migrationsFor } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { freshStore, STORES } from '../helpers/stores.js';

describe.each(STORES)("faces' prepared queries on %s", (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: migrationsFor(ALL_FACES) });
    await store.transaction(async (tx) => {
      await numopayStore.insertAccount(tx, { id: 'acc-rub', merchantId: 'm1', currency: 'RUB', createdAt: 1 });
      await numopayStore.insertAccount(tx, { id: 'acc-usd', merchantId: 'm1', currency: 'USD', createdAt: 2 });
      await numopayStore.insertAccount(tx, { id: 'acc-other', merchantId: 'm2', currency: 'RUB', createdAt: 3 });
    });
  });
  afterAll(() => store?.close());

  it('answers each call for its own values, in a read and in a transaction', async () => {
    const ids = await store.read(async (tx) => [
      (await numopayStore.getAccount(tx, 'm1', 'acc-rub'))?.id,
      (await numopayStore.getAccount(tx, 'm1', 'acc-usd'))?.id,
      (await numopayStore.getAccount(tx, 'm1', 'acc-other'))?.id,
      (await numopayStore.findAccountByCurrency(tx, 'm2', 'RUB'))?.id,
      (await numopayStore.findAccountByCurrency(tx, 'm2', 'USD'))?.id,
    ]);
    expect(ids).toEqual(['acc-rub', 'acc-usd', undefined, 'acc-other', undefined]);
    const inTx = await store.transaction(async (tx) => (await numopayStore.getAccount(tx, 'm2', 'acc-other'))?.currency);
    expect(inTx).toBe('RUB');
  });

  it('refuses a shape whose value is written into the SQL instead of its slot', async () => {
    const bad = store.read((tx) =>
      tx.prepared(
        'test.inlined-value',
        (d: Kysely<NumopayDatabase>) => d.selectFrom('numopay_accounts').selectAll().where('id', '=', 'acc-rub'),
        ['acc-usd'],
      ),
    );
    await expect(bad).rejects.toThrow(/argument 0 is not a parameter/);
  });
});
