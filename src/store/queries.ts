// What every repository of a transaction shares: the transaction's query-layer handle, the dialect's few
// differences, and the prepared query shapes (prepared.ts) over that handle.
import type { Compilable, Kysely, SelectQueryBuilder } from 'kysely';
import type { SequenceRepo } from '../core/ports.js';
import { runPrepared, type SlotOf } from './prepared.js';
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

export class Queries {
  constructor(
    readonly db: Db,
    readonly ops: DialectOps,
  ) {}

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
    const values = row as Record<string, unknown>;
    // as the query builder does, an undefined value leaves its column to the default
    const cols = Object.keys(values).filter((c) => values[c] !== undefined);
    return this.prepared<{ id: unknown }>(
      `insert:${table}:${cols.join(',')}${returningId ? ':id' : ''}`,
      (slot) => {
        const q = this.db.insertInto(table).values(Object.fromEntries(cols.map((c, i) => [c, slot(i)])) as any);
        return returningId ? q.returning('id' as any) : q;
      },
      cols.map((c) => values[c]),
    );
  }

  /** The number of a count(*) column. */
  static count(r: { n: unknown } | undefined): number {
    return Number((r?.n ?? 0) as number | bigint);
  }
}
