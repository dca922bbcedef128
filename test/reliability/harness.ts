// The checks every fuzzed request of a face goes through: a status in 200..499 (never a 5xx), the provider's
// documented body (its error shape on a 4xx), its own row in the request log and no other (attributed to no
// merchant, or to the one whose valid credentials it carried), and, for a refused request, no change to any
// other row of any table of the store (outbox, jobs and deliveries included) but the ones its test names as
// changing by design. Counts go to test-output/fuzz-<face>-<store>.json.
import { expect } from 'vitest';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import type { TestGateway } from '../helpers/gateway.js';
import { sendFull, StoreWatch, type FuzzRequest } from '../helpers/fuzz.js';
import { errorShape, successShape } from './faces.js';

export type FaceName = 'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay';
const FACES: FaceName[] = ['numopay', 'cloudpayments', 'novapay', 'mbill', 'way2pay'];

/** Runs per property and per store (each fuzzing file runs on SQLite and on PostgreSQL). */
export const RUNS = Number(process.env.POLYPAY_FUZZ_RUNS ?? 150);

export interface Answer {
  status: number;
  type: string;
  text: string;
  json: any;
  requestId: string | null;
}

export interface Expectation {
  /** the request must be refused (a 4xx) */
  refused?: boolean;
  /** a 2xx answer that is nevertheless an error (CloudPayments answers most errors with HTTP 200) */
  isError?: (a: Answer) => boolean;
  /** HTML answers are accepted (payer pages under the face) */
  pages?: boolean;
  /** the merchant whose valid credentials the request carries: its log row may name it (and no other) */
  merchant?: string | null;
  /** tables a refused request may change by design, beyond the harness's own list */
  mayChange?: string[];
  /** a refusal whose effect is designed (a wrong one-time code counts an attempt, the last one fails the object) */
  designedChange?: (a: Answer) => boolean;
}

/** A known, reported defect: answers it matches are counted under its label instead of failing the shape check. */
export type KnownBug = (r: FuzzRequest, a: Answer) => string | null;

export class FuzzHarness {
  readonly counts = {
    face: '',
    store: '',
    runsPerProperty: RUNS,
    properties: {} as Record<string, number>,
    requests: 0,
    statuses: {} as Record<string, number>,
    statusesByProperty: {} as Record<string, Record<string, number>>,
    stateChecks: 0,
    stateChanges: 0,
    logChecks: 0,
    logRows: 0,
    logProblems: 0,
    serverErrors: 0,
    crashes: 0,
    knownBugs: {} as Record<string, number>,
  };
  private readonly watch: StoreWatch;
  /** tables a refused request may change by design in this harness's properties (none unless named) */
  readonly mayChange: string[];
  readonly knownBug: KnownBug;

  constructor(
    readonly h: TestGateway,
    readonly face: FaceName,
    opts: { mayChange?: string[]; knownBug?: KnownBug } = {},
  ) {
    this.counts.face = face;
    this.counts.store = h.target.kind;
    this.mayChange = opts.mayChange ?? [];
    this.knownBug = opts.knownBug ?? (() => null);
    this.watch = new StoreWatch(() => h.gw);
  }

  get base(): string {
    return `${this.h.url}/${this.face}`;
  }

  /** Freezes the sandbox clock (nothing becomes due while fuzzing) and takes the first digest. */
  async start(): Promise<void> {
    this.h.gw.clock.freeze();
    await this.watch.mark();
  }

  /** Takes a fresh digest (after setup steps that change state on purpose). */
  async resync(): Promise<void> {
    await this.watch.mark();
  }

