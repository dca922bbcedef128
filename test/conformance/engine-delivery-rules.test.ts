// How the webhook dispatcher judges and records an attempt, over both real stores and a real local receiver, with
// the dispatcher's default options (no batch size, no fault hook, no timeout set): a face with no rule of its own
// counts exactly the 2xx answers as delivered; a face that signs nothing sends the webhook unsigned; a webhook of
// a face with no renderer is still sent; a failed connection never counts as delivered; a synchronous send is
// counted in the failures and lag samples and gives up after its timeout; a replay never reschedules a delivered
// webhook; an attempt's duration is recorded; the lag samples are capped.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryPlan } from '../../src/core/dispatcher.js';
import type { Engine } from '../../src/core/engine.js';
import type { Delivery } from '../../src/core/model.js';
import { Receiver } from '../helpers/receiver.js';
import { STORES } from '../helpers/stores.js';
import { openEngine, type EngineRig } from './engine-harness.js';

/** Waits for something expected within seconds; fails (instead of hanging) when it never comes. */
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

describe.each(STORES)('delivery rules on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  let receiver: Receiver;
  /** a server that reads requests and never answers */
  let silent: Server;
  let silentUrl: string;
  let n = 0;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const a = silent.address();
    silentUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    rig = await openEngine(kind);
    engine = rig.engine;
    const plan = (e: { subjectId: string; payload: unknown }): DeliveryPlan[] => {
      const p = e.payload as { url?: string };
      return [
        {
          kind: 'hook',
          url: p.url ?? `${receiver.url}/${e.subjectId}`,
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: e.subjectId,
          schedule: [1000],
          maxAttempts: 4,
        },
      ];
    };
    // no rule of its own, no signature
    engine.dispatcher.register('novapay', { render: async (_tx, e) => plan(e) });
    // a rule that reads only the answer's body
    engine.dispatcher.register('numopay', { render: async (_tx, e) => plan(e), accepts: (_d, _status, body) => body !== 'RETRY' });
  });
  afterAll(async () => {
    await rig?.close();
    await receiver?.close();
    silent?.closeAllConnections();
    await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  });

  /** Emits an event of the face; returns its delivery, sent once. */
  async function sendOnce(face: 'novapay' | 'numopay', payload: { url?: string } = {}): Promise<Delivery> {
    const subjectId = `r${++n}`;
    await engine.transaction((tx) =>
      engine.outbox.emit(tx, { merchantId: 'm1', face, type: 'test.hook', subjectType: 'rule', subjectId, payload }),
    );
    expect(await engine.dispatcher.deliverDue()).toBe(1);
    const [d] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'rule', subjectId, limit: 5 }));
    return d!;
  }

  /** Lets every pending delivery run out its attempts (the receiver now accepts them). */
  async function settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      engine.clock.advance(86_400_000);
      if ((await engine.dispatcher.deliverDue()) === 0) return;
    }
  }

  it('without a rule of its own, a face counts exactly the 2xx answers as delivered', async () => {
    const outcome: Array<[number, string]> = [];
    for (const status of [200, 204, 299, 300, 404, 500]) {
      receiver.status = status;
      const d = await sendOnce('novapay');
      outcome.push([status, d.status]);
    }
    receiver.status = 200;
    expect(outcome).toEqual([
      [200, 'delivered'],
      [204, 'delivered'],
      [299, 'delivered'],
      [300, 'pending'],
      [404, 'pending'],
      [500, 'pending'],
    ]);
  });

  it('a face that signs nothing sends the webhook as rendered, and records how long the attempt took', async () => {
    const d = await sendOnce('novapay');
    expect([d.status, d.lastError]).toEqual(['delivered', null]);
    const req = receiver.requests.at(-1)!;
    expect([req.url, req.body, req.headers['content-type']]).toEqual([`/${d.subjectId}`, d.subjectId, 'text/plain']);
    const [a] = await engine.read((tx) => tx.deliveries.listAttempts(d.id));
    expect(a!.request.headers).toEqual({ 'content-type': 'text/plain' });
    expect(a!.durationMs).toBeGreaterThanOrEqual(0);
    // a sanity bound, not a timing: the duration is the request's, not a timestamp
    expect(a!.durationMs).toBeLessThan(3_600_000);
  });

  it('a failed connection never counts as delivered, even for a face whose rule reads only the body', async () => {
    const closed = await new Receiver().start();
    const url = closed.url + '/gone';
    await closed.close();
    const d = await sendOnce('numopay', { url });
    expect([d.status, d.attempts, d.lastStatus]).toEqual(['pending', 1, null]);
    expect(d.lastError).toBeTruthy();
    receiver.responseBody = 'RETRY';
    const refused = await sendOnce('numopay');
    receiver.responseBody = 'ok';
    expect([refused.status, refused.lastStatus]).toEqual(['pending', 200]);
  });

  it('sends a webhook of a face with no renderer registered, judged by its 2xx', async () => {
    const meta = { eventId: 'e-none', merchantId: 'm1', face: 'way2pay', subjectType: 'none', subjectId: '1' };
    const plan: DeliveryPlan = {
      kind: 'check',
      url: receiver.url + '/none',
      method: 'POST',
      headers: {},
      body: 'x',
      schedule: [],
      maxAttempts: 1,
    };
    expect(await engine.dispatcher.sendNow(meta, plan)).toEqual({ ok: true, status: 200, body: 'ok', error: null });
    expect(receiver.requests.filter((r) => r.url === '/none')).toHaveLength(1);
  });

  it('a synchronous send is counted: a refused one in the failures, a delivered one in the lag samples', async () => {
    const meta = { eventId: 'e-sync', merchantId: 'm1', face: 'novapay', subjectType: 'sync', subjectId: '1' };
    const plan: DeliveryPlan = {
      kind: 'check',
      url: receiver.url + '/sync',
      method: 'POST',
      headers: {},
      body: 'x',
      schedule: [],
      maxAttempts: 1,
    };
    const before = { failed: engine.dispatcher.stats.failed, lags: engine.dispatcher.stats.lagMs.length };
    receiver.failNext = 1;
    expect((await engine.dispatcher.sendNow(meta, plan)).ok).toBe(false);
    expect(engine.dispatcher.stats.failed).toBe(before.failed + 1);
    expect(engine.dispatcher.stats.lagMs.length).toBe(before.lags);
    expect((await engine.dispatcher.sendNow({ ...meta, subjectId: '2' }, plan)).ok).toBe(true);
    expect(engine.dispatcher.stats.failed).toBe(before.failed + 1);
    // sent at the frozen instant it was created: no lag
    expect(engine.dispatcher.stats.lagMs.slice(before.lags)).toEqual([0]);
  });

  it('a synchronous send gives up after the timeout it is given', async () => {
    const meta = { eventId: 'e-slow', merchantId: 'm1', face: 'novapay', subjectType: 'slow', subjectId: '1' };
    const plan: DeliveryPlan = {
      kind: 'check',
      url: silentUrl + '/slow',
      method: 'POST',
      headers: {},
      body: 'x',
      schedule: [],
      maxAttempts: 1,
    };
    const r = await soon(engine.dispatcher.sendNow(meta, plan, 200), 'the end of a send with a 200 ms timeout');
    expect([r.ok, r.status, r.body]).toEqual([false, null, null]);
    expect(r.error).toBeTruthy();
    const [d] = await engine.read((tx) => tx.deliveries.list({ subjectType: 'slow', subjectId: '1', limit: 5 }));
    expect([d!.status, d!.attempts, d!.lastError]).toEqual(['failed', 1, r.error]);
  });

  it('replaying a delivered webhook that is refused now leaves it delivered: it is not sent again', async () => {
    await settle();
    const d = await sendOnce('novapay');
    expect(d.status).toBe('delivered');
    const failed = engine.dispatcher.stats.failed;
    receiver.failNext = 1;
    const again = await engine.dispatcher.replay(d.id);
    expect([again!.attempt, again!.responseStatus]).toEqual([2, 500]);
    expect(await engine.read((tx) => tx.deliveries.get(d.id))).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: d.nextAttemptAt,
    });
    expect(engine.dispatcher.stats.failed).toBe(failed);
    const sent = receiver.requests.length;
    engine.clock.advance(86_400_000);
    expect(await engine.dispatcher.deliverDue()).toBe(0);
    expect(receiver.requests.length).toBe(sent);
  });

  it('keeps at most 100 000 lag samples: one more drops the oldest 50 000', async () => {
    const lags = engine.dispatcher.stats.lagMs;
    lags.length = 0;
    for (let i = 0; i < 99_999; i++) lags.push(7);
    await sendOnce('novapay');
    expect(lags.length).toBe(100_000);
    await sendOnce('novapay');
    expect(lags.length).toBe(50_001);
    expect([lags[0], lags.at(-2), lags.at(-1)]).toEqual([7, 0, 0]);
    lags.length = 0;
  });
});
