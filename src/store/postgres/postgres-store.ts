// PostgreSQL (pg pool). Several gateway processes may share one database: row locks guard state changes,
// workers claim rows with FOR UPDATE SKIP LOCKED, and uniqueness is enforced by constraints.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Store, Tx } from '../../core/ports.js';
import { KyselyTx, type DialectOps } from '../kysely-tx.js';
import { listTables, migrateToLatest } from '../migrations.js';
import type { CoreDatabase } from '../schema.js';

// int8 → bigint; numeric stays a string
pg.types.setTypeParser(20, (v) => BigInt(v));

const ops: DialectOps = {
  name: 'postgres',
  async nextTransactionId(db) {
    const r = await sql<{ id: bigint }>`select nextval('transaction_id_seq') as id`.execute(db);
    return Number(r.rows[0]!.id);
  },
  forUpdate: (qb) => qb.forUpdate() as typeof qb,
  skipLocked: (qb) => qb.forUpdate().skipLocked() as typeof qb,
  isUniqueViolation: (e) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505',
};

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 16 });
  pool.on('error', () => {
    /* idle client errors are reported by the next query */
  });
  const db = new Kysely<CoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, 'postgres');
  return new PostgresStore(db);
}

class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  constructor(private readonly db: Kysely<CoreDatabase>) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new KyselyTx(trx, ops)));
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(new KyselyTx(this.db, ops));
  }

  async truncateAll(): Promise<void> {
    const tables = await listTables(this.db);
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))} restart identity`.execute(this.db);
    await sql`alter sequence transaction_id_seq restart with 1000001`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
