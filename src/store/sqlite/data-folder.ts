// The SQLite data folder holds the admin token, every merchant secret and key, and (without POLYPAY_MASTER_KEY) the
// vault's master key: only the gateway's own user may read it. The folder and the folders in it are 0700, and the
// files the gateway writes there 0600; a folder made by an earlier version (0755/0644) is tightened at start.
// SQLite creates its -wal and -shm files with the database file's permissions, so they follow once it is 0600.
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATABASE_FILE = 'polypay.sqlite';
export const CREDENTIALS_FOLDER = 'credentials';
/** the files of the data folder the gateway owns (other files a user keeps there are left alone) */
const OWNED_FILES = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, `${DATABASE_FILE}-journal`, 'master.key'];

/** Creates a private folder (0700), or makes an existing one private. */
export function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file only its owner may read (0600), also when it already existed with wider permissions. */
export function writePrivateFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The data folder made private, with the database file created 0600 before SQLite opens it. */
export function secureDataFolder(dir: string): void {
  privateFolder(dir);
  for (const name of OWNED_FILES) {
    const file = join(dir, name);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  const db = join(dir, DATABASE_FILE);
  if (!existsSync(db)) closeSync(openSync(db, 'a', 0o600));
  chmodSync(db, 0o600);
  const creds = join(dir, CREDENTIALS_FOLDER);
  // (symbolic links are left alone: their targets are not the gateway's to change)
  if (existsSync(creds) && lstatSync(creds).isDirectory()) {
    chmodSync(creds, 0o700);
    for (const name of readdirSync(creds)) {
      const file = join(creds, name);
      if (lstatSync(file).isFile()) chmodSync(file, 0o600);
    }
  }
}
