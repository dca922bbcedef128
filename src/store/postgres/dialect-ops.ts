// What PostgreSQL does differently: row locks for state changes, SKIP LOCKED for workers' claims, and a sequence.
import type { DialectOps } from '../queries.js';
import { PostgresSequences } from './sequences.js';

export const postgresOps: DialectOps = {
  name: 'postgres',
  forUpdate: (qb) => qb.forUpdate() as typeof qb,
  skipLocked: (qb) => qb.forUpdate().skipLocked() as typeof qb,
  sequences: (q) => new PostgresSequences(q),
};
