// The background loop shared by the scheduler and the webhook dispatcher, driven through its own hooks: passes
// the test holds and releases, so every ordering is set by the test, not by timing. It runs nothing before
// start, never two passes at once, reruns once when woken during a pass, sleeps the hook's delay and polls,
// and once stopped (stop waits for the pass in progress) it runs nothing and polls nothing.
import { describe, expect, it } from 'vitest';
import { WorkLoop } from '../../src/core/work-loop.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending callback of the event loop run once (a macrotask turn). */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Waits real time on a timer (timers created earlier with a shorter delay fire before it). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for an event expected within milliseconds; fails (instead of hanging) when it never comes. */
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

/** A loop whose hooks count what the loop did; a pass waits on `hold` when the test sets one. */
function rig(delayMs = 3_600_000, withPoll = true) {
  const seen = { passes: 0, active: 0, maxActive: 0, delays: 0, polls: 0 };
  const state: { hold: Deferred<void> | null; holdDelay: Deferred<number> | null; onPass: Array<() => void> } = {
    hold: null,
    holdDelay: null,
    onPass: [],
  };
  const loop = new WorkLoop({
    async pass() {
      seen.passes++;
      seen.active++;
      seen.maxActive = Math.max(seen.maxActive, seen.active);
      try {
        if (state.hold) await state.hold.promise;
      } finally {
        seen.active--;
        for (const fn of state.onPass.splice(0)) fn();
      }
    },
    async nextDelay() {
      seen.delays++;
      if (state.holdDelay) return state.holdDelay.promise;
      return delayMs;
    },
    ...(withPoll
      ? {
          onPoll() {
            seen.polls++;
          },
        }
      : {}),
  });
  /** Resolves when the next pass ends. */
  const nextPassEnds = () => {
    const d = deferred();
    state.onPass.push(() => d.resolve());
    return d.promise;
  };
  return { loop, seen, state, nextPassEnds };
}

describe('WorkLoop', () => {
  it('runs nothing before start; start runs one pass, and a wake after it another', async () => {
    const { loop, seen } = rig();
    loop.wake();
    await loop.idle();
    expect(seen.passes).toBe(0);
    loop.start();
    await loop.idle();
    expect(seen).toMatchObject({ passes: 1, delays: 1, polls: 0 });
    loop.wake();
    await loop.idle();
    expect(seen).toMatchObject({ passes: 2, delays: 2, maxActive: 1 });
    await loop.stop();
  });

  it('a wake during a pass runs exactly one more pass right after it, never two at once', async () => {
    const { loop, seen, state } = rig();
    state.hold = deferred();
    loop.start();
    loop.wake();
    loop.wake();
    loop.wake();
    await turn();
    expect(seen).toMatchObject({ passes: 1, active: 1 });
    const hold = state.hold;
    state.hold = null;
    hold.resolve();
    await loop.idle();
    expect(seen).toMatchObject({ passes: 2, maxActive: 1, delays: 1 });
    await loop.stop();
  });

  it('idle() resolves only once the pass in progress is over', async () => {
    const { loop, state } = rig();
    state.hold = deferred();
    loop.start();
    let idle = false;
    const waiting = loop.idle().then(() => (idle = true));
    await turn();
    expect(idle).toBe(false);
    state.hold.resolve();
    await waiting;
    expect(idle).toBe(true);
    await loop.stop();
  });

  it('stop waits for the pass in progress, then runs no rerun, no sleep and no later wake', async () => {
    const { loop, seen, state } = rig();
    state.hold = deferred();
    loop.start();
    loop.wake();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await turn();
    expect(stopped).toBe(false);
    state.hold.resolve();
    await stopping;
    expect(seen).toMatchObject({ passes: 1, delays: 0, active: 0 });
    loop.wake();
    await loop.idle();
    expect(seen.passes).toBe(1);
  });

  it('sleeps the delay the hook gives after a pass, then polls: onPoll, then the next pass', async () => {
    const { loop, seen, nextPassEnds } = rig(1);
    loop.start();
    await loop.idle();
    expect(seen).toMatchObject({ passes: 1, delays: 1, polls: 0 });
    await soon(nextPassEnds(), 'a poll');
    await loop.idle();
    expect(seen.polls).toBeGreaterThanOrEqual(1);
    expect(seen.passes).toBeGreaterThanOrEqual(2);
    expect(seen.delays).toBe(seen.passes);
    await loop.stop();
  });

  it('polls without an onPoll hook', async () => {
    const { loop, seen, nextPassEnds } = rig(1, false);
    loop.start();
    await loop.idle();
    await soon(nextPassEnds(), 'a poll');
    expect(seen.passes).toBeGreaterThanOrEqual(2);
    await loop.stop();
  });

  it('a wake or a stop cancels the sleep: no poll fires afterwards', async () => {
    const { loop, seen } = rig(5);
    loop.start();
    await loop.idle();
    // the first sleep (5 ms) is cancelled by the wake, the second by the stop
    loop.wake();
    await loop.idle();
    await loop.stop();
    // a timer set after the loop's 5 ms ones, for later: they would have fired before it
    await sleep(40);
    expect(seen).toMatchObject({ passes: 2, delays: 2, polls: 0 });
  });

  it('a stop while the delay is being computed sets no sleep: no poll fires afterwards', async () => {
    const { loop, seen, state } = rig();
    state.holdDelay = deferred<number>();
    loop.start();
    await turn();
    expect(seen).toMatchObject({ passes: 1, delays: 1 });
    const stopping = loop.stop();
    state.holdDelay.resolve(1);
    await stopping;
    await sleep(40);
    expect(seen).toMatchObject({ passes: 1, polls: 0 });
  });
});