  /** Sends one fuzzed request and checks it; returns the answer. */
  async send(property: string, r: FuzzRequest, e: Expectation = {}): Promise<Answer> {
    const what = `${r.method} ${r.path}${r.query} [${r.body.length} bytes] ${JSON.stringify(r.headers).slice(0, 300)}`;
    this.counts.properties[property] = (this.counts.properties[property] ?? 0) + 1;
    this.counts.requests++;
    if (process.env.POLYPAY_FUZZ_LOG)
      appendFileSync(
        process.env.POLYPAY_FUZZ_LOG,
        `${property}: ${r.method} ${r.path}${r.query} ${JSON.stringify(r.headers).slice(0, 500)} ${r.body.length} ${r.body.subarray(0, 300).toString('latin1')}\n`,
      );
    let a: Answer;
    try {
      a = await sendFull(this.base, r);
    } catch (e) {
      throw new Error(`${what}: no answer (${(e as Error).message})`);
    }
    // fetch resolves dot segments (/face/%2e%2e is a request to the gateway root, or to another face), and the
    // gateway collapses repeated slashes
    const pathname = new URL(this.base + r.path).pathname.replace(/\/{2,}/g, '/');
    const logFace = FACES.find((f) => pathname === `/${f}` || pathname.startsWith(`/${f}/`)) ?? null;
    const underFace = logFace === this.face;
    // the store is compared before any check, so that a failed check leaves the next request a true baseline
    const watched = await this.watch.check([{ requestId: a.requestId, face: logFace, method: r.method, merchant: e.merchant ?? null }]);
    this.counts.logChecks++;
    this.counts.logRows += watched.logged.length;
    if (watched.logProblems.length) this.counts.logProblems++;
    this.counts.statuses[a.status] = (this.counts.statuses[a.status] ?? 0) + 1;
    const byProperty = (this.counts.statusesByProperty[property] ??= {});
    byProperty[a.status] = (byProperty[a.status] ?? 0) + 1;
    if (a.status >= 500) this.counts.serverErrors++;
    expect(a.status, `${what} → ${a.text.slice(0, 300)}`).toBeLessThan(500);
    expect(a.status, what).toBeGreaterThanOrEqual(200);
    if (e.refused) expect(a.status, `${what} should be refused → ${a.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(watched.logProblems, `${what} → ${a.status}: the request log`).toEqual([]);
    const refused = a.status >= 400 || (underFace && e.isError?.(a) === true);
    if (refused && !(underFace && e.designedChange?.(a))) {
      const changed = watched.changed.filter((t) => !this.mayChange.includes(t) && !e.mayChange?.includes(t));
      this.counts.stateChecks++;
      if (changed.length) this.counts.stateChanges++;
      expect(changed, `${what} → ${a.status} ${a.text.slice(0, 200)} changed the store`).toEqual([]);
    }
    if (!underFace) return a;
    if (process.env.POLYPAY_FUZZ_LOG) appendFileSync(process.env.POLYPAY_FUZZ_LOG, `  → ${a.status} ${a.text.slice(0, 200)}\n`);
    const html = a.type.startsWith('text/html');
    const bodiless = r.method === 'HEAD' || a.status === 204;
    const bug = this.knownBug(r, a);
    if (bug) this.counts.knownBugs[bug] = (this.counts.knownBugs[bug] ?? 0) + 1;
    if (!bug && !bodiless && !(e.pages && (html || a.type.startsWith('application/javascript')))) {
      if (a.status >= 400) expect(errorShape[this.face](a.json), `${what} → ${a.status} ${a.type} ${a.text.slice(0, 300)}`).toBe(true);
      else if (a.status < 300 && a.type.includes('json'))
        expect(successShape[this.face](a.json), `${what} → ${a.status} ${a.text.slice(0, 300)}`).toBe(true);
    }
    return a;
  }

  /** The server is still up and its ledger balances; writes the counts. */
  async finish(): Promise<void> {
    const health = await fetch(`${this.h.url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (health !== 200) this.counts.crashes++;
    expect(health).toBe(200);
    await this.h.gw.engine.read((tx) => this.h.gw.engine.ledger.verify(tx));
    this.h.gw.clock.unfreeze();
  }

  write(): void {
    mkdirSync('test-output', { recursive: true });
    writeFileSync(`test-output/fuzz-${this.face}-${this.counts.store}.json`, JSON.stringify(this.counts, null, 2) + '\n');
  }
}

/** Header values fetch accepts (printable ASCII). */
export function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '').trim();
}
