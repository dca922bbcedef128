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

type Send = (config: unknown, values?: unknown[]) => Promise<unknown>;

/** A result of a query (the last statement's, when the text held several). */
function lastResult(r: unknown): unknown {
  return Array.isArray(r) ? r[r.length - 1] : r;
}

export class StatementBatch {
  private pending: string[] = [];
  private beginPending = false;
  private inTransaction = false;
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

  /** Records the transaction's round trips in the store's statistics. */
  finish(): void {
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
    if (text !== null) this.note(text);
    if (text !== null && /^\s*rollback\s+to\b/i.test(text)) {
      // the writes not sent yet were all made after the savepoint (sending the savepoint sent everything before
      // it): the rollback would undo them, so they are dropped
      this.pending = [];
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

  private roundTrip(config: unknown, values?: unknown[]): Promise<unknown> {
    this.roundTrips++;
    this.stats.roundTrips++;
    return values === undefined ? this.send(config) : this.send(config, values);
  }

  private record(kind: 'transaction' | 'read', roundTrips: number, statements: string[]): void {
    const recent = this.stats.recent;
    recent.push({ kind, roundTrips, statements });
    if (recent.length > RECENT_KEPT) recent.shift();
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
