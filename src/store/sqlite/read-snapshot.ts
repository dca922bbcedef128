// One read snapshot for all the reads of a turn of the event loop, on the reader connection. A statement run
// outside a transaction opens and ends a read transaction of its own (in WAL mode: taking and dropping a read lock
// in the shared-memory index, which costs about as much as reading the row); the reads of one turn share one.
// The snapshot ends
// - at the end of the turn (setImmediate): no read sees data older than the turn it runs in, whoever committed it
//   (this process or another one);
// - just before the writer's COMMIT (group-commit.ts): a read made after a commit sees it, and the checkpoint that
//   may follow that commit is never held back by this reader.
import type Database from 'better-sqlite3';

export class ReadSnapshot {
  private isOpen = false;

  constructor(private readonly raw: Database.Database) {}

  /** Opens the turn's snapshot if none is open (SQLite takes it at the first read). */
  open(): void {
    if (this.isOpen) return;
    this.raw.exec('BEGIN');
    this.isOpen = true;
    setImmediate(() => this.release());
  }

  /** Ends the snapshot: the next read takes a new one. */
  release(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    if (!this.raw.open || !this.raw.inTransaction) return;
    try {
      this.raw.exec('COMMIT');
    } catch {
      // a read transaction has nothing to commit; should ending it fail, it is rolled back (never left open)
      this.raw.exec('ROLLBACK');
    }
  }
}
