// Rows a transaction holds: on PostgreSQL those it inserted (no other transaction sees them before its COMMIT) and
// those it wrote or locked (no other transaction may change them before then); on SQLite's writer, where
// transactions run one at a time, every row it inserted, read or wrote. Their present content is what the
// transaction last wrote, so reading one back (a payment locked just after its insert, a hold read back to be
// posted) needs no statement (and on PostgreSQL no round trip); a write to them whose effect is then known (a hold's
// state change) need not wait for its answer either. A rollback to a savepoint may undo those writes: everything
// remembered is forgotten then.
import type { Rollbacks } from './queries.js';

export class OwnRows<K, Row extends object> {
  private readonly rows = new Map<K, Row>();
  private undoCount: number;

  constructor(private readonly rollbacks: Rollbacks) {
    this.undoCount = rollbacks.undoCount;
  }

  /** The row as this transaction last wrote it, if it holds it. */
  get(key: K): Row | undefined {
    if (this.rollbacks.undoCount !== this.undoCount) {
      this.rows.clear();
      this.undoCount = this.rollbacks.undoCount;
    }
    return this.rows.get(key);
  }

  /** Remembers a row this transaction holds, as written (a copy: the caller keeps its object). */
  set(key: K, row: Row): void {
    this.get(key);
    this.rows.set(key, { ...row });
  }

  forget(key: K): void {
    this.rows.delete(key);
  }
}
