// The shared transaction sequence (payments, refunds, payouts) is a PostgreSQL sequence.
import { sql } from 'kysely';
import type { SequenceRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';

export class PostgresSequences implements SequenceRepo {
  /** nextval is no transaction's: an id drawn in a read and never used is a gap, as one of a rolled-back transaction */
  readonly drawnInReads = true;

  /** ids drawn ahead (drawAhead), answered in order by nextTransactionId */
  private readonly ahead: number[] = [];

  constructor(private readonly q: Queries) {}

  async drawAhead(): Promise<void> {
    this.ahead.push(await this.draw());
  }

  async nextTransactionId(): Promise<number> {
    return this.ahead.shift() ?? this.draw();
  }

  private async draw(): Promise<number> {
    const r = await sql<{ id: bigint }>`select nextval('transaction_id_seq') as id`.execute(this.q.db);
    return Number(r.rows[0]!.id);
  }
}
