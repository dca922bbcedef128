// Ids handed out by this process from blocks of a PostgreSQL sequence, so that an insert carries its id and need not
// wait for RETURNING: it becomes a deferred write (statement-batch.ts), sent with the transaction's next statement
// that needs an answer, or with its COMMIT.
//
// A block is claimed in one statement, `select nextval(seq) from generate_series(1, n)`, on the connection of the
// transaction that found the process's block empty, on its own (it carries neither BEGIN nor the deferred writes:
// nextval is outside any transaction, waits for no row lock, and is never undone). Other transactions of the
// process that need an id meanwhile wait for that claim; if it fails, each claims for itself. The sequence stays as
// it is (increment 1, the column's default), so an insert that takes the default (outside a transaction, an older
// process) draws from the same numbers: no id is ever given twice. The ids of a block are used in order; those not
// used when the process stops are skipped (gaps are fine: nothing counts on ids being dense), and the sequences
// are never restarted under a running process (truncateAll continues them). Across processes ids
// no longer follow time order: whatever lists these rows in time orders them by created time, then id.
import type { IdSource, IdTable } from '../queries.js';

/** ids claimed per block: a round trip per this many transfers (or events) of the process */
export const ID_BLOCK_SIZE = 128;

/** The sequences behind the tables whose ids come from blocks (bigserial columns: `<table>_id_seq`). */
const SEQUENCE: Record<IdTable, string> = {
  ledger_transfers: 'ledger_transfers_id_seq',
  outbox: 'outbox_id_seq',
};

/** The tables whose ids come from blocks. */
export const ID_BLOCK_TABLES: readonly string[] = Object.keys(SEQUENCE);

/** Runs a claim's statement and answers its rows. */
export type ClaimIds = (sql: string) => Promise<Array<{ id: unknown }>>;

interface Block {
  ids: number[];
  next: number;
  claiming: Promise<void> | null;
}

/** The blocks of one store (one per process and database). */
export class IdBlocks {
  private readonly blocks = new Map<IdTable, Block>();

  constructor(private readonly size = ID_BLOCK_SIZE) {}

  /** count ids of table, in increasing order within the process's block(s), claiming blocks as needed */
  async take(table: IdTable, count: number, claim: ClaimIds): Promise<number[]> {
    const out: number[] = [];
    for (;;) {
      let b = this.blocks.get(table);
      if (!b) this.blocks.set(table, (b = { ids: [], next: 0, claiming: null }));
      while (out.length < count && b.next < b.ids.length) out.push(b.ids[b.next++]!);
      if (out.length === count) return out;
      if (b.claiming) {
        // another transaction of this process is claiming: wait for it (its failure is its own)
        await b.claiming.catch(() => undefined);
        continue;
      }
      const block = b;
      const n = Math.max(this.size, count - out.length);
      block.claiming = claim(`select nextval('${SEQUENCE[table]}') as id from generate_series(1, ${n})`)
        .then((rows) => {
          block.ids = rows.map((r) => Number(r.id as bigint)).sort((x, y) => x - y);
          block.next = 0;
        })
        .finally(() => {
          block.claiming = null;
        });
      await block.claiming;
    }
  }
}

/** The ids of one transaction, claimed through its connection. */
export function idSource(blocks: IdBlocks, claim: ClaimIds): IdSource {
  return { next: (table, count) => blocks.take(table, count, claim) };
}
