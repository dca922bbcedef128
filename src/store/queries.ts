// What every repository of a transaction shares: the transaction's query-layer handle, the dialect's few
// differences, and the prepared query shapes (prepared.ts) over that handle.
import type { Compilable, CompiledQuery, Kysely, SelectQueryBuilder } from 'kysely';
import type { SequenceRepo } from '../core/ports.js';
import { compilePrepared, rowSlots, runPrepared, type SlotOf } from './prepared.js';
import type { CoreDatabase } from './tables.js';

/** The query layer over the core's tables (a transaction is a Kysely instance too). */
export type Db = Kysely<CoreDatabase>;

/** What differs between the dialects, from the dialect's own folder (sqlite/dialect-ops.ts, postgres/dialect-ops.ts). */
export interface DialectOps {
  readonly name: 'sqlite' | 'postgres';
  /** adds FOR UPDATE where the dialect has row locks */
  forUpdate<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB;
  /** adds FOR UPDATE SKIP LOCKED where the dialect has it */
  skipLocked<QB extends SelectQueryBuilder<any, any, any>>(qb: QB): QB;
  /** the shared transaction sequence (a table on SQLite, a sequence on PostgreSQL) */
  sequences(q: Queries): SequenceRepo;
}

/**
 * How a transaction learns that a rollback to a savepoint undid some of its writes: the count changes, and what it
 * remembers of its rows (own-rows.ts) is stale from then on.
 */
export interface Rollbacks {
  readonly undoCount: number;
}

/**
 * Where a transaction keeps its writes whose answer nobody reads until its next statement that needs an answer,
 * or its COMMIT (PostgreSQL: postgres/statement-batch.ts). Absent where a write may as well run at once (SQLite,
 * in process; a read outside a transaction).
 */
export interface DeferredWrites extends Rollbacks {
  /** keeps the write (false: it cannot be kept, the caller runs it at once) */
  defer(sql: string, params: readonly unknown[]): boolean;
  /** runs fn, whose reads made in one turn of the event loop travel together (the port's `Tx.together`) */
  together<T>(fn: () => Promise<T>): Promise<T>;
}

/** The tables whose ids a transaction may take from the process's blocks (PostgreSQL: postgres/id-blocks.ts). */
export type IdTable = 'ledger_transfers' | 'outbox';

/**
 * Ids given by the process before the insert (PostgreSQL transactions: from per-process blocks of the table's
 * sequence), so that the insert need not answer its id and can be a deferred write. Absent where the database
 * answers the id at once anyway (SQLite, in process) or outside a transaction.
 */
export interface IdSource {
  /** count new ids of table, increasing */
  next(table: IdTable, count: number): Promise<number[]>;
}

export class Queries {
  constructor(
    readonly db: Db,
    readonly ops: DialectOps,
    readonly deferred: DeferredWrites | null = null,
    readonly ids: IdSource | null = null,
    /**
     * Where the transaction holds the rows it writes or reads until it ends, so that it may remember them
     * (own-rows.ts): a PostgreSQL transaction (its row locks), and a transaction on SQLite's writer (transactions
     * run there one at a time). Absent for reads outside a transaction.
     */
    readonly rollbacks: Rollbacks | null = deferred,
  ) {}

  /**
   * A write whose answer nobody reads (no RETURNING, no affected-row check): in a PostgreSQL transaction it
   * travels with the next statement that needs an answer, or with COMMIT; a failure fails that statement and the
   * transaction. Elsewhere it runs at once.
   */
  async write(query: Compilable<unknown> | CompiledQuery): Promise<void> {
    const c = 'compile' in query ? query.compile() : query;
    if (this.deferred?.defer(c.sql, c.parameters)) return;
    await this.db.executeQuery(c);
  }

  /** A deferrable write (as `write`) by its prepared shape. */
  writePrepared(key: string, build: (slot: SlotOf) => Compilable<unknown>, args: readonly unknown[]): Promise<void> {
    return this.write(compilePrepared(this.ops.name, key, build, args));
  }

  /** Inserts a row (an undefined column left to its default) as a deferrable write, by a shape per set of columns. */
  writeRow(table: string, row: object): Promise<void> {
    const r = rowSlots(row);
    // (a face's table too: the query layer is typed by the core's tables only)
    const into = table as keyof CoreDatabase & string;
    return this.writePrepared(`insert:${table}:${r.key}`, (slot) => this.db.insertInto(into).values(r.values(slot) as any), r.args);
  }

  /** A hot query by its prepared shape (prepared.ts): built and compiled once, then only its values change. */
  prepared<Row = any>(key: string, build: (slot: SlotOf) => Compilable<unknown>, args: readonly unknown[]) {
    return runPrepared<Row>(this.db, this.ops.name, key, build, args);
  }

  /** The first row of a prepared query. */
  async first<Row = any>(key: string, build: (slot: SlotOf) => Compilable<unknown>, args: readonly unknown[]): Promise<Row | undefined> {
    return (await this.prepared<Row>(key, build, args)).rows[0];
  }

  /** Inserts a row whose columns are all given (the shape is keyed by its column list). */
  insertRow(table: keyof CoreDatabase & string, row: object, returningId = false) {
    const r = rowSlots(row);
    return this.prepared<{ id: unknown }>(
      `insert:${table}:${r.key}${returningId ? ':id' : ''}`,
      (slot) => {
        const q = this.db.insertInto(table).values(r.values(slot) as any);
        return returningId ? q.returning('id' as any) : q;
      },
      r.args,
    );
  }

  /** The number of a count(*) column. */
  static count(r: { n: unknown } | undefined): number {
    return Number((r?.n ?? 0) as number | bigint);
  }
}
