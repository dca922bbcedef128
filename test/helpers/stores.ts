// The store matrix: every store test runs against SQLite and against PostgreSQL.
import { inject } from 'vitest';
import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type StoreKind = 'sqlite' | 'postgres';
export const STORES: StoreKind[] = (process.env.POLYPAY_TEST_STORES?.split(',') as StoreKind[] | undefined) ?? ['sqlite', 'postgres'];

export interface StoreTarget {
  kind: StoreKind;
  dataDir?: string;
  databaseUrl?: string;
}

/** A fresh, empty store: a new SQLite folder, or a new PostgreSQL database. */
export async function freshStore(kind: StoreKind): Promise<StoreTarget> {
  if (kind === 'sqlite') return { kind, dataDir: mkdtempSync(join(tmpdir(), 'polypay-test-')) };
  const admin = inject('pgAdminUrl');
  const name = 'pp_' + randomBytes(6).toString('hex');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = '/' + name;
  return { kind, databaseUrl: url.toString() };
}
