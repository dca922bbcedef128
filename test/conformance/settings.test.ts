// A setting made once for every process (the admin token, the vault key on PostgreSQL, the faces' own keys):
// `settings.setIfAbsent` from many transactions at once leaves one value, and every caller gets that value back. On
// PostgreSQL they run on two separate connection pools to one database, as two gateway processes would. (SQLite runs
// one writing transaction at a time, also across processes, and its driver waits for the lock synchronously: two
// stores of one process cannot overlap their transactions, so there they take turns on one store.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { freshStore, STORES } from '../helpers/stores.js';

describe.each(STORES)('settings.setIfAbsent on %s', (kind) => {
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    a = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
    b = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: coreMigrations });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('keeps the first value stored, and answers it to every concurrent caller on either connection', async () => {
    const offered = Array.from({ length: 24 }, (_, i) => `value-${i}`);
    // on PostgreSQL every caller looks before any of them stores (they all find nothing: a real race)
    let looked = 0;
    let allLooked!: () => void;
    const barrier = new Promise<void>((r) => (allLooked = r));
    const answers = await Promise.all(
      offered.map((v, i) =>
        (i % 2 && kind === 'postgres' ? b : a).transaction(async (tx) => {
          const before = await tx.settings.get('shared.secret');
          if (kind === 'postgres') {
            if (++looked === offered.length) allLooked();
            await barrier;
          }
          return { before, kept: await tx.settings.setIfAbsent('shared.secret', v) };
        }),
      ),
    );
    const stored = await a.read((tx) => tx.settings.get('shared.secret'));
    expect(offered).toContain(stored);
    if (kind === 'postgres') expect(answers.every((x) => x.before === undefined)).toBe(true);
    expect(answers.map((x) => x.kept)).toEqual(offered.map(() => stored));
    expect(await b.read((tx) => tx.settings.get('shared.secret'))).toBe(stored);
  });

  it('never replaces a value already there', async () => {
    await a.transaction((tx) => tx.settings.set('shared.other', 'first'));
    expect(await b.transaction((tx) => tx.settings.setIfAbsent('shared.other', 'second'))).toBe('first');
    expect(await a.read((tx) => tx.settings.get('shared.other'))).toBe('first');
  });
});
