import { join } from 'node:path';
import type { Store } from '../core/ports.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export interface StoreConfig {
  /** postgres://... selects PostgreSQL */
  databaseUrl?: string | undefined;
  /** data folder for SQLite; ':memory:' for an in-memory database */
  dataDir?: string | undefined;
}

export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.databaseUrl) return openPostgresStore({ url: cfg.databaseUrl });
  const dir = cfg.dataDir ?? './data';
  return openSqliteStore({ file: dir === ':memory:' ? ':memory:' : join(dir, 'polypay.sqlite') });
}
