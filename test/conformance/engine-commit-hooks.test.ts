// What runs after a command's transaction commits, over both real stores: every onCommitted listener hears each
// event (with its id) once its transaction has committed and never one that rolled back; after-commit hooks run
// in order, one that throws stops neither the next one nor undoes the commit. And an idempotency key claimed by
// a request still in progress is refused with CONFLICT, not replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { DomainEvent } from '../../src/core/events.js';
import { afterCommit, inTransaction } from '../../src/core/unit-of-work.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, openEngine, type EngineRig } from './engine-harness.js';

describe.each(STORES)('after commit on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  const heard: Array<[string, DomainEvent & { eventId: string }]> = [];

  beforeAll(async () => {
    rig = await openEngine(kind);
    engine = rig.engine;
    engine.outbox.onCommitted((e) => heard.push(['first', e]));
    engine.outbox.onCommitted((e) => heard.push(['second', e]));
  });
  afterAll(() => rig?.close());

  const event = (subjectId: string): DomainEvent => ({
    merchantId: 'm1',
    face: 'mbill',
    type: 'test.event',
    subjectType: 'test',
    subjectId,
    payload: { amount: '1000', currency: 'RUB' },
  });

  it('every listener hears each event once its transaction has committed, never one rolled back', async () => {
    heard.length = 0;
    let heardInside = -1;
    const eventId = await engine.transaction(async (tx) => {
      const id = await engine.outbox.emit(tx, event('committed'));
      heardInside = heard.length;
      return id;
    });
    expect(heardInside).toBe(0);
    const expected = {
      merchantId: 'm1',
      face: 'mbill',
      type: 'test.event',
      subjectType: 'test',
      subjectId: 'committed',
      payload: { amount: '1000', currency: 'RUB' },
      eventId,
    };
    expect(heard).toEqual([
      ['first', expected],
      ['second', expected],
    ]);
    const stored = await engine.read((tx) => tx.outbox.list('test', 'committed'));
    expect(stored.map((e) => e.eventId)).toEqual([eventId]);

    await expect(
      engine.transaction(async (tx) => {
        await engine.outbox.emit(tx, event('rolled-back'));
        throw new Error('the command fails');
      }),
    ).rejects.toThrow('the command fails');
    expect(heard).toHaveLength(2);
  });

  it('after-commit hooks run in order once committed; one that throws stops neither the next nor the commit', async () => {
    const ran: string[] = [];
    const result = await inTransaction(engine.store, async (tx) => {
      await tx.settings.set('hooks-test', 'committed');
      afterCommit(tx, () => ran.push('first'));
      afterCommit(tx, () => {
        throw new Error('a failing hook');
      });
      afterCommit(tx, () => ran.push('third'));
      expect(ran).toEqual([]);
      return 'result';
    });
    expect(result).toBe('result');
    expect(ran).toEqual(['first', 'third']);
    expect(await engine.read((tx) => tx.settings.get('hooks-test'))).toBe('committed');
  });

  it('an idempotency key claimed by a request still in progress is refused with CONFLICT, not replayed', async () => {
    const now = engine.clock.now();
    // the first request's claim, not completed (another process is still working on it)
    await engine.store.transaction((tx) => tx.idempotency.claim('pay', 'k-busy', 'h1', now, now + 60_000));
    let ran = 0;
    const repeat = (compareRequest: boolean) =>
      engine.idempotency.run(
        { scope: 'pay', key: 'k-busy', requestHash: 'h1', ttlMs: 60_000, compareRequest, keep: () => true },
        async () => {
          ran++;
          return { status: 200, headers: {}, body: 'second' };
        },
      );
    for (const compareRequest of [false, true]) {
      const e = await repeat(compareRequest).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(e?.message).toBe('a request with this key is in progress');
      expect(await codeOf(repeat(compareRequest))).toBe('CONFLICT');
    }
    expect(ran).toBe(0);
  });
});
