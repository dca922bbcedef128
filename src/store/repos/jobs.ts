// Scheduled jobs: scheduled once per (kind, ref), claimed when due (SKIP LOCKED on PostgreSQL), run once.
import type { Job, JsonObject } from '../../core/model.js';
import type { JobRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { jobs } from '../tables.js';

export class JobRepository implements JobRepo {
  constructor(private readonly q: Queries) {}

  async schedule(kind: string, ref: string, runAt: number, payload: JsonObject): Promise<void> {
    await this.q.writePrepared(
      'jobs.schedule',
      (slot) =>
        this.q.db
          .insertInto('jobs')
          .values({
            kind: slot(0),
            ref: slot(1),
            run_at: slot(2),
            status: 'pending',
            attempts: 0,
            locked_until: 0,
            payload: slot(3),
            last_error: null,
          })
          .onConflict((oc) =>
            oc.columns(['kind', 'ref']).doUpdateSet({ run_at: slot(2), status: 'pending', payload: slot(3), locked_until: 0 }),
          ),
      [kind, ref, runAt, jobs.write({ payload }).payload],
    );
  }
  async cancel(kind: string, ref: string): Promise<void> {
    await this.q.writePrepared(
      'jobs.cancel',
      (slot) => this.q.db.deleteFrom('jobs').where('kind', '=', slot(0)).where('ref', '=', slot(1)).where('status', '=', 'pending'),
      [kind, ref],
    );
  }
  async claim(limit: number, now: number, lockMs: number): Promise<Job[]> {
    const ids = this.q.ops.skipLocked(
      this.q.db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'pending')
        .where('run_at', '<=', now)
        .where('locked_until', '<=', now)
        .orderBy('run_at')
        .limit(limit),
    );
    const rows = await this.q.db
      .updateTable('jobs')
      .set((eb) => ({ locked_until: now + lockMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.map((r) => jobs.read(r)).sort((a, b) => a.runAt - b.runAt);
  }
  async finish(
    id: number,
    status: 'done' | 'failed' | 'pending',
    patch: { runAt?: number; lastError?: string | null } = {},
  ): Promise<void> {
    // a finished job's claim ends
    await this.q.write(
      this.q.db
        .updateTable('jobs')
        .set({ ...jobs.write({ status, ...patch }), locked_until: 0 })
        .where('id', '=', id),
    );
  }
  async nextAt(): Promise<number | null> {
    const r = await this.q.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('t'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }
}
