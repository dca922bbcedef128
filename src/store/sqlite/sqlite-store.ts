// SQLite (better-sqlite3, WAL) in a data folder, or in memory. One writing connection: transactions run one at
// a time, which is SQLite's own model, and consecutive ones are group-committed (group-commit.ts); reads use a
// second connection that sees committed data only, through one snapshot per turn of the event loop
// (read-snapshot.ts). Prepared statements are cached by SQL text.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store, Tx } from '../../core/ports.js';
import { KyselyTx } from '../kysely-tx.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';
import { ReadSnapshot } from './read-snapshot.js';
import { listTables, migrateToLatest, type Migrations } from '../migrations.js';
import type { CoreDatabase } from '../tables.js';
import { sqliteOps as ops } from './dialect-ops.js';

export interface SqliteOptions {
  /** file path, or ':memory:' */
  file: string;
  /** the core's migrations and the faces' (migrations.ts `migrationsFor`) */
  migrations: Migrations;
  /** group commit limits (default 128 transactions or 20 ms per commit) */
  groupCommit?: GroupCommitOptions;
}

interface Connection {
  raw: Database.Database;
  db: Kysely<CoreDatabase>;
  /** the rollbacks (to a savepoint) run through the query layer: a transaction's remembered rows are stale after one */
  rollbacks: { undoCount: number };
  /** the statements run through the query layer, while a test or the benchmark keeps them (`sqliteStatements`) */
  statements: StatementLog;
}

/** The statements of a connection (their first 80 characters, one per run), kept while `kept` is an array. */
export interface StatementLog {
  kept: string[] | null;
}

/** A statement that undoes writes (a rollback to a savepoint, or of the whole transaction). */
const ROLLBACK = /^\s*rollback\b/i;

/**
 * The connection's setup and a statement cache by SQL text, as the SQLite dialect of the query layer wants it;
 * `beforeStatement` runs before each statement is handed out (the reader's snapshot opens there). Every statement
 * of the query layer passes here, so here a rollback (a face's `rollback to savepoint`) is counted.
 */
function connect(file: string, readonly: boolean, beforeStatement?: () => void): Connection {
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit is on disk (the WAL fsynced) before the caller hears of it, so a power loss cannot drop an
  // acknowledged payment; group commit (group-commit.ts) pays that fsync once per group, not once per transaction
  raw.pragma('synchronous = FULL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  // a page cache of 32 MiB per connection (SQLite's default is 2 MiB): the hot pages of a busy store stay in it
  raw.pragma('cache_size = -32768');
  raw.pragma('temp_store = MEMORY');
  if (readonly) raw.pragma('query_only = ON');
  raw.defaultSafeIntegers(true);
  const cache = new Map<string, Database.Statement>();
  const rollbacks = { undoCount: 0 };
  const statements: StatementLog = { kept: null };
  const database = {
    prepare(text: string) {
      beforeStatement?.();
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = raw.prepare(text);
        cache.set(text, stmt);
      }
      if (ROLLBACK.test(text)) rollbacks.undoCount++;
      statements.kept?.push(text.slice(0, 80));
      return stmt;
    },
    close() {
      raw.close();
    },
  };
  return {
    raw,
    db: new Kysely<CoreDatabase>({ dialect: new SqliteDialect({ database: database as unknown as Database.Database }) }),
    rollbacks,
    statements,
  };
}

export async function openSqliteStore(opts: SqliteOptions): Promise<Store> {
  const memory = opts.file === ':memory:';
  if (!memory) {
    mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
    // created 0600 before SQLite opens it: its -wal and -shm files get the same permissions
    if (!existsSync(opts.file)) closeSync(openSync(opts.file, 'a', 0o600));
    chmodSync(opts.file, 0o600);
  }
  const writer = connect(opts.file, false);
  await migrateToLatest(writer.db, 'sqlite', opts.migrations);
  // reads see committed data only: on a connection of their own (WAL readers never wait for the writer); an
  // in-memory database has one connection, where reads queue with the transactions, each committed alone
  let snapshot: ReadSnapshot | null = null;
  const reader = memory ? null : connect(opts.file, true, () => snapshot!.open());
  if (reader) snapshot = new ReadSnapshot(reader.raw);
  const committer = new GroupCommitter(
    writer.raw,
    memory ? { maxGroup: 1, maxAgeMs: 0 } : (opts.groupCommit ?? { maxGroup: 128, maxAgeMs: 20 }),
    // the writer's commit is seen by every read after it: the snapshot ends before the COMMIT runs
    () => snapshot?.release(),
  );
  const store = new SqliteStore(writer, reader, committer);
  statementLogs.set(store, { writer: writer.statements, reader: reader?.statements ?? null });
  return store;
}

const statementLogs = new WeakMap<Store, { writer: StatementLog; reader: StatementLog | null }>();

/** The statement logs of a SQLite store's writer and reader (undefined for another store): for tests. */
export function sqliteStatements(store: Store): { writer: StatementLog; reader: StatementLog | null } | undefined {
  return statementLogs.get(store);
}

class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  constructor(
    private readonly writer: Connection,
    private readonly reader: Connection | null,
    readonly committer: GroupCommitter,
  ) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.committer.run(async () => {
      // transactions run one at a time on the writer: each holds every row it touches until it ends
      const tx = new KyselyTx(this.writer.db, ops, null, null, this.writer.rollbacks);
      const r = await fn(tx);
      await tx.flushAccounts();
      return r;
    });
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!this.reader) return this.transaction(fn);
    const tx = new KyselyTx(this.reader.db, ops);
    const r = await fn(tx);
    await tx.flushAccounts();
    return r;
  }

  async truncateAll(): Promise<void> {
    const tables = await listTables(this.writer.db);
    await this.committer.run(async () => {
      for (const t of tables) await sql`delete from ${sql.table(t)}`.execute(this.writer.db);
      await sql`update sequences set value = 1000000`.execute(this.writer.db);
    });
  }

  async close(): Promise<void> {
    await this.committer.idle();
    await this.writer.db.destroy();
    if (this.writer.raw.open) this.writer.raw.close();
    if (this.reader) {
      await this.reader.db.destroy();
      if (this.reader.raw.open) this.reader.raw.close();
    }
  }
}
