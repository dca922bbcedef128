// The checks every fuzzed request of a face goes through: a status in 200..499 (never a 5xx), the provider's
// documented body (its error shape on a 4xx), and, for a refused request, no change to any row of the store
// (every table but the request log and the webhook/job queues, which move on their own). Counts go to
// test-output/fuzz-<face>.json.
import { expect } from 'vitest';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import type { TestGateway } from '../helpers/gateway.js';
import { changedTables, sendFull, stateDigest, VOLATILE_TABLES, type FuzzRequest } from '../helpers/fuzz.js';
import { errorShape, successShape } from './faces.js';

export type FaceName = 'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay';

export const RUNS = Number(process.env.POLYPAY_FUZZ_RUNS ?? 300);

export interface Answer {
  status: number;
  type: string;
  text: string;
  json: any;
}

export interface Expectation {
  /** the request must be refused (a 4xx) */
  refused?: boolean;
  /** a 2xx answer that is nevertheless an error (CloudPayments answers most errors with HTTP 200) */
  isError?: (a: Answer) => boolean;
  /** HTML answers are accepted (payer pages under the face) */
  pages?: boolean;
  /** tables a refused request may change by design (a wrong one-time code counts an attempt) */
  mayChange?: string[];
  /** a refusal whose effect is designed (a wrong one-time code counts an attempt, the last one fails the object) */
  designedChange?: (a: Answer) => boolean;
}

/** A known, reported defect: answers it matches are counted under its label instead of failing the shape check. */
export type KnownBug = (r: FuzzRequest, a: Answer) => string | null;

export class FuzzHarness {
  readonly counts = {
    face: '',
    runsPerProperty: RUNS,
    properties: {} as Record<string, number>,
    requests: 0,
    statuses: {} as Record<string, number>,
    statusesByProperty: {} as Record<string, Record<string, number>>,
    stateChecks: 0,
    stateChanges: 0,
    serverErrors: 0,
    crashes: 0,
    knownBugs: {} as Record<string, number>,
  };
  private digest: Record<string, string> | null = null;

  constructor(
    readonly h: TestGateway,
    readonly face: FaceName,
    readonly volatile: string[] = VOLATILE_TABLES,
    readonly knownBug: KnownBug = () => null,
  ) {
    this.counts.face = face;
  }

  get base(): string {
    return `${this.h.url}/${this.face}`;
  }

  /** Freezes the sandbox clock (no scheduled job runs while fuzzing) and takes the first digest. */
  async start(): Promise<void> {
    this.h.gw.clock.freeze();
    await this.settle();
  }

  /** Takes a fresh digest (after setup steps that change state on purpose). */
  async resync(): Promise<void> {
    await this.settle();
  }

  /** Runs the jobs due now (a success may schedule work for "now"), then digests the store. */
  private async settle(): Promise<Record<string, string>> {
    await this.h.gw.engine.scheduler.drain();
    this.digest = await stateDigest(this.h.gw.engine, this.volatile);
    return this.digest;
  }

  /** Sends one fuzzed request and checks it; returns the answer. */
  async send(property: string, r: FuzzRequest, e: Expectation = {}): Promise<Answer> {
    const what = `${r.method} ${r.path}${r.query} [${r.body.length} bytes] ${JSON.stringify(r.headers).slice(0, 300)}`;
    this.counts.properties[property] = (this.counts.properties[property] ?? 0) + 1;
    this.counts.requests++;
    if (!this.digest) await this.settle();
    if (process.env.POLYPAY_FUZZ_LOG) appendFileSync(process.env.POLYPAY_FUZZ_LOG, `${property}: ${r.method} ${r.path}${r.query} ${JSON.stringify(r.headers).slice(0, 500)} ${r.body.length} ${r.body.subarray(0, 300).toString('latin1')}\n`);
    let a: Answer;
    try {
      a = await sendFull(this.base, r);
    } catch (e) {
      throw new Error(`${what}: no answer (${(e as Error).message})`);
    }
    // the store is digested before any check, so that a failed check leaves the next request a true baseline
    const before = this.digest ?? {};
    const after = await this.settle();
    this.counts.statuses[a.status] = (this.counts.statuses[a.status] ?? 0) + 1;
    const byProperty = (this.counts.statusesByProperty[property] ??= {});
    byProperty[a.status] = (byProperty[a.status] ?? 0) + 1;
    if (a.status >= 500) this.counts.serverErrors++;
    expect(a.status, `${what} → ${a.text.slice(0, 300)}`).toBeLessThan(500);
    expect(a.status, what).toBeGreaterThanOrEqual(200);
    if (e.refused) expect(a.status, `${what} should be refused → ${a.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    const html = a.type.startsWith('text/html');
    // fetch resolves dot segments: /face/%2e%2e is a request to the gateway root, not to the face
    const underFace = new URL(this.base + r.path).pathname.startsWith(`/${this.face}/`) || new URL(this.base + r.path).pathname === `/${this.face}`;
    if (!underFace) return a;
    if (process.env.POLYPAY_FUZZ_LOG) appendFileSync(process.env.POLYPAY_FUZZ_LOG, `  → ${a.status} ${a.text.slice(0, 200)}\n`);
    const bodiless = r.method === 'HEAD' || a.status === 204;
    const bug = this.knownBug(r, a);
    if (bug) this.counts.knownBugs[bug] = (this.counts.knownBugs[bug] ?? 0) + 1;
    if (!bug && !bodiless && !(e.pages && (html || a.type.startsWith('application/javascript')))) {
      if (a.status >= 400) expect(errorShape[this.face](a.json), `${what} → ${a.status} ${a.type} ${a.text.slice(0, 300)}`).toBe(true);
      else if (a.status < 300 && a.type.includes('json')) expect(successShape[this.face](a.json), `${what} → ${a.status} ${a.text.slice(0, 300)}`).toBe(true);
    }
    if ((a.status >= 400 || e.isError?.(a)) && !e.designedChange?.(a)) {
      const changed = changedTables(before, after).filter((t) => !e.mayChange?.includes(t));
      this.counts.stateChecks++;
      if (changed.length) this.counts.stateChanges++;
      expect(changed, `${what} → ${a.status} ${a.text.slice(0, 200)} changed the store`).toEqual([]);
    }
    return a;
  }

  /** The server is still up and its ledger balances; writes the counts. */
  async finish(): Promise<void> {
    const health = await fetch(`${this.h.url}/healthz`).then((r) => r.status, () => 0);
    if (health !== 200) this.counts.crashes++;
    expect(health).toBe(200);
    await this.h.gw.engine.read((tx) => this.h.gw.engine.ledger.verify(tx));
    this.h.gw.clock.unfreeze();
  }

  write(): void {
    mkdirSync('test-output', { recursive: true });
    writeFileSync(`test-output/fuzz-${this.face}.json`, JSON.stringify(this.counts, null, 2) + '\n');
  }
}

/** Header values fetch accepts (printable ASCII). */
export function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '').trim();
}
