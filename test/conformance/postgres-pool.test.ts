// The PostgreSQL pool's size is the operator's (`--pg-pool-size`, POLYPAY_PG_POOL_SIZE): with N gateway processes
// on one server, the server's connections are N times it. A transaction holds one of them from its first statement
// to its COMMIT, so the size bounds the transactions a process runs at once.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { configFromEnv, parsePoolSize } from '../../src/server/config.js';
import { freshStore, STORES } from '../helpers/stores.js';

describe('the pool size setting', () => {
  it('is 16 unless set, and at least 1', () => {
    expect(configFromEnv({}).pgPoolSize).toBe(16);
    expect(configFromEnv({ POLYPAY_PG_POOL_SIZE: '4' }).pgPoolSize).toBe(4);
    expect(() => parsePoolSize('0', '--pg-pool-size')).toThrow(/at least 1/);
    expect(() => parsePoolSize('many', '--pg-pool-size')).toThrow();
  });
});

describe.each(STORES.filter((k) => k === 'postgres'))('the pool on %s', (kind) => {
  /** the most transactions of 6 started at once that held a connection at the same time */
  async function mostAtOnce(store: Store): Promise<number> {
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        store.transaction(async (tx) => {
          active++;
          most = Math.max(most, active);
          await sql`select pg_sleep(0.3)`.execute(tx.db());
          active--;
        }),
      ),
    );
    return most;
  }

  it('runs at most as many transactions at once as it has connections', async () => {
    const t = await freshStore(kind);
    const small = await openStore({ databaseUrl: t.databaseUrl, pgPoolSize: 2, migrations: coreMigrations });
    const usual = await openStore({ databaseUrl: t.databaseUrl, migrations: coreMigrations });
    try {
      expect(await mostAtOnce(small)).toBe(2);
      expect(await mostAtOnce(usual)).toBe(6);
    } finally {
      await small.close();
      await usual.close();
    }
  });
});
