// The shared transaction sequence (payments, refunds, payouts) is a PostgreSQL sequence.
import { sql } from 'kysely';
import type { SequenceRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';

export class PostgresSequences implements SequenceRepo {
  constructor(private readonly q: Queries) {}

  async nextTransactionId(): Promise<number> {
    const r = await sql<{ id: bigint }>`select nextval('transaction_id_seq') as id`.execute(this.q.db);
    return Number(r.rows[0]!.id);
  }
}
