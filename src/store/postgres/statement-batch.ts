// One pooled connection as the query layer sees it, with the writes of its transaction that nobody waits for.
//
// A repository marks a write whose answer nobody reads (no RETURNING, no affected-row check) as deferrable
// (`Queries.write`); in a PostgreSQL transaction it is not sent at once but kept here, in order, and sent in the
// same round trip as the next statement that needs an answer (a read, a RETURNING insert, a checked update), or
// with the COMMIT. BEGIN travels with the first statement too. The statements of one round trip go as one
// simple-protocol query (several statements in one text, their values written in as literals: inline-sql.ts):
// PostgreSQL runs them in order and stops at the first that fails, so a deferred write that fails fails the
// statement it travels with, and the transaction with it; nothing is acknowledged before COMMIT returns.
//
// Every statement that needs an answer still goes through `query` below, so nothing can overtake a deferred
// write: reads through the transaction see its writes, and the order of the writes is the order they were made.
//
// Reads made together (`together`: the core asks for reads that do not depend on each other at once, such as a
// payment's card and its merchant's accounts, and a face a payment's lock with its merchant's settings) are held
// until the event loop's turn ends and then sent in one round trip, in the order they were made, each after the
// deferred writes made before it.
import type pg from 'pg';
import { ledgerGuardError } from '../ledger-guards.js';
import { inlineParameters } from './inline-sql.js';

/** Round trips to PostgreSQL, counted by the store (exposed for tests and the benchmark). */
export interface RoundTripStats {
  /** every query sent and answered */
  roundTrips: number;
  /** transactions committed or rolled back */
  transactions: number;
  /** the last transactions and statements outside one (reads), newest last: round trips and statements run */
  recent: Array<{ kind: 'transaction' | 'read'; roundTrips: number; statements: string[] }>;
}

export const RECENT_KEPT = 256;

/** Adds a transaction or a read to the store's recent ones (the oldest dropped past RECENT_KEPT). */
export function recordRecent(stats: RoundTripStats, entry: RoundTripStats['recent'][number]): void {
  stats.recent.push(entry);
  if (stats.recent.length > RECENT_KEPT) stats.recent.shift();
}

type Send = (config: unknown, values?: unknown[]) => Promise<unknown>;

/** A result of a query (the last statement's, when the text held several). */
function lastResult(r: unknown): unknown {
  return Array.isArray(r) ? r[r.length - 1] : r;
}

/** A read held to travel with the other reads made together with it. */
interface HeldRead {
  config: string;
  values: unknown[] | undefined;
  /** the read as one statement of a list, its values written in */
  inlined: string;
  /** how many deferred writes were made before it */
  after: number;
  resolve(r: unknown): void;
  reject(e: unknown): void;
}

/**
 * A read, plain or locking (`for update`): the only statement held to travel with others made together. A locking
 * read holds the plain reads sent with it no longer than it is held itself, since PostgreSQL answers the round trip
 * once its last statement has run.
 */
const READ = /^\s*select\b/i;

export class StatementBatch {
  private pending: string[] = [];
  private beginPending = false;
  private inTransaction = false;
  /** open `together` calls */
  private gathering = 0;
  private held: HeldRead[] = [];
  private flushScheduled = false;
  /** incremented when a rollback to a savepoint undoes writes (rows a transaction remembers are then stale) */
  undoCount = 0;
  /** round trips since the last `track` */
  roundTrips = 0;
  /** the statements sent since the last `track` (their first words), when tracking */
  statements: string[] | null = null;

  constructor(
    private readonly send: Send,
    private readonly stats: RoundTripStats,
  ) {}

  /** Starts a transaction: BEGIN is sent with the first statement. */
  begin(): void {
    this.pending = [];
    this.beginPending = true;
    this.inTransaction = true;
    this.roundTrips = 0;
    this.statements = [];
  }

