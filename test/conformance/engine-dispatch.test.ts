// Webhook delivery and due jobs through the Engine over both real stores, against a real local HTTP receiver:
// every attempt recorded, the retry schedule followed to the millisecond on the test clock, give-up, replay,
// synchronous sends, and the scheduler's reruns and back-off.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { DeliveryPlan } from '../../src/core/dispatcher.js';
import type { Delivery, DeliveryAttempt, Job } from '../../src/core/model.js';
import { Receiver } from '../helpers/receiver.js';
import { STORES } from '../helpers/stores.js';
import { openEngine, type EngineRig } from './engine-harness.js';

interface HookSpec {
  path: string;
  schedule?: number[];
  maxAttempts?: number;
  kind?: string;
  body?: string;
}

describe.each(STORES)('webhook dispatcher on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  let receiver: Receiver;
  const seen: Array<[Delivery, Omit<DeliveryAttempt, 'id'>]> = [];
  let n = 0;

  // set up in the first test's hook, not in beforeAll: mutation testing then knows which test ran the setup code
  beforeEach(async () => {
    if (rig) return;
    receiver = await new Receiver().start();
    rig = await openEngine(kind, { dispatcher: { batch: 2, fault: (d) => (d.body === 'fault' ? 'injected fault' : null) } });
    engine = rig.engine;
    engine.dispatcher.onAttempt((d, a) => seen.push([d, a]));
    engine.dispatcher.register('numopay', {
      async render(_tx, e) {
        const spec = e.payload as unknown as HookSpec;
        return [
          {
            kind: spec.kind ?? 'hook',
            url: spec.path.startsWith('http') ? spec.path : receiver.url + spec.path,
            method: 'POST',
            headers: { 'content-type': 'text/plain', 'x-event': e.eventId },
            body: spec.body ?? `event ${e.subjectId}`,
            schedule: spec.schedule ?? [1000, 5000],
            maxAttempts: spec.maxAttempts ?? 4,
          } satisfies DeliveryPlan,
        ];
      },
      accepts: (d, status, body) => (d.kind === 'strict' ? status === 200 && body === 'OK' : status >= 200 && status < 300),
      sign(d, now) {
        if (d.kind === 'unsigned') throw new Error('no key');
        if (d.kind === 'unsigned-text') throw 'no key text';
        return { 'x-signed-at': String(now) };
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
    await receiver?.close();
  });
  // each test starts with nothing due: what earlier tests left pending has run out its attempts
  beforeEach(async () => {
    receiver.failNext = 0;
    receiver.responseBody = 'ok';
    for (let i = 0; i < 10; i++) {
      engine.clock.advance(86_400_000);
      if ((await engine.dispatcher.deliverDue()) === 0) break;
    }
  });

  /** Emits an event whose webhook the test renderer describes; returns its delivery. */
  const emit = async (spec: HookSpec): Promise<Delivery> => {
    const subjectId = `w${++n}`;
    await engine.transaction((tx) =>
      engine.outbox.emit(tx, {
        merchantId: 'm1',
        face: 'numopay',
        type: 'test.hook',
        subjectType: 'hook',
        subjectId,
        payload: { ...spec },
      }),
    );
    const [d] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'hook', subjectId, limit: 10 }));
    return d!;
  };
  const delivery = (id: number) => engine.read((tx) => tx.deliveries.get(id)) as Promise<Delivery>;
  const attempts = (id: number) => engine.read((tx) => tx.deliveries.listAttempts(id));
  const requestsTo = (path: string) => receiver.requests.filter((r) => r.url === path);

  it('delivers an event once, signed at send time, and records the attempt', async () => {
    const stats = { ...engine.dispatcher.stats, lagMs: engine.dispatcher.stats.lagMs.length };
    const d = await emit({ path: '/ok' });
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: engine.clock.now(),
      kind: 'hook',
      merchantId: 'm1',
      face: 'numopay',
    });
    engine.clock.advance(250);
    const at = engine.clock.now();
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    const [req] = requestsTo('/ok');
    expect([req!.method, req!.body, req!.headers['x-signed-at'], req!.headers['x-event']]).toEqual([
      'POST',
      `event w${n}`,
      String(at),
      d.eventId,
    ]);
    expect(await delivery(d.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, deliveredAt: at });
    const [a] = await attempts(d.id);
    expect(a).toMatchObject({ attempt: 1, at, responseStatus: 200, responseBody: 'ok', error: null });
    expect(a!.request).toEqual({
      method: 'POST',
      url: receiver.url + '/ok',
      headers: { 'content-type': 'text/plain', 'x-event': d.eventId, 'x-signed-at': String(at) },
      body: `event w${n}`,
    });
    expect(seen.at(-1)![0]).toMatchObject({ id: d.id, attempts: 1 });
    expect(engine.dispatcher.stats).toMatchObject({ attempts: stats.attempts + 1, delivered: stats.delivered + 1, failed: stats.failed });
    expect(engine.dispatcher.stats.lagMs.slice(stats.lagMs)).toEqual([250]);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    expect(requestsTo('/ok')).toHaveLength(1);
  });

  it('retries on its schedule, the last delay repeating, until an attempt is accepted', async () => {
    const d = await emit({ path: '/flaky', schedule: [1000, 5000], maxAttempts: 5 });
    receiver.failNext = 3;
    const t = engine.clock.now();
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    expect(await delivery(d.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: t + 1000,
      lastStatus: 500,
      lastError: 'HTTP 500',
    });
    engine.clock.advance(999);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    engine.clock.advance(1);
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ attempts: 2, nextAttemptAt: t + 1000 + 5000 });
    engine.clock.advance(5000);
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ attempts: 3, nextAttemptAt: t + 1000 + 5000 + 5000 });
    engine.clock.advance(4999);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    engine.clock.advance(1);
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: null });
    expect((await attempts(d.id)).map((a) => [a.attempt, a.responseStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(requestsTo('/flaky')).toHaveLength(4);
  });

  it('gives up after its last attempt, and retries a minute later when it has no schedule', async () => {
    const failed = engine.dispatcher.stats.failed;
    const d = await emit({ path: '/down', schedule: [], maxAttempts: 2 });
    receiver.failNext = 5;
    const t = engine.clock.now();
    await engine.dispatcher.deliverDue();
    expect(await delivery(d.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: t + 60_000 });
    engine.clock.advance(60_000);
    await engine.dispatcher.deliverDue();
    expect(await delivery(d.id)).toMatchObject({ status: 'failed', attempts: 2, lastStatus: 500, lastError: 'HTTP 500' });
    expect(engine.dispatcher.stats.failed).toBe(failed + 1);
    engine.clock.advance(3_600_000);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    receiver.failNext = 0;
  });

  it("asks the face whether an answer counts: a strict face wants 'OK'", async () => {
    receiver.responseBody = 'ok';
    const d = await emit({ path: '/strict', kind: 'strict' });
    await engine.dispatcher.deliverDue();
    expect(await delivery(d.id)).toMatchObject({ status: 'pending', lastStatus: 200, lastError: 'HTTP 200' });
    receiver.responseBody = 'OK';
    engine.clock.advance(1000);
    await engine.dispatcher.deliverDue();
    expect((await delivery(d.id)).status).toBe('delivered');
    receiver.responseBody = 'ok';
  });

  it('keeps an excerpt of 2048 characters of an answer', async () => {
    receiver.responseBody = 'x'.repeat(3000);
    const d = await emit({ path: '/long' });
    await engine.dispatcher.deliverDue();
    receiver.responseBody = 'ok';
    expect((await attempts(d.id))[0]!.responseBody).toBe('x'.repeat(2048));
  });

  it('records an attempt that could not be signed, or was failed by the fault hook, without sending it', async () => {
    const before = receiver.requests.length;
    const a = await emit({ path: '/unsigned', kind: 'unsigned' });
    const b = await emit({ path: '/unsigned-text', kind: 'unsigned-text' });
    const c = await emit({ path: '/fault', body: 'fault' });
    await engine.dispatcher.deliverDue();
    expect(receiver.requests.length).toBe(before);
    expect(await delivery(a.id)).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'could not sign: no key' });
    expect((await delivery(b.id)).lastError).toBe('could not sign: no key text');
    expect((await delivery(c.id)).lastError).toBe('injected fault');
    const [att] = await attempts(a.id);
    expect([att!.responseStatus, att!.responseBody, att!.error]).toEqual([null, null, 'could not sign: no key']);
  });

  it('records a connection that failed with its error', async () => {
    const closed = new Receiver();
    await closed.start();
    const url = closed.url;
    await closed.close();
    const d = await emit({ path: url + '/gone' });
    await engine.dispatcher.deliverDue();
    const got = await delivery(d.id);
    expect([got.status, got.lastStatus]).toEqual(['pending', null]);
    expect(got.lastError).toBeTruthy();
    expect(got.lastError).not.toMatch(/^HTTP/);
  });

  it('sends due deliveries in batches until none is left', async () => {
    const ds = [];
    for (let i = 0; i < 5; i++) ds.push(await emit({ path: `/batch${i}` }));
    expect(await engine.dispatcher.deliverDue()).toBe(5);
    for (const d of ds) expect((await delivery(d.id)).status).toBe('delivered');
  });

  it('fans out events written outside a command in batches', async () => {
    await engine.dispatcher.fanOut();
    for (let i = 0; i < 5; i++)
      await engine.store.transaction((tx) =>
        engine.outbox.emit(tx, {
          merchantId: 'm1',
          face: 'numopay',
          type: 'test.hook',
          subjectType: 'bare',
          subjectId: `b${i}`,
          payload: { path: '/bare' },
        }),
      );
    // and one of a face with no renderer: fanned out to nothing
    await engine.store.transaction((tx) =>
      engine.outbox.emit(tx, { merchantId: 'm1', face: 'mbill', type: 'test.hook', subjectType: 'bare', subjectId: 'none', payload: {} }),
    );
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(6);
    expect(await engine.dispatcher.fanOut()).toBe(6);
    expect(await engine.read((tx) => tx.outbox.countPending())).toBe(0);
    const made = await engine.read((tx) => tx.deliveries.list({ subjectType: 'bare', limit: 10 }));
    expect(made.map((d) => d.subjectId).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  });

  it('sends now and waits for the answer, once, never retried', async () => {
    const plan = (path: string): DeliveryPlan => ({
      kind: 'check',
      url: receiver.url + path,
      method: 'POST',
      headers: {},
      body: 'check',
      schedule: [1000],
      maxAttempts: 5,
    });
    const meta = { eventId: 'e-now', merchantId: 'm1', face: 'numopay' as const, subjectType: 'now', subjectId: '1' };
    receiver.responseBody = '{"code":0}';
    expect(await engine.dispatcher.sendNow(meta, plan('/now'))).toEqual({ ok: true, status: 200, body: '{"code":0}', error: null });
    receiver.responseBody = 'ok';
    receiver.failNext = 1;
    expect(await engine.dispatcher.sendNow({ ...meta, subjectId: '2' }, plan('/now'))).toEqual({
      ok: false,
      status: 500,
      body: 'fail',
      error: null,
    });
    const [ok] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'now', subjectId: '1', limit: 5 }));
    const [bad] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'now', subjectId: '2', limit: 5 }));
    expect([ok!.status, ok!.attempts, ok!.maxAttempts, ok!.schedule]).toEqual(['delivered', 1, 1, []]);
    expect([bad!.status, bad!.attempts, bad!.lastError]).toEqual(['failed', 1, 'HTTP 500']);
    engine.clock.advance(86_400_000);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    expect(requestsTo('/now')).toHaveLength(2);
  });

  it('replays a delivery on request as a new attempt, without counting it as late', async () => {
    const d = await emit({ path: '/replay', schedule: [], maxAttempts: 1 });
    receiver.failNext = 2;
    await engine.dispatcher.deliverDue();
    expect((await delivery(d.id)).status).toBe('failed');
    const lags = engine.dispatcher.stats.lagMs.length;
    const again = await engine.dispatcher.replay(d.id);
    expect(again).toMatchObject({ deliveryId: d.id, attempt: 2, responseStatus: 500, error: null });
    expect(await delivery(d.id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'HTTP 500' });
    const last = await engine.dispatcher.replay(d.id);
    expect(last!.attempt).toBe(3);
    expect(await delivery(d.id)).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
    expect((await attempts(d.id)).map((a) => a.id)).toContain(last!.id);
    expect(engine.dispatcher.stats.lagMs.length).toBe(lags);
    expect(seen.at(-1)![1].attempt).toBe(3);
    expect(await engine.dispatcher.replay(987_654_321)).toBeUndefined();
  });
});

