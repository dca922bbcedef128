// SQLite has no sequences: the shared transaction sequence (payments, refunds, payouts) is a row of a table.
import type { SequenceRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { int, table, text, type DatabaseOf } from '../table.js';

export const sequences = table('sequences', {
  name: text(),
  value: int(),
});

type SequencesDatabase = DatabaseOf<{ sequences: typeof sequences }>;

export class SqliteSequences implements SequenceRepo {
  /** drawing is an update of the transaction (the reader connection writes nothing) */
  readonly drawnInReads = false;

  constructor(private readonly q: Queries) {}

  async nextTransactionId(): Promise<number> {
    const db = this.q.db.withTables<SequencesDatabase>();
    const r = await this.q.first<{ value: unknown }>(
      'sequences.next',
      () =>
        db
          .updateTable('sequences')
          .set((eb) => ({ value: eb('value', '+', 1) }))
          .where('name', '=', 'transaction_id')
          .returning('value'),
      [],
    );
    return Number(r!.value as bigint);
  }
}
