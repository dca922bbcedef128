// What the scheduler records of a job's runs, over both real stores, read from the jobs table as an operator
// would: a job nobody handles fails for good with the reason; a job that failed and then succeeded is done with
// its last error cleared; a job that keeps failing runs ten times and then fails for good. The engine here has no
// onJobError hook: a failing job is still recorded and retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import { STORES } from '../helpers/stores.js';
import { openEngine, type EngineRig } from './engine-harness.js';

interface JobRow {
  status: string;
  attempts: number;
  runAt: number;
  lastError: string | null;
}

describe.each(STORES)('job records on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  let runs = 0;

  beforeAll(async () => {
    rig = await openEngine(kind);
    engine = rig.engine;
    engine.scheduler.register('test.flaky', async () => {
      if (++runs === 1) throw new Error('first run fails');
    });
    engine.scheduler.register('test.broken', async () => {
      throw new Error('always fails');
    });
  });
  afterAll(() => rig?.close());

  const schedule = (k: string, ref: string) => engine.transaction((tx) => tx.jobs.schedule(k, ref, engine.clock.now(), {}));

  async function row(k: string, ref: string): Promise<JobRow> {
    const r = await engine.read((tx) =>
      tx
        .db<any>()
        .selectFrom('jobs')
        .select(['status', 'attempts', 'run_at', 'last_error'])
        .where('kind', '=', k)
        .where('ref', '=', ref)
        .executeTakeFirstOrThrow(),
    );
    return { status: r.status, attempts: Number(r.attempts), runAt: Number(r.run_at), lastError: r.last_error };
  }

  it('a job nobody handles is failed for good, with the reason', async () => {
    await schedule('test.nobody', 'n1');
    expect(await engine.scheduler.runDue()).toBe(1);
    expect(await row('test.nobody', 'n1')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no handler for test.nobody' });
    engine.clock.advance(86_400_000);
    expect(await engine.scheduler.runDue()).toBe(0);
  });

  it('a job that failed and then succeeded is done, its last error cleared', async () => {
    await schedule('test.flaky', 'f1');
    const t = engine.clock.now();
    expect(await engine.scheduler.runDue()).toBe(1);
    // retried 2 minutes after its first failed run
    expect(await row('test.flaky', 'f1')).toEqual({ status: 'pending', attempts: 1, runAt: t + 120_000, lastError: 'first run fails' });
    engine.clock.advance(120_000);
    expect(await engine.scheduler.runDue()).toBe(1);
    expect(await row('test.flaky', 'f1')).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    engine.clock.advance(86_400_000);
    expect(await engine.scheduler.runDue()).toBe(0);
  });

  it('a job that keeps failing runs ten times, then is failed for good', async () => {
    const failedBefore = engine.scheduler.stats.failed;
    await schedule('test.broken', 'b1');
    const ranAt: number[] = [];
    for (let i = 0; i < 12; i++) {
      if ((await engine.scheduler.runDue()) === 1) ranAt.push(i);
      engine.clock.advance(86_400_000);
    }
    expect(ranAt).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(engine.scheduler.stats.failed).toBe(failedBefore + 10);
    expect(await row('test.broken', 'b1')).toMatchObject({ status: 'failed', attempts: 10, lastError: 'always fails' });
  });
});
