// PostgreSQL (pg pool). Several gateway processes may share one database: row locks guard state changes,
// workers claim rows with FOR UPDATE SKIP LOCKED, and uniqueness is enforced by constraints.
import { CompiledQuery, Kysely, PostgresDialect, sql, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import pg from 'pg';
import type { Store, Tx } from '../../core/ports.js';
import { KyselyTx } from '../kysely-tx.js';
import { guarded } from '../ledger-guards.js';
import { listTables, migrateToLatest, type Migrations } from '../migrations.js';
import type { CoreDatabase } from '../tables.js';
import { accountTotalsSql } from './account-totals.js';
import { postgresOps as ops } from './dialect-ops.js';
import { ID_BLOCK_TABLES, IdBlocks, idSource } from './id-blocks.js';
import { ReadCoalescer } from './read-coalescer.js';
import { ATTACH_BATCH, batchedClient, type BatchHolder, type RoundTripStats, type StatementBatch } from './statement-batch.js';

// int8 → bigint; numeric stays a string
pg.types.setTypeParser(20, (v) => BigInt(v));

/**
 * Runs the query layer's statements as named prepared statements: PostgreSQL parses and plans each distinct
 * statement once per connection instead of on every execution (the query layer sends parameterised SQL, and
 * the prepared shapes keep its text stable). Only data statements are named, and at most MAX_NAMED texts.
 * Each connection handed out carries the batch of its transaction's deferred writes (statement-batch.ts).
 */
const MAX_NAMED = 2000;
function namedStatements(pool: pg.Pool, stats: RoundTripStats) {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    // one statement only: a statement list (deferred writes with the next statement) goes by the simple protocol
    if (name === undefined && names.size < MAX_NAMED && !text.includes(';') && /^\s*(select|insert|update|delete|with)\b/i.test(text)) {
      name = `pp${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    nameOf,
    async connect() {
      const client = await pool.connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      // the query layer calls only query and release
      return batchedClient(
        client,
        (config: unknown, values?: unknown[]) => {
          if (typeof config !== 'string') return query(config, values);
          const name = nameOf(config);
          return name ? query({ name, text: config, values }) : query(config, values);
        },
        stats,
      ) as unknown as pg.PoolClient;
    },
    end: () => pool.end(),
  };
}

export interface PostgresOptions {
  url: string;
  /** the core's migrations and the faces' (migrations.ts `migrationsFor`) */
  migrations: Migrations;
  /** connections kept at most (default 16) */
  poolSize?: number | undefined;
}

export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 16 });
  pool.on('error', () => {
    /* idle client errors are reported by the next query */
  });
  const stats: RoundTripStats = { roundTrips: 0, transactions: 0, recent: [] };
  const named = namedStatements(pool, stats);
  const dialect = new PostgresDialect({ pool: named });
  const db = new Kysely<CoreDatabase>({ dialect });
  await migrateToLatest(db, 'postgres', opts.migrations);
  const coalescer = new ReadCoalescer(async (text, values) => {
    const name = values === undefined ? undefined : named.nameOf(text);
    return (await (name ? pool.query({ name, text, values }) : pool.query(text, values))) as pg.QueryResult | pg.QueryResult[];
  }, stats);
  const store = new PostgresStore(db, dialect, readsDb(db, dialect, coalescer));
  roundTripStats.set(store, stats);
  return store;
}

const roundTripStats = new WeakMap<Store, RoundTripStats>();

/** The round trips a PostgreSQL store has made (undefined for another store): for tests and the benchmark. */
export function postgresRoundTrips(store: Store): RoundTripStats | undefined {
  return roundTripStats.get(store);
}

/**
 * The query layer of a transaction: its one connection, used by every statement as it comes. (Kysely's own
 * `connection()` runs one statement at a time, each waiting for the last one's answer: reads made together, held by
 * the statement batch to travel in one round trip, would then never meet. The pg client sends a connection's
 * statements in the order it was given them.) It opens no connection or transaction of its own.
 */
function transactionDb(db: Kysely<CoreDatabase>, dialect: PostgresDialect, connection: DatabaseConnection): Kysely<CoreDatabase> {
  return overConnection(db, dialect, connection);
}

/** A query layer whose every statement goes to this one connection object (which opens no transaction). */
function overConnection(db: Kysely<CoreDatabase>, dialect: PostgresDialect, connection: DatabaseConnection): Kysely<CoreDatabase> {
  const executor = db.getExecutor().withConnectionProvider({ provideConnection: (consume) => consume(connection) });
  return new Kysely<CoreDatabase>({ config: { dialect }, dialect, driver: NO_DRIVER, executor });
}

/**
 * The query layer of reads outside a transaction: a plain read is held to travel with the other reads of the
 * turn (read-coalescer.ts); any other statement takes a pooled connection for itself.
 */
function readsDb(db: Kysely<CoreDatabase>, dialect: PostgresDialect, coalescer: ReadCoalescer): Kysely<CoreDatabase> {
  const pooled = db.getExecutor();
  const connection: DatabaseConnection = {
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      const held = coalescer.read(q.sql, q.parameters);
      if (held === null) return pooled.provideConnection((c) => c.executeQuery<R>(q));
      // a plain read: rows, and no affected-row count
      return { rows: ((await held).rows ?? []) as R[] };
    },
    streamQuery: refuse,
  };
  return overConnection(db, dialect, connection);
}

const refuse = (): never => {
  throw new Error("a store transaction's query layer opens no connection or transaction of its own");
};
const NO_DRIVER: Driver = {
  init: async () => undefined,
  acquireConnection: refuse,
  beginTransaction: refuse,
  commitTransaction: refuse,
  rollbackTransaction: refuse,
  releaseConnection: refuse,
  destroy: refuse,
};

/** The batch of the connection a transaction or read runs on. */
async function attach(conn: Kysely<CoreDatabase>): Promise<StatementBatch> {
  const holder: BatchHolder = { batch: null };
  await conn.executeQuery(CompiledQuery.raw(ATTACH_BATCH, [holder]));
  return holder.batch!;
}

class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  /** this process's blocks of transfer and event ids (id-blocks.ts) */
  private readonly ids = new IdBlocks();
  constructor(
    private readonly db: Kysely<CoreDatabase>,
    private readonly kyselyDialect: PostgresDialect,
    /** reads outside a transaction: held to travel together (read-coalescer.ts) */
    private readonly readsDb: Kysely<CoreDatabase>,
  ) {}

  /**
   * One transaction on one connection. Its writes whose answer nobody reads travel with its next statement that
   * needs one, BEGIN with its first statement, and the rest (with the account totals it changed) with its COMMIT,
   * in one round trip: the rows of hot accounts (a merchant's balance, its network account), which every payment
   * updates, are locked only while PostgreSQL runs that last statement list, not while this process's event loop
   * gets round to the next statement, which under load serialised every payment behind those locks.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.getExecutor().provideConnection(async (connection) => {
      const conn = transactionDb(this.db, this.kyselyDialect, connection);
      const batch = await attach(conn);
      batch.begin();
      try {
        const ids = idSource(this.ids, async (text) => ((await batch.sendAlone(text)) as pg.QueryResult<{ id: unknown }>).rows);
        const tx = new KyselyTx(conn, ops, batch, ids);
        const r = await fn(tx);
        const totals = accountTotalsSql(tx.deltas.changed());
        if (totals === null) await tx.flushAccounts();
        else tx.deltas.clear();
        // the deferred writes' and the account totals' guards (CHECK constraints, bigint range) answer here: as
        // their coded CoreError
        await guarded(() => sql.raw(`${totals ?? ''}commit`).execute(conn));
        return r;
      } catch (e) {
        try {
          await batch.rollback();
        } catch {
          /* the connection is broken: the server rolls back */
        }
        throw e;
      } finally {
        batch.finish();
      }
    });
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // no connection of its own: its reads travel with the other reads of the turn, any other statement takes a
    // pooled connection for itself
    const tx = new KyselyTx(this.readsDb, ops);
    const r = await fn(tx);
    await tx.flushAccounts();
    return r;
  }

  async truncateAll(): Promise<void> {
    const tables = await listTables(this.db);
    // the tables whose ids processes take in blocks keep their sequences going: a block another process holds
    // stays valid (restarted, the sequence would give its ids again)
    const blocked = tables.filter((t) => ID_BLOCK_TABLES.includes(t));
    const rest = tables.filter((t) => !blocked.includes(t));
    if (rest.length) await sql`truncate table ${sql.join(rest.map((t) => sql.table(t)))} restart identity`.execute(this.db);
    if (blocked.length) await sql`truncate table ${sql.join(blocked.map((t) => sql.table(t)))} continue identity`.execute(this.db);
    await sql`alter sequence transaction_id_seq restart with 1000001`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
