// Prepared query shapes. The query layer builds and compiles a query on every call, which costs more than
// SQLite takes to run it. A hot query is built once per dialect with slot markers in place of its values; the
// SQL text and the positions of the slots are kept, and later calls only fill the slots. A shape that lost a
// slot in compilation (a value inlined into the SQL) is refused when it is first built.
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';

class Slot {
  constructor(readonly index: number) {}
}

interface Shape {
  sql: string;
  /** a slot index, or a constant the query builder added */
  params: Array<Slot | { value: unknown }>;
}

/** Gives the builder a marker for argument i; the marker stands for the value in any value position. */
export type SlotOf = (i: number) => any;

const shapes = new Map<string, Shape>();

function shapeOf(dialect: string, key: string, build: (slot: SlotOf) => Compilable<unknown>, arity: number): Shape {
  const id = `${dialect}\u0000${key}`;
  let s = shapes.get(id);
  if (!s) {
    const compiled = build((i) => new Slot(i)).compile();
    const params = compiled.parameters.map((p) => (p instanceof Slot ? p : { value: p }));
    const seen = new Set(params.filter((p): p is Slot => p instanceof Slot).map((p) => p.index));
    for (let i = 0; i < arity; i++)
      if (!seen.has(i)) throw new Error(`prepared query ${key}: argument ${i} is not a parameter of the compiled SQL`);
    s = { sql: compiled.sql, params };
    shapes.set(id, s);
  }
  return s;
}

/** The shape named key (built by build on first use) with these arguments in its slots. */
export function compilePrepared(
  dialect: string,
  key: string,
  build: (slot: SlotOf) => Compilable<unknown>,
  args: readonly unknown[],
): CompiledQuery {
  const s = shapeOf(dialect, key, build, args.length);
  return CompiledQuery.raw(
    s.sql,
    s.params.map((p) => (p instanceof Slot ? args[p.index] : p.value)),
  );
}

/** Runs the shape named key (built by build on first use) with these arguments in its slots. */
export function runPrepared<R>(
  db: Kysely<any>,
  dialect: string,
  key: string,
  build: (slot: SlotOf) => Compilable<unknown>,
  args: readonly unknown[],
): Promise<QueryResult<R>> {
  return db.executeQuery<R>(compilePrepared(dialect, key, build, args));
}

/** The given columns of a row as a prepared shape sees them: its key, its values' slots and their arguments. */
export interface RowSlots {
  /** the columns given, joined: part of the shape's key (one shape per set of columns) */
  key: string;
  /** the row with a slot in place of each value (slots `first`, `first + 1`, ...) */
  values(slot: SlotOf): Record<string, unknown>;
  /** the values, in slot order */
  args: unknown[];
}

/** A row's columns for a prepared insert or update; as the query builder does, an undefined value is left out. */
export function rowSlots(row: object, first = 0): RowSlots {
  const values = row as Record<string, unknown>;
  const cols = Object.keys(values).filter((c) => values[c] !== undefined);
  return {
    key: cols.join(','),
    values: (slot) => Object.fromEntries(cols.map((c, i) => [c, slot(first + i)])),
    args: cols.map((c) => values[c]),
  };
}