describe.each(STORES)('scheduler on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  const errors: Array<[string, string]> = [];
  const ran: string[] = [];
  let failures = 0;

  // set up in the first test's hook, not in beforeAll: mutation testing then knows which test ran the setup code
  beforeEach(async () => {
    if (rig) return;
    rig = await openEngine(kind, { onJobError: (e, k) => errors.push([k, (e as Error).message]) });
    engine = rig.engine;
    engine.scheduler.register('test.once', async (_tx, job: Job) => {
      ran.push(`once:${job.ref}`);
    });
    engine.scheduler.register('test.every', async (_tx, job: Job) => {
      ran.push(`every:${job.ref}`);
      return engine.clock.now() + 10_000;
    });
    engine.scheduler.register('test.fails', async () => {
      failures++;
      throw new Error(`failure ${failures}`);
    });
  });
  afterAll(() => rig?.close());

  const schedule = (k: string, ref: string, inMs: number) =>
    engine.transaction((tx) => tx.jobs.schedule(k, ref, engine.clock.now() + inMs, {}));

  it('runs a job once when it is due', async () => {
    await schedule('test.once', 'a', 1000);
    expect(await engine.scheduler.runDue()).toBe(0);
    engine.clock.advance(1000);
    const before = engine.scheduler.stats.ran;
    expect(await engine.scheduler.drain()).toBe(1);
    expect(engine.scheduler.stats.ran).toBe(before + 1);
    expect(await engine.scheduler.runDue()).toBe(0);
    expect(ran.filter((r) => r.startsWith('once:'))).toEqual(['once:a']);
  });

  it('runs a recurring job again at the time it returns', async () => {
    await schedule('test.every', 'b', 0);
    expect(await engine.scheduler.runDue()).toBe(1);
    engine.clock.advance(9_999);
    expect(await engine.scheduler.runDue()).toBe(0);
    engine.clock.advance(1);
    expect(await engine.scheduler.runDue()).toBe(1);
    expect(ran.filter((r) => r === 'every:b')).toHaveLength(2);
    await engine.transaction((tx) => tx.jobs.cancel('test.every', 'b'));
    engine.clock.advance(10_000);
    expect(await engine.scheduler.runDue()).toBe(0);
  });

  it('backs off a failing job: 2, 4, 8 minutes ... after its 1st, 2nd, 3rd run; a job nobody handles fails for good', async () => {
    await schedule('test.fails', 'c', 0);
    expect(await engine.scheduler.runDue()).toBe(1);
    expect(errors.at(-1)).toEqual(['test.fails', 'failure 1']);
    expect(engine.scheduler.stats.failed).toBe(1);
    for (const wait of [120_000, 240_000, 480_000]) {
      engine.clock.advance(wait - 1);
      expect(await engine.scheduler.runDue(), String(wait)).toBe(0);
      engine.clock.advance(1);
      expect(await engine.scheduler.runDue(), String(wait)).toBe(1);
    }
    expect(failures).toBe(4);
    await engine.transaction((tx) => tx.jobs.cancel('test.fails', 'c'));

    await schedule('test.unknown', 'd', 0);
    expect(await engine.scheduler.runDue()).toBe(1);
    engine.clock.advance(86_400_000);
    expect(await engine.scheduler.runDue()).toBe(0);
  });

  it('purges expired idempotency records every ten minutes once started', async () => {
    await engine.idempotency.run({ scope: 's', key: 'k', requestHash: 'h', ttlMs: 1000, keep: () => true }, async () => ({
      status: 201,
      headers: {},
      body: 'first',
    }));
    await engine.start();
    try {
      engine.clock.advance(599_999);
      await engine.scheduler.drain();
      expect(await engine.read((tx) => tx.idempotency.get('s', 'k'))).toBeDefined();
      engine.clock.advance(1);
      await engine.scheduler.drain();
      expect(await engine.read((tx) => tx.idempotency.get('s', 'k'))).toBeUndefined();
      expect(await engine.read((tx) => tx.jobs.nextAt())).toBe(engine.clock.now() + 600_000);
    } finally {
      await engine.stop();
      await engine.transaction((tx) => tx.jobs.cancel('idempotency.purge', 'all'));
    }
  });
});