  /**
   * Runs fn, whose reads made in the same turn of the event loop are sent together in one round trip (fn's reads
   * must not depend on each other). Outside a transaction, fn runs as it is.
   */
  async together<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.inTransaction) return fn();
    this.gathering++;
    try {
      return await fn();
    } finally {
      this.gathering--;
    }
  }

  /** Records the transaction's round trips in the store's statistics. */
  finish(): void {
    this.dropHeld();
    this.stats.transactions++;
    this.record('transaction', this.roundTrips, this.statements ?? []);
    this.statements = null;
    this.inTransaction = false;
    this.beginPending = false;
    this.pending = [];
  }

  /**
   * Keeps a write to send with the next statement that needs an answer, or with COMMIT. False (nothing kept) when
   * the connection is not in a transaction or a value cannot be written as a literal: the caller sends it itself.
   */
  defer(text: string, params: readonly unknown[]): boolean {
    if (!this.inTransaction) return false;
    const inlined = inlineParameters(text, params);
    if (inlined === null) return false;
    this.pending.push(inlined);
    this.note(text);
    return true;
  }

  /** Rolls the transaction back: its deferred writes are dropped unsent, and nothing is sent if BEGIN was not. */
  async rollback(): Promise<void> {
    this.dropHeld();
    this.pending = [];
    if (this.beginPending) {
      this.beginPending = false;
      return;
    }
    await this.roundTrip('rollback');
  }

  /** A statement of the query layer: it carries the deferred writes (and BEGIN) with it. */
  async query(config: unknown, values?: unknown[]): Promise<unknown> {
    const text = typeof config === 'string' ? config : null;
    if (text !== null && this.gathering > 0 && this.inTransaction && READ.test(text)) {
      const inlined = inlineParameters(text, values ?? []);
      if (inlined !== null) return this.hold(text, values, inlined);
    }
    // a statement made after reads still held goes after them
    if (this.held.length > 0) await this.flushHeld();
    if (text !== null) this.note(text);
    const rollbackTo = text === null ? null : /^\s*rollback\s+to\s+(?:savepoint\s+)?("?)(\w+)\1/i.exec(text);
    if (rollbackTo) {
      // the writes not sent yet that were made after the savepoint are dropped (the rollback would undo them);
      // a savepoint not sent yet itself (a deferred write) is sent, with what was made before it
      const savepoint = new RegExp(`^\\s*savepoint\\s+"?${rollbackTo[2]!}"?\\s*$`, 'i');
      let at = this.pending.length - 1;
      while (at >= 0 && !savepoint.test(this.pending[at]!)) at--;
      this.pending = this.pending.slice(0, at + 1);
      this.undoCount++;
    }
    if (!this.beginPending && this.pending.length === 0) {
      if (!this.inTransaction && text !== null) this.record('read', 1, [text.slice(0, 80)]);
      return this.roundTrip(config, values);
    }
    const head = (this.beginPending ? 'begin;\n' : '') + this.pending.map((s) => s + ';\n').join('');
    const deferred = this.pending.length > 0;
    this.beginPending = false;
    this.pending = [];
    const inlined = text === null ? null : inlineParameters(text, values ?? []);
    try {
      if (inlined !== null) return lastResult(await this.roundTrip(head + inlined));
      await this.roundTrip(head);
    } catch (e) {
      // a deferred write's refusal by a ledger guard answers as its coded error, as it would have at once
      throw deferred ? ledgerGuardError(e) : e;
    }
    return this.roundTrip(config, values);
  }

  /** Holds a read made together with others until the event loop's turn ends. */
  private hold(config: string, values: unknown[] | undefined, inlined: string): Promise<unknown> {
    this.note(config);
    return new Promise((resolve, reject) => {
      this.held.push({ config, values, inlined, after: this.pending.length, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flushHeld());
      }
    });
  }

  /**
   * Sends the held reads in one round trip, in the order they were made, each after the deferred writes made
   * before it (and BEGIN first if it was not sent); writes deferred after the last of them stay deferred.
   */
  private async flushHeld(): Promise<void> {
    this.flushScheduled = false;
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    const parts: string[] = this.beginPending ? ['begin'] : [];
    /** the index of each held read's result among the statements' */
    const slots: number[] = [];
    let sent = 0;
    for (const h of held) {
      parts.push(...this.pending.slice(sent, h.after));
      sent = h.after;
      slots.push(parts.length);
      parts.push(h.inlined);
    }
    this.beginPending = false;
    this.pending = this.pending.slice(sent);
    try {
      if (parts.length === 1) {
        // one read alone: as any statement (by its prepared name)
        held[0]!.resolve(await this.roundTrip(held[0]!.config, held[0]!.values));
        return;
      }
      const r = await this.roundTrip(parts.join(';\n'));
      const results = Array.isArray(r) ? r : [r];
      held.forEach((h, i) => h.resolve(results[slots[i]!]));
    } catch (e) {
      // a deferred write's refusal by a ledger guard answers as its coded error, as it would have at once
      const err = sent > 0 ? ledgerGuardError(e) : e;
      for (const h of held) h.reject(err);
    }
  }

  /** The transaction ended: reads still held are never sent. */
  private dropHeld(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.reject(new Error('the transaction ended before its read was sent'));
  }

  /**
   * A statement sent at once and on its own: it carries neither BEGIN nor the deferred writes, so it waits for no
   * row lock they might wait for. Only for a statement whose effect is outside the transaction (a block of ids
   * claimed with nextval: id-blocks.ts).
   */
  sendAlone(text: string): Promise<unknown> {
    this.note(text);
    return this.roundTrip(text);
  }

  private roundTrip(config: unknown, values?: unknown[]): Promise<unknown> {
    this.roundTrips++;
    this.stats.roundTrips++;
    return values === undefined ? this.send(config) : this.send(config, values);
  }

  private record(kind: 'transaction' | 'read', roundTrips: number, statements: string[]): void {
    recordRecent(this.stats, { kind, roundTrips, statements });
  }

  private note(text: string): void {
    if (this.statements && this.statements.length < 200) this.statements.push(text.slice(0, 80));
  }
}

/** The client the query layer gets from the pool: its queries go through the connection's batch. */
export interface BatchedClient {
  readonly batch: StatementBatch;
  query(config: unknown, values?: unknown[]): Promise<unknown>;
  release(e?: Error | boolean): void;
}

/**
 * The text of a statement that is never sent: executed through a transaction's connection with a holder object as
 * its one parameter, it hands the holder that connection's batch (postgres-store.ts).
 */
export const ATTACH_BATCH = '-- polypay: attach the statement batch';

export interface BatchHolder {
  batch: StatementBatch | null;
}

export function batchedClient(client: pg.PoolClient, send: Send, stats: RoundTripStats): BatchedClient {
  const batch = new StatementBatch(send, stats);
  return {
    batch,
    query(config: unknown, values?: unknown[]) {
      if (config === ATTACH_BATCH) {
        (values![0] as BatchHolder).batch = batch;
        return Promise.resolve({ command: 'SELECT', rowCount: 0, rows: [] });
      }
      return batch.query(config, values);
    },
    release: (e?: Error | boolean) => client.release(e),
  };
}
