// Group commit for SQLite's single writer. Transactions already run one at a time on the one connection; here
// consecutive ones share a real SQLite transaction: each runs inside a savepoint (rolled back alone when it
// fails), and the outer transaction commits when no other transaction is waiting after one more turn of the
// event loop, or when the group is large or old enough. A transaction's caller gets its result only after that commit: nothing is acknowledged before
// it is durable, and a failed commit fails every transaction of the group. One commit (WAL append, and now and
// then a checkpoint) then serves many requests under load, and a single request still commits at once.
import type Database from 'better-sqlite3';

export interface GroupCommitOptions {
  /** at most this many transactions per commit */
  maxGroup: number;
  /** and the group commits once it has been open this long (ms) */
  maxAgeMs: number;
}

interface Job {
  fn: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Done {
  job: Job;
  value: unknown;
}

const SAVEPOINT = 'polypay_tx';

export class GroupCommitter {
  private readonly queue: Job[] = [];
  private group: Done[] = [];
  private openedAt = 0;
  private running = false;
  /** transactions that waited for a commit, and commits: their ratio is the mean group size */
  readonly stats = { transactions: 0, commits: 0 };

  constructor(
    private readonly raw: Database.Database,
    private readonly opts: GroupCommitOptions,
    /** runs just before each COMMIT (the reader's snapshot ends there: read-snapshot.ts) */
    private readonly beforeCommit: () => void = () => undefined,
  ) {}

  /** Resolves once nothing is running or waiting (before closing the connection). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const job = this.queue.shift()!;
        try {
          if (!this.raw.inTransaction) {
            this.raw.exec('BEGIN IMMEDIATE');
            this.openedAt = performance.now();
          }
          this.raw.exec(`SAVEPOINT ${SAVEPOINT}`);
        } catch (e) {
          // the database is locked by another process past the busy timeout, or closed: this transaction and
          // the open group fail; the next ones try again
          job.reject(e);
          this.abort(e);
          continue;
        }
        try {
          const value = await job.fn();
          this.raw.exec(`RELEASE ${SAVEPOINT}`);
          this.group.push({ job, value });
        } catch (e) {
          this.undo(job, e);
        }
        if (this.group.length >= this.opts.maxGroup || performance.now() - this.openedAt >= this.opts.maxAgeMs) this.commit();
        else if (this.queue.length === 0) {
          // A transaction's queries resolve without a turn of the event loop, so requests that arrived meanwhile
          // have not reached their transaction yet: give them one turn to join the group, then commit.
          if (this.group.length > 0 && this.opts.maxGroup > 1) await new Promise((r) => setImmediate(r));
          if (this.queue.length === 0) this.commit();
        }
      }
    } catch (e) {
      // an unexpected failure of the loop itself: nothing may be left waiting
      this.failAll(e);
    } finally {
      this.running = false;
    }
  }

  /** Rolls one transaction back to its savepoint; if SQLite rolled back the whole group, the group fails too. */
  private undo(job: Job, e: unknown): void {
    job.reject(e);
    if (!this.raw.inTransaction) {
      this.failGroup(e);
      return;
    }
    try {
      this.raw.exec(`ROLLBACK TO ${SAVEPOINT}`);
      this.raw.exec(`RELEASE ${SAVEPOINT}`);
    } catch (rollbackError) {
      this.abort(rollbackError);
    }
  }

  private commit(): void {
    if (!this.raw.inTransaction) return;
    const group = this.group;
    this.group = [];
    this.beforeCommit();
    try {
      this.raw.exec('COMMIT');
    } catch (e) {
      this.group = group;
      this.abort(e);
      return;
    }
    this.stats.commits++;
    this.stats.transactions += group.length;
    for (const d of group) d.job.resolve(d.value);
  }

  private abort(e: unknown): void {
    try {
      if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
    } catch {
      /* the connection is gone */
    }
    this.failGroup(e);
  }

  private failGroup(e: unknown): void {
    const group = this.group;
    this.group = [];
    for (const d of group) d.job.reject(e);
  }

  private failAll(e: unknown): void {
    this.abort(e);
    for (const job of this.queue.splice(0)) job.reject(e);
  }
}
