// Each table is defined once for the code (src/store/tables.ts, each face's store.ts): its columns, their kinds
// and nullability. The DDL is the migrations' history. On both stores, the columns the migrations of the core and of
// every face make must be exactly the columns defined: same tables, same names, same kinds (text, bigint, integer),
// same nullability, same auto-incrementing ids. Read from the database's own catalogue, never from the definitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/core/ports.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { cloudpaymentsTables } from '../../src/faces/cloudpayments/store.js';
import { mbillTables } from '../../src/faces/mbill/store.js';
import { novapayTables } from '../../src/faces/novapay/store.js';
import { numopayTables } from '../../src/faces/numopay/store.js';
import { way2payTables } from '../../src/faces/way2pay/store.js';
import { migrationsFor } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { sequences } from '../../src/store/sqlite/sequences.js';
import type { Table } from '../../src/store/table.js';
import { coreTables } from '../../src/store/tables.js';
import { freshStore, STORES, type StoreKind } from '../helpers/stores.js';

interface ColumnShape {
  kind: string;
  nullable: boolean;
  generated: boolean;
}
type Shapes = Record<string, Record<string, ColumnShape>>;

const DEFINED: Array<Table<string, any>> = [
  ...Object.values(coreTables),
  ...Object.values(numopayTables),
  ...Object.values(cloudpaymentsTables),
  ...Object.values(novapayTables),
  ...Object.values(mbillTables),
  ...Object.values(way2payTables),
];

function defined(kind: StoreKind): Shapes {
  const out: Shapes = {};
  // SQLite keeps the transaction sequence in a table (PostgreSQL has a sequence)
  for (const t of kind === 'sqlite' ? [...DEFINED, sequences] : DEFINED) {
    out[t.name] = Object.fromEntries(
      t.columns.map((c) => [c.name, { kind: c.column.sqlType, nullable: c.column.isNullable, generated: c.column.isGenerated }]),
    );
  }
  return out;
}

/** The columns as the database's catalogue describes them. */
async function actual(store: Store, kind: StoreKind): Promise<Shapes> {
  const out: Shapes = {};
  await store.read(async (tx) => {
    const db = tx.db<any>();
    if (kind === 'sqlite') {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
      for (const { name } of tables.rows) {
        if (name.startsWith('sqlite_') || name.startsWith('kysely_')) continue;
        const cols = await sql<{
          name: string;
          type: string;
          notnull: unknown;
          pk: unknown;
        }>`select * from pragma_table_info(${name})`.execute(db);
        const pks = cols.rows.filter((c) => Number(c.pk) > 0);
        out[name] = Object.fromEntries(
          cols.rows.map((c) => {
            const type = c.type.toLowerCase();
            // an INTEGER PRIMARY KEY is SQLite's 64-bit rowid, numbered by the database
            const rowid = type === 'integer' && pks.length === 1 && Number(c.pk) === 1;
            // (SQLite lets a primary key column other than the rowid hold NULL unless it says NOT NULL; the store never writes one)
            return [c.name, { kind: rowid ? 'bigint' : type, nullable: Number(c.notnull) === 0 && Number(c.pk) === 0, generated: rowid }];
          }),
        );
      }
    } else {
      const cols = await sql<{
        table_name: string;
        column_name: string;
        data_type: string;
        is_nullable: string;
        column_default: string | null;
      }>`
        select table_name, column_name, data_type, is_nullable, column_default
          from information_schema.columns where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(db);
      for (const c of cols.rows) {
        (out[c.table_name] ??= {})[c.column_name] = {
          kind: c.data_type,
          nullable: c.is_nullable === 'YES',
          generated: (c.column_default ?? '').startsWith('nextval('),
        };
      }
    }
  });
  return out;
}

describe.each(STORES)('the tables on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    const t = await freshStore(kind);
    store = await openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, migrations: migrationsFor(ALL_FACES) });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('are what the migrations of the core and of every face make, column by column', async () => {
    const db = await actual(store, kind);
    const want = defined(kind);
    // not vacuous: the catalogue was read, and it has the core's and every face's tables
    expect(Object.keys(db).length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(db)).toEqual(expect.arrayContaining(['payments', 'numopay_tokens', 'cloudpayments_orders', 'way2pay_payins']));
    expect(Object.keys(db).sort()).toEqual(Object.keys(want).sort());
    for (const name of Object.keys(want)) expect(db[name], name).toEqual(want[name]);
  });
});
