// Due work (expiries, subscription charges, ...) stored as jobs and run when the Clock says they are due.
// Jobs are claimed with SKIP LOCKED on PostgreSQL, so with several processes each due job runs once.
import type { Clock } from './clock.js';
import type { Job } from './model.js';
import type { Store, Tx } from './ports.js';
import { inTransaction } from './unit-of-work.js';
import { WorkLoop } from './work-loop.js';

/** Runs in the job's transaction; may return a time to run again (recurring work). */
export type JobHandler = (tx: Tx, job: Job) => Promise<number | void>;

export interface SchedulerOptions {
  /** how often to look for due jobs when nothing woke the scheduler (other processes' jobs) */
  pollMs?: number;
  batch?: number;
  lockMs?: number;
}

export class Scheduler {
  private handlers = new Map<string, JobHandler>();
  private readonly loop: WorkLoop;
  readonly stats = { ran: 0, failed: 0 };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly opts: SchedulerOptions = {},
    private readonly onError: (e: unknown, job: Job) => void = () => {},
  ) {
    this.loop = new WorkLoop({
      pass: async () => {
        await this.runDue();
      },
      nextDelay: async () => {
        const poll = this.opts.pollMs ?? 1000;
        const next = await this.store.read((tx) => tx.jobs.nextAt());
        return next === null ? poll : Math.max(5, Math.min(poll, next - this.clock.now()));
      },
    });
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Look for due jobs now (after a clock change, or when a job was scheduled for now). */
  wake(): void {
    this.loop.wake();
  }

  /**
   * Waits for the background loop, then runs what is still due: afterwards every job due now has run
   * (tests and operators call this after moving the clock).
   */
  async drain(): Promise<number> {
    await this.loop.idle();
    const n = await this.runDue();
    await this.loop.idle();
    return n;
  }

  /** Runs every job due now, once; returns how many ran. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const jobs = await inTransaction(this.store, (tx) => tx.jobs.claim(this.opts.batch ?? 50, now, this.opts.lockMs ?? 60_000));
      if (jobs.length === 0) return total;
      for (const job of jobs) {
        await this.runOne(job);
        total++;
      }
    }
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      await inTransaction(this.store, async (tx) => {
        if (!handler) {
          await tx.jobs.finish(job.id, 'failed', { lastError: `no handler for ${job.kind}` });
          return;
        }
        const next = await handler(tx, job);
        if (typeof next === 'number') await tx.jobs.finish(job.id, 'pending', { runAt: next, lastError: null });
        else await tx.jobs.finish(job.id, 'done', { lastError: null });
      });
      this.stats.ran++;
    } catch (e) {
      this.stats.failed++;
      this.onError(e, job);
      const retryAt = this.clock.now() + Math.min(60_000 * 2 ** Math.min(job.attempts, 6), 3_600_000);
      await inTransaction(this.store, (tx) =>
        tx.jobs.finish(job.id, job.attempts >= 10 ? 'failed' : 'pending', {
          runAt: retryAt,
          lastError: e instanceof Error ? e.message : String(e),
        }),
      ).catch(() => {});
    }
  }
}
