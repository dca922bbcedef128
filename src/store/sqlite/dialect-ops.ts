// What SQLite does differently: no row locks (it runs one writing transaction at a time), and the transaction
// sequence in a table.
import type { DialectOps } from '../queries.js';
import { SqliteSequences } from './sequences.js';

export const sqliteOps: DialectOps = {
  name: 'sqlite',
  forUpdate: (qb) => qb,
  skipLocked: (qb) => qb,
  sequences: (q) => new SqliteSequences(q),
};
