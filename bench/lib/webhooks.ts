// The webhook receiver (bench/receiver.ts, a process of its own answering at once) seen from the benchmark,
// and the lag statistics. Two measurements use it (bench/run.ts):
//   live:    token charges of a terminal whose Pay notification points at the receiver; deliveries per second
//            while the load runs, and the lag from the event's commit (the delivery row's createdAt, which the
//            dispatcher copies from the outbox event) to the moment the receiver got it, at p50 and p99;
//   backlog: N due deliveries queued directly in the store at once; the dispatcher's drain rate.
import { percentile } from './load.js';
import { spawnNode, type Child } from './proc.js';

export interface Receipt {
  eventId: string;
  at: number;
}

export class Receiver {
  private child!: Child;
  url = '';

  async start(): Promise<this> {
    this.child = await spawnNode(['--import', 'tsx', 'bench/receiver.ts'], { name: 'webhook receiver' });
    this.url = String(this.child.ready.url);
    return this;
  }

  get pid(): number {
    return this.child.pid;
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/__reset`, { method: 'POST' });
  }

  async stats(prefix = ''): Promise<{ count: number; first: number | null; last: number | null }> {
    return (await (await fetch(`${this.url}/__stats?prefix=${encodeURIComponent(prefix)}`)).json()) as {
      count: number;
      first: number | null;
      last: number | null;
    };
  }

  async receipts(): Promise<Receipt[]> {
    const rows = (await (await fetch(`${this.url}/__receipts`)).json()) as Array<[string, number]>;
    return rows.map(([eventId, at]) => ({ eventId, at }));
  }

  /** Waits until `expected` receipts (with this event id prefix) arrived, or nothing arrived for `quietMs`, or `maxMs` passed. */
  async settle(opts: { prefix?: string; expected?: number; quietMs?: number; maxMs?: number } = {}): Promise<number> {
    const deadline = Date.now() + (opts.maxMs ?? 60_000);
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const n = (await this.stats(opts.prefix)).count;
      if (opts.expected !== undefined && n >= opts.expected) return n;
      if (n !== last) {
        last = n;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange >= (opts.quietMs ?? 2000) || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    await this.child.stop();
  }
}

export interface LagStats {
  deliveries: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Lag (ms) from each delivery's createdAt to its first receipt. */
export function lagStats(receipts: Receipt[], rows: Array<{ eventId: string; createdAt: number }>): LagStats {
  const first = new Map<string, number>();
  for (const r of receipts) if (!first.has(r.eventId)) first.set(r.eventId, r.at);
  const lags: number[] = [];
  for (const row of rows) {
    const at = first.get(row.eventId);
    if (at !== undefined) lags.push(Math.max(0, at - row.createdAt));
  }
  lags.sort((a, b) => a - b);
  return {
    deliveries: lags.length,
    p50: percentile(lags, 50),
    p90: percentile(lags, 90),
    p99: percentile(lags, 99),
    max: lags.length ? lags[lags.length - 1]! : NaN,
  };
}
