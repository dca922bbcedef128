// SQLite's reader shares one snapshot among the reads of a turn of the event loop (read-snapshot.ts): a read made
// after a commit of this process sees it, even in the same turn; a commit of another connection is seen from the
// next turn on; and the reader never holds a checkpoint back.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const merchant = (id: string) => ({ id, name: id, settings: {}, createdAt: 1 });
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe("SQLite's read snapshot", () => {
  const dir = mkdtempSync(join(tmpdir(), 'polypay-read-snapshot-'));
  const file = join(dir, 'db.sqlite');
  let store: Store;
  let other: Database.Database;
  beforeAll(async () => {
    // one transaction per commit: a commit then happens in the turn of its transaction
    store = await openSqliteStore({ file, migrations: coreMigrations, groupCommit: { maxGroup: 1, maxAgeMs: 0 } });
    other = new Database(file);
  });
  afterAll(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sees this process's commit in the same turn as a read made before it", async () => {
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    expect(await store.read((tx) => tx.merchants.get('rs_same_turn'))).toBeUndefined();
    await store.transaction((tx) => tx.merchants.insert(merchant('rs_same_turn')));
    expect((await store.read((tx) => tx.merchants.get('rs_same_turn')))?.id).toBe('rs_same_turn');
    // (all of it in one turn: the snapshot of the first read was still open when the commit came)
    expect(turnEnded).toBe(false);
  });

  it("sees another connection's commit from the next turn on", async () => {
    expect(await store.read((tx) => tx.merchants.get('rs_other'))).toBeUndefined();
    other.prepare(`insert into merchants (id, name, settings, created_at) values ('rs_other', 'rs_other', '{}', 1)`).run();
    // the turn's snapshot predates it
    expect(await store.read((tx) => tx.merchants.get('rs_other'))).toBeUndefined();
    await nextTurn();
    expect((await store.read((tx) => tx.merchants.get('rs_other')))?.id).toBe('rs_other');
  });

  it('holds no checkpoint back: every frame of the log is checkpointed after a commit made in a turn with reads', async () => {
    for (let i = 0; i < 20; i++) {
      await store.read((tx) => tx.merchants.get('rs_ck_0'));
      await store.transaction((tx) => tx.merchants.insert(merchant(`rs_ck_${i}`)));
      const [r] = other.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      expect(r!.checkpointed).toBe(r!.log);
    }
  });
});
