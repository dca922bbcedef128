// Tables defined once. A table is its name and its columns, each column a record field (camelCase) with how it is
// kept (the column is the field's name in snake_case). From that one definition come the query layer's table types
// (`DatabaseOf`), the record type (`RecordOf`), and the conversions both ways (`Table.read`, `Table.write`):
// integers come back from both drivers as bigint and become numbers (ids, counters, epoch ms) or stay bigint
// (money); JSON is kept as text; booleans as 0/1. The migrations stay the history of the DDL; a test checks on both
// stores that the columns they make are the columns defined here (test/conformance/tables.test.ts).
import type { Generated, Insertable, Updateable } from 'kysely';

/** How a column is declared in the DDL (both dialects spell these alike). */
export type SqlType = 'text' | 'bigint' | 'integer';

/** What the drivers take and give for an integer column (better-sqlite3 and pg both answer bigint). */
type Int = bigint | number;

/** The record value of an internal column: it belongs to the store alone (a claim's lock time), not to the record. */
export interface Internal {
  readonly internalColumn: true;
}

/** One column: R is the record's value, D the query layer's column type. */
export class Column<R, D> {
  constructor(
    readonly sqlType: SqlType,
    readonly read: (v: unknown) => R,
    readonly write: (v: R) => unknown,
    readonly isNullable = false,
    readonly isGenerated = false,
    readonly isInternal = false,
  ) {}

  /** may be NULL: null both ways */
  nullable(): Column<R | null, D | null> {
    const { read, write } = this;
    return new Column<R | null, D | null>(
      this.sqlType,
      (v) => (v === null || v === undefined ? null : read(v)),
      (v) => (v === null ? null : write(v)),
      true,
      this.isGenerated,
      this.isInternal,
    );
  }

  /** declared `integer` instead of `bigint` (a 32-bit integer on PostgreSQL) */
  int4(): Column<R, D> {
    return new Column<R, D>('integer', this.read, this.write, this.isNullable, this.isGenerated, this.isInternal);
  }

  /** an auto-incrementing id (`serialId` in the migrations): left out of inserts */
  generated(): Column<R, Generated<D>> {
    return new Column<R, Generated<D>>(this.sqlType, this.read, this.write, this.isNullable, true, this.isInternal);
  }

  /** kept by the store for itself, not a field of the record */
  internal(): Column<Internal, D> {
    return new Column<Internal, D>(
      this.sqlType,
      () => undefined as never,
      () => undefined,
      this.isNullable,
      this.isGenerated,
      true,
    );
  }
}

/** A column of any type. */
type AnyColumn = Column<any, any>;

const same = (v: unknown) => v;

// (NoInfer: a column's record type is the one given, or the default, never one guessed from where it is used)
/** text */
export const text = <T extends string = string>(): Column<NoInfer<T>, string> =>
  new Column<T, string>('text', same as (v: unknown) => T, same);
/** an integer that fits a JavaScript number: ids, counters, epoch ms */
export const int = <T extends number = number>(): Column<NoInfer<T>, Int> =>
  new Column<T, Int>('bigint', (v) => Number(v as Int) as T, same);
/** an integer kept exact: money in minor units, ledger totals, nonces */
export const bigint = () => new Column<bigint, Int>('bigint', toBigint, same);
/** a boolean kept as 0/1 */
export const bool = () =>
  new Column<boolean, Int>(
    'bigint',
    (v) => Number(v as Int) === 1,
    (v) => (v ? 1 : 0),
  );
/** a JSON value kept as text */
export const json = <T>(): Column<NoInfer<T>, string> =>
  new Column<T, string>(
    'text',
    (v) => (typeof v === 'string' ? JSON.parse(v) : v) as T,
    (v) => JSON.stringify(v),
  );
/** a column with its own conversions */
export const custom = <R>(sqlType: 'text', read: (v: string) => R, write: (v: R) => string) =>
  new Column<R, string>(sqlType, read as (v: unknown) => R, write);

export function toBigint(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || typeof v === 'string') return BigInt(v);
  throw new TypeError(`not an integer: ${String(v)}`);
}

/**
 * A field kept in several columns of its row (a payment's card): the columns, and the conversions between their
 * record and the field's value.
 */
export class Embedded<R, C extends Record<string, AnyColumn>> {
  constructor(
    readonly columns: C,
    readonly read: (parts: RecordOf<C>) => R,
    readonly write: (v: R) => RecordOf<C>,
  ) {}
}

export const embedded = <R, C extends Record<string, AnyColumn>>(
  columns: C,
  read: (parts: RecordOf<C>) => R,
  write: (v: R) => RecordOf<C>,
) => new Embedded<R, C>(columns, read, write);

