// PostgreSQL (pg pool). Several gateway processes may share one database: row locks guard state changes,
// workers claim rows with FOR UPDATE SKIP LOCKED, and uniqueness is enforced by constraints.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Store, Tx } from '../../core/ports.js';
import { KyselyTx } from '../kysely-tx.js';
import { guarded } from '../ledger-guards.js';
import { listTables, migrateToLatest, type Migrations } from '../migrations.js';
import type { CoreDatabase } from '../tables.js';
import { accountTotalsSql } from './account-totals.js';
import { postgresOps as ops } from './dialect-ops.js';

// int8 → bigint; numeric stays a string
pg.types.setTypeParser(20, (v) => BigInt(v));

/**
 * Runs the query layer's statements as named prepared statements: PostgreSQL parses and plans each distinct
 * statement once per connection instead of on every execution (the query layer sends parameterised SQL, and
 * the prepared shapes keep its text stable). Only data statements are named, and at most MAX_NAMED texts.
 */
const MAX_NAMED = 2000;
function namedStatements(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    // one statement only: a statement list (the account totals with COMMIT) goes by the simple protocol
    if (name === undefined && names.size < MAX_NAMED && !text.includes(';') && /^\s*(select|insert|update|delete|with)\b/i.test(text)) {
      name = `pp${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      // the query layer calls only these two
      return {
        query(config: unknown, values?: unknown[]) {
          if (typeof config !== 'string') return query(config, values);
          const name = nameOf(config);
          return name ? query({ name, text: config, values }) : query(config, values);
        },
        release: (e?: Error | boolean) => client.release(e),
      } as unknown as pg.PoolClient;
    },
    end: () => pool.end(),
  };
}

export interface PostgresOptions {
  url: string;
  /** the core's migrations and the faces' (migrations.ts `migrationsFor`) */
  migrations: Migrations;
  poolSize?: number;
}

export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 16 });
  pool.on('error', () => {
    /* idle client errors are reported by the next query */
  });
  const db = new Kysely<CoreDatabase>({ dialect: new PostgresDialect({ pool: namedStatements(pool) }) });
  await migrateToLatest(db, 'postgres', opts.migrations);
  return new PostgresStore(db);
}

class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  constructor(private readonly db: Kysely<CoreDatabase>) {}

  /**
   * One transaction on one connection. The account totals it changed are sent with its COMMIT, in one round trip:
   * the rows of hot accounts (a merchant's balance, the network's), which every payment updates, are locked only
   * while PostgreSQL runs that last statement list, not while this process's event loop gets round to the next
   * statement, which under load serialised every payment behind those locks.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        const tx = new KyselyTx(conn, ops);
        const r = await fn(tx);
        const totals = accountTotalsSql(tx.deltas.changed());
        if (totals === null) await tx.flushAccounts();
        else tx.deltas.clear();
        // the account totals' guards (CHECK constraints, bigint range) answer here: as their coded CoreError
        await guarded(() => sql.raw(`${totals ?? ''}commit`).execute(conn));
        return r;
      } catch (e) {
        try {
          await sql`rollback`.execute(conn);
        } catch {
          /* the connection is broken: the server rolls back */
        }
        throw e;
      }
    });
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = new KyselyTx(this.db, ops);
    const r = await fn(tx);
    await tx.flushAccounts();
    return r;
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
