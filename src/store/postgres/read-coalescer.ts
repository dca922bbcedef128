// Reads outside a transaction, made by all the requests in flight, travel together.
//
// A read outside a transaction (a status read, an authentication's credential lookup, the reads a command makes
// before its transaction) needs no connection of its own: its statement is held until the event loop's turn ends,
// and then the statements held by every request of that turn go to PostgreSQL in one round trip per group of up to
// MAX_PER_TRIP, as one simple-protocol query (their values written in as literals: inline-sql.ts). Each read gets
// its own statement's rows. Under load the round trips of reads fall from one per statement to a few per turn; a
// lone read waits one turn.
//
// Statements of one query run in one implicit transaction but each sees what was committed when it started (READ
// COMMITTED), as it would alone: a read made after a commit sees it. A statement that fails stops the statements
// after it, so a group that fails is sent again one statement at a time, and each read gets its own answer or error.
// A read that locks rows (`for update`/`for share`) or whose values cannot be written as literals is sent alone.
import type pg from 'pg';
import { inlineParameters } from './inline-sql.js';
import { recordRecent, type RoundTripStats } from './statement-batch.js';

/** At most this many statements per round trip: a slow read delays only the reads of its own group. */
export const MAX_PER_TRIP = 32;

const PLAIN_READ = /^\s*select\b/i;
const LOCKING = /\bfor\s+(?:no\s+key\s+)?(?:update|share|key\s+share)\b/i;

type Send = (text: string, values?: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;

interface Held {
  text: string;
  values: readonly unknown[];
  inlined: string;
  resolve(r: pg.QueryResult): void;
  reject(e: unknown): void;
}

export class ReadCoalescer {
  private held: Held[] = [];
  private scheduled = false;

  constructor(
    /** sends one query on a pooled connection (taken for the query alone) */
    private readonly send: Send,
    private readonly stats: RoundTripStats,
  ) {}

  /** The read's result, once its group's round trip is answered; null when the statement is not a read to hold. */
  read(text: string, values: readonly unknown[]): Promise<pg.QueryResult> | null {
    if (!PLAIN_READ.test(text) || LOCKING.test(text)) return null;
    const inlined = inlineParameters(text, values);
    if (inlined === null) return null;
    return new Promise((resolve, reject) => {
      this.held.push({ text, values, inlined, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i += MAX_PER_TRIP) void this.trip(held.slice(i, i + MAX_PER_TRIP));
  }

  private async trip(group: Held[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]!);
    let results: pg.QueryResult[] = [];
    try {
      const r = await this.roundTrip(
        group.map((h) => h.inlined).join(';\n'),
        group.map((h) => h.text),
      );
      results = Array.isArray(r) ? r : [r];
    } catch {
      // one statement failed and stopped the rest (handled below)
    }
    // every statement answered, one result each: each read its own. Otherwise each is sent again on its own, for its
    // own answer or error
    if (results.length === group.length) group.forEach((h, i) => h.resolve(results[i]!));
    else await Promise.all(group.map((h) => this.alone(h)));
  }

  private async alone(h: Held): Promise<void> {
    try {
      const r = await this.roundTrip(h.text, [h.text], [...h.values]);
      h.resolve(Array.isArray(r) ? r[r.length - 1]! : r);
    } catch (e) {
      h.reject(e);
    }
  }

  private roundTrip(text: string, statements: string[], values?: unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> {
    this.stats.roundTrips++;
    recordRecent(this.stats, { kind: 'read', roundTrips: 1, statements: statements.map((s) => s.slice(0, 80)) });
    return values === undefined ? this.send(text) : this.send(text, values);
  }
}
