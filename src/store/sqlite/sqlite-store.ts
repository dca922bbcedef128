// SQLite (better-sqlite3, WAL) in a data folder, or in memory. One connection: transactions run one at a
// time, which is SQLite's own model; prepared statements are cached by SQL text.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store, Tx } from '../../core/ports.js';
import { KyselyTx, type DialectOps } from '../kysely-tx.js';
import { listTables, migrateToLatest } from '../migrations.js';
import type { CoreDatabase } from '../schema.js';

const ops: DialectOps = {
  name: 'sqlite',
  async nextTransactionId(db) {
    const r = await db
      .updateTable('sequences')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'transaction_id')
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(r.value);
  },
  forUpdate: (qb) => qb,
  skipLocked: (qb) => qb,
  isUniqueViolation: (e) => e instanceof Error && /UNIQUE constraint failed|PRIMARY KEY/.test(e.message),
};

export interface SqliteOptions {
  /** file path, or ':memory:' */
  file: string;
}

export async function openSqliteStore(opts: SqliteOptions): Promise<Store> {
  if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true });
  const raw = new Database(opts.file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.defaultSafeIntegers(true);
  const cache = new Map<string, Database.Statement>();
  const database = {
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = raw.prepare(text);
        cache.set(text, stmt);
      }
      return stmt;
    },
    close() {
      raw.close();
    },
  };
  const db = new Kysely<CoreDatabase>({ dialect: new SqliteDialect({ database: database as unknown as Database.Database }) });
  await migrateToLatest(db, 'sqlite');
  return new SqliteStore(db, raw);
}

class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  constructor(
    private readonly db: Kysely<CoreDatabase>,
    private readonly raw: Database.Database,
  ) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new KyselyTx(trx, ops)));
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(new KyselyTx(this.db, ops));
  }

  async truncateAll(): Promise<void> {
    const tables = await listTables(this.db);
    await this.db.transaction().execute(async (trx) => {
      for (const t of tables) await sql`delete from ${sql.table(t)}`.execute(trx);
      await sql`update sequences set value = 1000000`.execute(trx);
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
    if (this.raw.open) this.raw.close();
  }
}