/** The definitions of a table: its fields, in the order of their columns. */
export type Columns = Record<string, AnyColumn | Embedded<any, any>>;

// ---- types derived from a definition

/** `createdAt` → `created_at`, `first6` → `first6` */
export type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

export function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

type RecordValue<C> = C extends Column<infer R, any> ? R : C extends Embedded<infer R, any> ? R : never;
type DbValue<C> = C extends Column<any, infer D> ? D : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Flat<T> = { [K in keyof T]: T[K] };

/** The record of a table: every field but the internal columns. */
export type RecordOf<C extends Columns> = {
  -readonly [K in keyof C as [RecordValue<C[K]>] extends [Internal] ? never : K]: RecordValue<C[K]>;
};

/** The row of a table as the query layer types it, by column name (an embedded field's columns included). */
export type RowOf<C extends Columns> = Flat<
  { -readonly [K in keyof C & string as C[K] extends AnyColumn ? SnakeCase<K> : never]: DbValue<C[K]> } & UnionToIntersection<
    { [K in keyof C]: C[K] extends Embedded<any, infer I> ? RowOf<I> : never }[keyof C]
  >
>;

interface LeafColumn {
  readonly field: string;
  readonly name: string;
  readonly column: AnyColumn;
}

export class Table<N extends string, C extends Columns> {
  /** every column of the table in its order (an embedded field's columns where the field is) */
  readonly columns: readonly LeafColumn[];
  private readonly fields: ReadonlyArray<
    | { field: string; leaf: LeafColumn; embedded?: undefined }
    | { field: string; embedded: Embedded<unknown, Record<string, AnyColumn>>; leaves: LeafColumn[] }
  >;

  constructor(
    readonly name: N,
    readonly definition: C,
  ) {
    const leaf = (field: string, column: AnyColumn): LeafColumn => ({ field, name: snakeCase(field), column });
    this.fields = Object.entries(definition).map(([field, d]) =>
      d instanceof Embedded
        ? {
            field,
            embedded: d as Embedded<unknown, Record<string, AnyColumn>>,
            leaves: Object.entries(d.columns as Record<string, AnyColumn>).map(([f, c]) => leaf(f, c)),
          }
        : { field, leaf: leaf(field, d) },
    );
    this.columns = this.fields.flatMap((f) => (f.embedded ? f.leaves : [f.leaf]));
  }

  /** The record of a selected row. */
  read(row: object): RecordOf<C> {
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of this.fields) {
      if (f.embedded) {
        const parts: Record<string, unknown> = {};
        for (const c of f.leaves) parts[c.field] = c.column.read(r[c.name]);
        out[f.field] = f.embedded.read(parts as never);
      } else if (!f.leaf.column.isInternal) out[f.field] = f.leaf.column.read(r[f.leaf.name]);
    }
    return out as RecordOf<C>;
  }

  /** Every column as `<table>.<column> as <prefix><column>`: this table's side of a join, kept apart by the prefix. */
  selectAs(prefix: string): string[] {
    return this.columns.map((c) => `${this.name}.${c.name} as ${prefix}${c.name}`);
  }

  /** The record of this table's side of a joined row (selected with `selectAs(prefix)`); undefined when it is absent. */
  readAs(row: object, prefix: string): RecordOf<C> | undefined {
    const r = row as Record<string, unknown>;
    const first = r[prefix + this.columns[0]!.name];
    if (first === null || first === undefined) return undefined;
    return this.read(Object.fromEntries(this.columns.map((c) => [c.name, r[prefix + c.name]])));
  }

  /**
   * The columns of a record, or of the fields a patch gives: a field left undefined is left out (an insert then
   * takes the column's default, an update leaves it as it is).
   */
  write(record: Partial<RecordOf<C>>): Insertable<RowOf<C>> & Updateable<RowOf<C>> {
    const r = record as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of this.fields) {
      const v = r[f.field];
      if (v === undefined) continue;
      if (f.embedded) {
        const parts = f.embedded.write(v) as Record<string, unknown>;
        for (const c of f.leaves) out[c.name] = c.column.write(parts[c.field]);
      } else if (!f.leaf.column.isInternal) out[f.leaf.name] = f.leaf.column.write(v);
    }
    return out as Insertable<RowOf<C>> & Updateable<RowOf<C>>;
  }
}

export function table<N extends string, C extends Columns>(name: N, columns: C): Table<N, C> {
  return new Table(name, columns);
}

/** The query layer's database type of a set of tables. */
export type DatabaseOf<T extends Record<string, Table<string, any>>> = {
  [K in keyof T as T[K]['name']]: T[K] extends Table<string, infer C> ? RowOf<C> : never;
};

/** Compile-time check that a table's record is exactly a domain type (so the two cannot drift apart). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Expect<T extends true> = T;
