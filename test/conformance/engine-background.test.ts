// The Engine's background work over both real stores, started as the server starts it: the dispatcher's first
// pass delivers what an earlier run left, a command's webhook goes out right after its commit (also when its
// inline rendering failed), events another process wrote go out at the next poll; the scheduler runs due jobs in
// the background, is woken by a clock change and wakes itself for the next due job however long its poll; stop
// waits for the work in progress; the sandbox clock is loaded at start (also when never set), followed across
// engines over one store, and a reload never writes it back. Poll intervals are set to an hour wherever a test
// shows that something happens without waiting for a poll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine, type EngineOptions } from '../../src/core/engine.js';
import type { DeliveryPlan } from '../../src/core/dispatcher.js';
import type { Tx } from '../../src/core/ports.js';
import { parseMasterKey } from '../../src/core/vault.js';
import { coreMigrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { fetchTransport } from '../../src/server/transport.js';
import { Receiver } from '../helpers/receiver.js';
import { freshStore, STORES } from '../helpers/stores.js';
import { openEngine, TEST_MASTER_KEY, type EngineRig } from './engine-harness.js';

const HOUR = 3_600_000;

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets pending I/O callbacks run once. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Waits for something expected within milliseconds; fails (instead of hanging) when it never comes. */
async function soon<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const never = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never happened`)), 10_000);
  });
  try {
    return await Promise.race([p, never]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(STORES)('background work on %s', (kind) => {
  let receiver: Receiver;
  let rig: EngineRig | undefined;
  /** subjects whose rendering throws once */
  const failOnce = new Set<string>();

  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await receiver.close();
  });

  /** An engine whose numopay webhooks go to the receiver at /<subject>. */
  async function open(opts: Partial<EngineOptions>): Promise<Engine> {
    rig = await openEngine(kind, opts);
    const engine = rig.engine;
    engine.dispatcher.register('numopay', {
      async render(_tx, e) {
        if (failOnce.delete(e.subjectId)) throw new Error('renderer down');
        return [
          {
            kind: 'hook',
            url: `${receiver.url}/${e.subjectId}`,
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: e.subjectId,
            schedule: [1000],
            maxAttempts: 3,
          } satisfies DeliveryPlan,
        ];
      },
    });
    return engine;
  }

  const emit = (engine: Engine, tx: Tx, subjectId: string) =>
    engine.outbox.emit(tx, { merchantId: 'm1', face: 'numopay', type: 'test.hook', subjectType: 'hook', subjectId, payload: {} });

  /** An event written outside a command (as another process, or a bare store transaction, leaves it): nothing is woken. */
  const emitBare = (engine: Engine, subjectId: string) => engine.store.transaction((tx) => emit(engine, tx, subjectId));

  const received = (path: string) => receiver.requests.filter((r) => r.url === path).length;

  /** Starts the dispatcher and waits until its first pass is over (it delivers a webhook left pending before). */
  async function startDispatcher(engine: Engine): Promise<void> {
    const attempted = deferred();
    engine.dispatcher.onAttempt((d) => {
      if (d.subjectId === 'left-before') attempted.resolve();
    });
    await emitBare(engine, 'left-before');
    engine.dispatcher.start();
    await soon(attempted.promise, "the dispatcher's first pass");
  }

  it("the dispatcher's first pass fans out and delivers what was left pending; stop waits for it", async () => {
    const engine = await open({ dispatcher: { pollMs: HOUR } });
    await emitBare(engine, 'pending-at-start');
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(1);
    engine.dispatcher.start();
    await engine.dispatcher.stop();
    expect(received('/pending-at-start')).toBe(1);
    const [d] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'hook', subjectId: 'pending-at-start', limit: 5 }));
    expect([d!.status, d!.attempts]).toEqual(['delivered', 1]);
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
  });

  it("a command's webhook is sent right after its commit, without waiting for a poll", async () => {
    const engine = await open({ dispatcher: { pollMs: HOUR } });
    await startDispatcher(engine);
    await engine.transaction((tx) => emit(engine, tx, 'command'));
    await receiver.waitFor(() => received('/command') === 1);
    expect(received('/command')).toBe(1);
  });

  it("a command's event whose rendering failed is rendered again by the background at once, and sent", async () => {
    const engine = await open({ dispatcher: { pollMs: HOUR } });
    await startDispatcher(engine);
    failOnce.add('render-failed');
    await engine.transaction((tx) => emit(engine, tx, 'render-failed'));
    expect(failOnce.has('render-failed')).toBe(false);
    await receiver.waitFor(() => received('/render-failed') === 1);
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
  });

  it('events another process wrote are fanned out and sent at the next poll', async () => {
    const engine = await open({ dispatcher: { pollMs: 20 } });
    await startDispatcher(engine);
    await emitBare(engine, 'other-process');
    await receiver.waitFor(() => received('/other-process') === 1);
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
  });

  it('started, the scheduler runs a due job in the background; stop waits for the job in progress', async () => {
    const engine = await open({ schedulerPollMs: HOUR, dispatcher: { pollMs: HOUR } });
    const release = deferred();
    const running = deferred();
    let finished = 0;
    engine.scheduler.register('test.slow', async () => {
      running.resolve();
      await release.promise;
      finished++;
    });
    await engine.transaction((tx) => tx.jobs.schedule('test.slow', 'j1', engine.clock.now(), {}));
    await engine.start();
    await soon(running.promise, 'the background run of the due job');
    let stopped = 0;
    const schedulerStopping = engine.scheduler.stop().then(() => stopped++);
    const engineStopping = engine.stop().then(() => stopped++);
    let stoppedEarly: number;
    try {
      for (let i = 0; i < 5; i++) await turn();
      stoppedEarly = stopped;
    } finally {
      // released whatever happens: a held job would hold its transaction open
      release.resolve();
    }
    expect(stoppedEarly).toBe(0);
    await Promise.all([schedulerStopping, engineStopping]);
    expect([finished, stopped]).toEqual([1, 2]);
    // the job's transaction committed before stop resolved: nothing is due any more
    expect(await engine.scheduler.runDue()).toBe(0);
  });

  it('a clock change wakes the scheduler: a job that became due runs at once', async () => {
    const engine = await open({ schedulerPollMs: HOUR, dispatcher: { pollMs: HOUR } });
    const ran: string[] = [];
    engine.scheduler.register('test.later', async (_tx, job) => {
      ran.push(job.ref);
    });
    await engine.start();
    await engine.scheduler.drain();
    await engine.transaction((tx) => tx.jobs.schedule('test.later', 'in-an-hour', engine.clock.now() + HOUR, {}));
    engine.clock.advance(HOUR);
    // stop waits for the pass the clock change started
    await engine.scheduler.stop();
    expect(ran).toEqual(['in-an-hour']);
  });

  it('the scheduler wakes itself when the next job falls due, however long its poll', async () => {
    const engine = await open({ schedulerPollMs: HOUR, dispatcher: { pollMs: HOUR } });
    const ran = deferred<string>();
    engine.scheduler.register('test.soon', async (_tx, job) => {
      ran.resolve(job.ref);
    });
    engine.clock.unfreeze();
    await engine.clockSaved();
    // due after the first pass at start (which finds nothing due), long before the poll
    await engine.transaction((tx) => tx.jobs.schedule('test.soon', 'in-300ms', engine.clock.now() + 300, {}));
    await engine.start();
    expect(await soon(ran.promise, 'the run of the job due in 300 ms')).toBe('in-300ms');
  });

  it('an engine over a store whose clock was never set starts, on the real time', async () => {
    const target = await freshStore(kind);
    const store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: coreMigrations });
    const engine = new Engine({ store, masterKeys: [parseMasterKey(TEST_MASTER_KEY)], transport: fetchTransport, schedulerPollMs: HOUR });
    try {
      expect(await engine.read((tx) => tx.settings.get('clock'))).toBeUndefined();
      await engine.start();
      expect(engine.clock.snapshot()).toEqual({ offsetMs: 0, frozenAt: null });
    } finally {
      await engine.stop();
      await store.close();
    }
  });

  it('reloading the clock never writes it back, even when this engine keeps a later time', async () => {
    const engine = await open({});
    await engine.clockSaved();
    const at = engine.clock.now();
    // another process saved a frozen clock a minute behind this one
    const behind = JSON.stringify({ offsetMs: 0, frozenAt: at - 60_000 });
    await engine.store.transaction((tx) => tx.settings.set('clock', behind));
    await engine.loadClock();
    await engine.clockSaved();
    expect(engine.clock.now()).toBe(at);
    expect(await engine.read((tx) => tx.settings.get('clock'))).toBe(behind);
  });

  it("a started engine follows another engine's clock change over the same store within its reload interval", async () => {
    const engine = await open({ schedulerPollMs: HOUR, dispatcher: { pollMs: HOUR } });
    await engine.start();
    const other = new Engine({ store: engine.store, masterKeys: [parseMasterKey(TEST_MASTER_KEY)], transport: fetchTransport });
    const target = engine.clock.now() + 86_400_000;
    other.clock.freeze();
    other.clock.set(target);
    await other.clockSaved();
    const followed = new Promise<void>((resolve) => {
      const check = () => {
        if (engine.clock.now() === target) resolve();
      };
      engine.clock.onChange(check);
      check();
    });
    await soon(followed, "the reload of the other engine's clock");
    expect(engine.clock.snapshot()).toEqual({ offsetMs: 0, frozenAt: target });
    await other.stop();
  });
});
