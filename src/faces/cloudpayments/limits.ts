// The CloudPayments concurrent request limit (docs/cloudpayments.md): at most 5 requests of one terminal
// (PublicId) in flight at once on test terminals; beyond that HTTP 429 with `{"Success":false,"Message":…}`.
// Configurable with POLYPAY_CLOUDPAYMENTS_CONCURRENCY or the face's `concurrency` option (0 disables).
// The counter lives in the gateway process: with several processes behind a balancer each allows its own N.
import type { Engine } from '../../core/engine.js';

export const DEFAULT_CONCURRENCY = 5;
export const CONCURRENCY_ENV = 'POLYPAY_CLOUDPAYMENTS_CONCURRENCY';

export function tooManyRequests(max: number): string {
  return `Too many concurrent requests: at most ${max} requests of one terminal may run at once`;
}

/** The limit: the face's option, else the environment variable, else 5; 0 disables it. */
export function resolveConcurrency(option: number | undefined, env: Readonly<Record<string, string | undefined>>): number {
  if (option !== undefined) {
    if (!Number.isSafeInteger(option) || option < 0)
      throw new Error(`cloudpayments concurrency must be a whole number >= 0 (got ${option})`);
    return option;
  }
  const text = env[CONCURRENCY_ENV]?.trim();
  if (text === undefined || text === '') return DEFAULT_CONCURRENCY;
  if (!/^\d{1,9}$/.test(text)) throw new Error(`${CONCURRENCY_ENV} must be a whole number >= 0 (got "${text}")`);
  return Number(text);
}

/** Requests in flight per key (PublicId), in this process. */
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot: a release function (safe to call twice), or null when the key is at its limit. */
  acquire(key: string): (() => void) | null {
    const n = this.inFlight.get(key) ?? 0;
    if (n >= this.max) return null;
    this.inFlight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  /** Requests of this key in flight now. */
  count(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }
}

// One limiter per gateway (its engine), shared by the shared port and a face port of its own.
const limiters = new WeakMap<Engine, ConcurrencyLimiter>();

/** The gateway's limiter, or null when the limit is disabled (0). */
export function limiterFor(engine: Engine, max: number): ConcurrencyLimiter | null {
  if (max === 0) return null;
  let l = limiters.get(engine);
  if (!l || l.max !== max) {
    l = new ConcurrencyLimiter(max);
    limiters.set(engine, l);
  }
  return l;
}
