// SQLite group commit: transactions share commits, a failing one is rolled back alone, nobody is answered
// before the commit, and reads see committed data only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import type { GroupCommitter } from '../../src/store/sqlite/group-commit.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const merchant = (id: string) => ({ id, name: id, settings: {}, createdAt: 1 });

describe('SQLite group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polypay-group-commit-'));
  let store: Store;
  let committer: GroupCommitter;
  beforeAll(async () => {
    store = await openSqliteStore({ file: join(dir, 'db.sqlite'), migrations: coreMigrations });
    committer = (store as unknown as { committer: GroupCommitter }).committer;
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits concurrent transactions together and rolls a failing one back alone', async () => {
    const before = { ...committer.stats };
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.merchants.insert(merchant(`gc_${i}`));
          if (i % 3 === 0) throw new Error(`transaction ${i} fails`);
          return i;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(10);
    const kept = await store.read(async (tx) => (await tx.merchants.list()).map((m) => m.id).filter((id) => id.startsWith('gc_')));
    expect(kept.sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .map((i) => `gc_${i}`)
        .sort(),
    );
    const commits = committer.stats.commits - before.commits;
    expect(committer.stats.transactions - before.transactions).toBe(20);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(20);
  });

  it('answers a transaction only after its commit, and reads never see uncommitted rows', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let answered = false;
    const slow = store
      .transaction(async (tx) => {
        await tx.merchants.insert(merchant('gc_slow'));
        await gate;
        return 'done';
      })
      .then((v) => {
        answered = true;
        return v;
      });
    // a transaction queued behind the open one is not answered before the common commit either
    const queued = store.transaction(async (tx) => tx.merchants.insert(merchant('gc_queued')));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    expect(await store.read((tx) => tx.merchants.get('gc_slow'))).toBeUndefined();
    release();
    expect(await slow).toBe('done');
    await queued;
    expect((await store.read((tx) => tx.merchants.get('gc_slow')))?.id).toBe('gc_slow');
    expect((await store.read((tx) => tx.merchants.get('gc_queued')))?.id).toBe('gc_queued');
  });

  it('refuses writes on the read connection', async () => {
    await expect(store.read((tx) => tx.merchants.insert(merchant('gc_read')))).rejects.toThrow(/readonly/);
  });
});
