// The sandbox clock over a base clock the test moves by hand: offset, freeze, restore (never backwards), and the
// change notifications the scheduler and the dispatcher wait on.
import { describe, expect, it } from 'vitest';
import { ControlledClock, DAY, HOUR, MINUTE, SECOND, systemClock } from '../../src/core/clock.js';

function rig() {
  const base = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  const clock = new ControlledClock(base);
  let changes = 0;
  clock.onChange(() => changes++);
  return { base, clock, changes: () => changes };
}

describe('ControlledClock', () => {
  it('is real time plus an offset that only moves forward', () => {
    const { base, clock, changes } = rig();
    expect(clock.now()).toBe(1_000_000);
    base.t += 5;
    expect(clock.now()).toBe(1_000_005);
    clock.advance(100);
    expect(clock.now()).toBe(1_000_105);
    clock.advance(0);
    expect(changes()).toBe(2);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => clock.advance(bad), String(bad)).toThrow(RangeError);
    expect(clock.now()).toBe(1_000_105);
    clock.set(1_002_000);
    expect(clock.now()).toBe(1_002_000);
    clock.set(1_002_000);
    expect(() => clock.set(1_001_999)).toThrow(/backwards/);
    expect(clock.snapshot()).toEqual({ offsetMs: 1995, frozenAt: null });
    expect(clock.state()).toEqual({ now: 1_002_000, offsetMs: 1995, frozen: false });
  });

  it('freezes at an instant, moves only when advanced, and goes on from there when unfrozen', () => {
    const { base, clock, changes } = rig();
    clock.advance(1000);
    clock.freeze();
    expect(changes()).toBe(2);
    base.t += 50_000;
    expect(clock.now()).toBe(1_001_000);
    expect(clock.state()).toEqual({ now: 1_001_000, offsetMs: -49_000, frozen: true });
    clock.advance(500);
    expect(clock.now()).toBe(1_001_500);
    expect(clock.snapshot()).toEqual({ offsetMs: 1000, frozenAt: 1_001_500 });
    clock.unfreeze();
    expect(changes()).toBe(4);
    expect(clock.now()).toBe(1_001_500);
    base.t += 10;
    expect(clock.now()).toBe(1_001_510);
    expect(clock.state()).toEqual({ now: 1_001_510, offsetMs: -48_500, frozen: false });
    clock.unfreeze();
    expect(changes()).toBe(4);
    clock.reset();
    expect(clock.now()).toBe(1_050_010);
    expect(clock.snapshot()).toEqual({ offsetMs: 0, frozenAt: null });
    expect(changes()).toBe(5);
  });

  it('restores a saved state, never moving backwards, and says whether anything changed', () => {
    const { clock, changes } = rig();
    expect(clock.restore({ offsetMs: 0, frozenAt: null })).toBe(false);
    expect(changes()).toBe(0);
    expect(clock.restore({ offsetMs: 300, frozenAt: null })).toBe(true);
    expect([clock.now(), changes()]).toEqual([1_000_300, 1]);
    // an older offset: the clock stays where it is
    expect(clock.restore({ offsetMs: 100, frozenAt: null })).toBe(true);
    expect(clock.now()).toBe(1_000_300);
    expect(clock.snapshot()).toEqual({ offsetMs: 300, frozenAt: null });
    // frozen in the past: frozen now
    expect(clock.restore({ offsetMs: 300, frozenAt: 999_000 })).toBe(true);
    expect(clock.snapshot()).toEqual({ offsetMs: 300, frozenAt: 1_000_300 });
    expect(clock.restore({ offsetMs: 300, frozenAt: 1_000_300 })).toBe(false);
    // frozen in the future: taken as it is
    expect(clock.restore({ offsetMs: 300, frozenAt: 2_000_000 })).toBe(true);
    expect(clock.now()).toBe(2_000_000);
    expect(clock.restore({ offsetMs: 5, frozenAt: 2_000_000 })).toBe(true);
    expect(clock.snapshot()).toEqual({ offsetMs: 5, frozenAt: 2_000_000 });
    expect(changes()).toBe(5);
  });

  it('has the usual units, and the system clock is the real time', () => {
    expect([SECOND, MINUTE, HOUR, DAY]).toEqual([1000, 60_000, 3_600_000, 86_400_000]);
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    const c = new ControlledClock();
    expect(Math.abs(c.now() - Date.now())).toBeLessThan(60_000);
  });
});
