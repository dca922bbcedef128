import { join } from 'node:path';
import type { Store } from '../core/ports.js';
import type { Migrations } from './migrations.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { DATABASE_FILE, secureDataFolder } from './sqlite/data-folder.js';

export interface StoreConfig {
  /** postgres://... selects PostgreSQL */
  databaseUrl?: string | undefined;
  /** PostgreSQL: connections kept at most (default 16) */
  pgPoolSize?: number | undefined;
  /** data folder for SQLite; ':memory:' for an in-memory database */
  dataDir?: string | undefined;
  /** the core's migrations and those of the faces served (migrations.ts `migrationsFor`) */
  migrations: Migrations;
}

export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.databaseUrl) return openPostgresStore({ url: cfg.databaseUrl, migrations: cfg.migrations, poolSize: cfg.pgPoolSize });
  const dir = cfg.dataDir ?? './data';
  if (dir === ':memory:') return openSqliteStore({ file: ':memory:', migrations: cfg.migrations });
  // the folder holds every secret: 0700, its files 0600 (also a folder an earlier version left readable)
  secureDataFolder(dir);
  return openSqliteStore({ file: join(dir, DATABASE_FILE), migrations: cfg.migrations });
}
