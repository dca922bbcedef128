// The Clock port: every timeout reads it. The system clock for production; a controllable clock
// (offset and freeze over real time) for sandboxes and tests.

export interface Clock {
  /** milliseconds since the Unix epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ClockState {
  now: number;
  offsetMs: number;
  frozen: boolean;
}

/** Real time plus an offset that can be advanced, optionally frozen at one instant. */
export class ControlledClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private listeners: Array<() => void> = [];

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.frozenAt ?? this.base.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative duration');
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.emit();
  }

  /** Jump to an absolute instant (never backwards). */
  set(at: number): void {
    const now = this.now();
    if (at < now) throw new RangeError('the clock cannot go backwards');
    this.advance(at - now);
  }

  freeze(): void {
    this.frozenAt = this.now();
    this.emit();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - this.base.now();
    this.frozenAt = null;
    this.emit();
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
    this.emit();
  }

  /** The persistent part of the state: where the offset and freeze stand. */
  snapshot(): { offsetMs: number; frozenAt: number | null } {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt };
  }

  /** Restores a snapshot (from the store, or from another process); true when it changed anything. */
  restore(s: { offsetMs: number; frozenAt: number | null }): boolean {
    if (s.offsetMs === this.offsetMs && s.frozenAt === this.frozenAt) return false;
    // never move backwards
    const before = this.now();
    this.offsetMs = s.offsetMs;
    this.frozenAt = s.frozenAt;
    if (this.now() < before) {
      if (this.frozenAt !== null) this.frozenAt = before;
      else this.offsetMs += before - this.now();
    }
    for (const fn of this.listeners) fn();
    return true;
  }

  state(): ClockState {
    return {
      now: this.now(),
      offsetMs: this.frozenAt === null ? this.offsetMs : this.frozenAt - this.base.now(),
      frozen: this.frozenAt !== null,
    };
  }

  /** Called after every change, so that schedulers can re-check what became due. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
