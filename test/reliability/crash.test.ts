// Crash safety: a gateway child process under a mixed load of ten clients (Numopay charges and refills,
// CloudPayments one- and two-stage payments, refunds and payouts, Mbill transfers, Way2Pay pay-ins and
// pay-outs; webhooks to a receiver that fails now and then) is killed with SIGKILL while requests are in flight,
// and restarted. After each kill the store is read directly: every acknowledged write is there exactly once,
// nothing refused or unasked-for is, amounts are exact, nothing is half-written, the ledger balances. After each
// restart every acknowledged write is sent again (its idempotency key must answer as the face promises) and every
// write the kill cut off is retried with its key and must end with exactly one effect. The figures are counted by
// the run and written to test-output/crash-<store>.json; the assertions read those counts.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { migrationsFor } from '../../src/store/migrations.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { Ledger } from '../../src/core/ledger.js';
import { systemClock } from '../../src/core/clock.js';
import type { Store } from '../../src/core/ports.js';
import { ChildGateway } from '../helpers/child-gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';
import { eventually } from '../helpers/eventually.js';
import { crashMerchants, crashSeed, Load, OP_KINDS, type Op } from './crash-load.js';
import { consistencyFaults, effectsOf, readStore, tally, type StoreView } from './crash-effects.js';

const KILLS = Number(process.env.POLYPAY_CRASH_KILLS ?? 6);
const CLIENTS = 10;
/** acknowledged writes per store and run, at least */
const MIN_ACKNOWLEDGED = 200;
/** requests whose answer had not arrived when the kill signal was sent, at least, at every kill */
const MIN_IN_FLIGHT = 1;
/** acknowledged writes a round waits for before its kill: enough for the minimum, plus a random share */
const ROUND_ACKS = Math.ceil((MIN_ACKNOWLEDGED * 1.1) / KILLS);
/** The one refusal the load can meet by design: a payout larger than the merchant's balance at that moment. */
const mayBeRefused = (o: Op) =>
  (o.kind === 'np_refill' || o.kind === 'cp_topup') && /Insufficient funds on the (account )?balance/.test(o.refusal ?? '');

async function withStore<T>(target: StoreTarget, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: migrationsFor(ALL_FACES) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Polls a condition of this process's own state (no timing is asserted); gives up after `ms` without progress. */
async function until(cond: () => boolean, progress: () => number = () => 0, ms = 30_000): Promise<void> {
  let last = progress();
  let since = Date.now();
  while (!cond()) {
    await new Promise((r) => setTimeout(r, 1));
    if (progress() !== last) [last, since] = [progress(), Date.now()];
    else if (Date.now() - since > ms) return;
  }
}

interface Round {
  round: number;
  sent: number;
  acknowledged: number;
  inFlightAtKill: number;
  cutOff: number;
  /** cut-off writes whose effect the store already held after the kill (done, but never answered) */
  cutOffDoneBeforeKill: number;
  /** the gateway was still running when it was killed (it had not died on its own) */
  aliveAtKill: boolean;
}

/** Findings of every check, each counted once however many checks see it. */
class Findings {
  readonly lost = new Set<string>();
  readonly duplicated = new Set<string>();
  readonly unexpected = new Set<string>();
  readonly money = new Set<string>();
  readonly consistency = new Set<string>();
  add(view: StoreView, ops: Op[]): void {
    const t = tally(view, ops);
    for (const [set, lines] of [
      [this.lost, t.lost],
      [this.duplicated, t.duplicated],
      [this.unexpected, t.unexpected],
      [this.money, t.money],
      [this.consistency, consistencyFaults(view)],
    ] as const)
      for (const l of lines) set.add(l);
  }
}

describe.each(STORES)('crash safety on %s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'polypay-crash-'));
  let gw: ChildGateway | undefined;
  let rx: Receiver | undefined;

  afterAll(async () => {
    await gw?.stop();
    await rx?.close();
  });

  it(`loses and duplicates nothing across ${KILLS} SIGKILLs with requests in flight`, async () => {
    const startedAt = Date.now();
    const target = await freshStore(kind);
    rx = await new Receiver().start();
    rx.responseBody = '{"code":0}';
    const merchants = crashMerchants(CLIENTS);
    gw = new ChildGateway(target, ChildGateway.writeSeed(dir, crashSeed(merchants, rx.url)), {}, { bundled: true });
    let info = await gw.start();
    const key = (await (await fetch(`${info.url}/cloudpayments/payments/publickey`)).json()) as { Pem: string; Version: number };
    const receiver = rx;
    // every fourth scenario makes the receiver fail its next request
    const load = new Load(merchants, rx.url, { pem: key.Pem, version: key.Version }, (n) => {
      if (n % 4 === 0) receiver.failNext = 1;
    });
    load.wire.base = load.after.base = info.url;
    await load.setup();

    const rounds: Round[] = [];
    const replayFaults: string[] = [];
    const found = new Findings();
    const ops = () => load.ops.map((t) => t.op);

    for (let round = 0; round < KILLS; round++) {
      load.round = round;
      load.wire.stopped = false;
      const [sent0, acked0] = [load.wire.sent, load.acked];
      const clients = merchants.map((_, w) => load.client(w));
      const due = ROUND_ACKS + Math.floor(Math.random() * (ROUND_ACKS / 4));
      await until(
        () => load.acked - acked0 >= due,
        () => load.acked,
      );
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      await until(
        () => load.wire.inFlight >= MIN_IN_FLIGHT,
        () => load.wire.sent,
      );
      // no client starts a request from here on; the count is taken just before the signal
      load.wire.stopped = true;
      const inFlightAtKill = load.wire.inFlight;
      const aliveAtKill = gw.proc !== null && gw.proc.exitCode === null && gw.proc.signalCode === null;
      await gw.kill();
      await Promise.all(clients);

      // the store as the kill left it
      const view = await withStore(target, readStore);
      found.add(view, ops());
      const cutOffDoneBeforeKill = load.cutOff.filter((o) => effectsOf(view, o) > 0).length;
      rounds.push({
        round,
        sent: load.wire.sent - sent0,
        acknowledged: load.acked - acked0,
        inFlightAtKill,
        cutOff: load.cutOff.length,
        cutOffDoneBeforeKill,
        aliveAtKill,
      });

      info = await gw.start();
      load.wire.base = load.after.base = info.url;
      replayFaults.push(...(await load.replayAcknowledged()));
      await load.retryCutOffs();
    }
    // the writes acknowledged by the last retries
    replayFaults.push(...(await load.replayAcknowledged()));

    const final = await withStore(target, readStore);
    found.add(final, ops());

    // in the end, every event reaches the receiver at least once, each with a stable event id
    rx.failNext = 0;
    await gw.admin('POST', '/clock/advance', { hours: 2 });
    const deliveries = await withStore(target, (store) =>
      eventually(
        async () => {
          await gw!.admin('POST', '/clock/advance', { minutes: 30 });
          const all = await store.read((tx) => tx.deliveries.list({ limit: 1_000_000 }));
          expect(await store.read((tx) => tx.outbox.countPending())).toBe(0);
          expect(all.filter((d) => d.status !== 'delivered')).toEqual([]);
          await store.read((tx) => new Ledger(systemClock).verify(tx));
          return all;
        },
        60_000,
        500,
      ),
    );
    const bodies = new Map<string, Set<string>>();
    for (const r of rx.requests) {
      const id = r.headers['x-polypay-event-id'];
      if (id) (bodies.get(String(id)) ?? bodies.set(String(id), new Set()).get(String(id))!).add(r.body);
    }
    const undelivered = deliveries.filter((d) => !bodies.has(d.eventId)).map((d) => d.eventId);
    const changing = [...bodies].filter(([, b]) => b.size !== 1).map(([id]) => id);

    // ---- the figures, counted by this run
    const all = ops();
    const cut = all.filter((o) => o.retried);
    const byKind = Object.fromEntries(
      OP_KINDS.map((k) => {
        const of = all.filter((o) => o.kind === k);
        return [
          k,
          {
            acknowledged: of.filter((o) => o.outcome === 'acked').length,
            refused: of.filter((o) => o.outcome === 'refused').length,
            cutOff: of.filter((o) => o.retried).length,
          },
        ];
      }),
    );
    const refused = all.filter((o) => o.outcome === 'refused');
    const reason = (o: Op) => `${o.kind}: ${o.refusal}`;
    const figures = {
      store: kind,
      clients: CLIENTS,
      kills: rounds.length,
      minimums: { acknowledgedWrites: MIN_ACKNOWLEDGED, inFlightAtEachKill: MIN_IN_FLIGHT },
      requestsSent: load.wire.sent,
      writes: all.length,
      acknowledged: all.filter((o) => o.outcome === 'acked').length,
      refused: all.filter((o) => o.outcome === 'refused').length,
      inFlightAtKills: rounds.map((r) => r.inFlightAtKill),
      cutOff: cut.length,
      cutOffDoneBeforeKill: rounds.reduce((n, r) => n + r.cutOffDoneBeforeKill, 0),
      cutOffAcknowledgedAfterRetry: cut.filter((o) => o.outcome === 'acked').length,
      cutOffFoundDoneByARead: cut.filter((o) => o.learnedBy === 'read').length,
      cutOffRefusedOnRetry: cut.filter((o) => o.outcome === 'refused').length,
      cutOffUnresolved: all.filter((o) => o.outcome === 'cut').length,
      refusals: Object.fromEntries([...new Set(refused.map(reason))].map((r) => [r, refused.filter((o) => reason(o) === r).length])),
      replayed: all.filter((o) => o.replayed).length,
      acknowledgedWithoutKey: all.filter((o) => o.outcome === 'acked' && (o.kind === 'np_charge_token' || o.kind === 'np_refill_token'))
        .length,
      replayMismatches: replayFaults.length,
      requestsAfterRestarts: load.after.sent,
      lost: found.lost.size,
      duplicated: found.duplicated.size,
      unexpected: found.unexpected.size,
      amountMismatches: found.money.size,
      halfWritten: found.consistency.size,
      payments: final.payments.length,
      payouts: final.payouts.length,
      refunds: final.refunds.length,
      events: final.events,
      deliveries: deliveries.length,
      received: rx.requests.length,
      byKind,
      rounds,
      durationMs: Date.now() - startedAt,
    };
    mkdirSync('test-output', { recursive: true });
    writeFileSync(join('test-output', `crash-${kind}.json`), JSON.stringify(figures, null, 2) + '\n');

    // ---- assertions on the counted figures
    expect(
      rounds.filter((r) => !r.aliveAtKill),
      'the gateway died on its own',
    ).toEqual([]);
    expect(figures.kills).toBe(KILLS);
    expect(
      rounds.filter((r) => r.inFlightAtKill < MIN_IN_FLIGHT),
      'a kill with no request in flight',
    ).toEqual([]);
    expect(
      rounds.filter((r) => r.cutOff > r.inFlightAtKill),
      'a request failed that was not in flight at the kill',
    ).toEqual([]);
    expect(figures.acknowledged).toBeGreaterThanOrEqual(MIN_ACKNOWLEDGED);
    expect(
      OP_KINDS.filter((k) => byKind[k]!.acknowledged === 0),
      'kinds of write never acknowledged',
    ).toEqual([]);
    expect(figures.cutOff, 'no write was cut off by a kill').toBeGreaterThan(0);
    expect(figures.cutOffUnresolved).toBe(0);
    expect(
      refused.filter((o) => !mayBeRefused(o)).map((o) => `${o.kind} ${o.key}: ${o.refusal}`),
      'refusals',
    ).toEqual([]);
    expect(
      load.unreplayed.map((o) => `${o.kind} ${o.key}`),
      'acknowledged writes never replayed',
    ).toEqual([]);
    expect(replayFaults).toEqual([]);
    expect([...found.lost], 'lost').toEqual([]);
    expect([...found.duplicated], 'duplicated').toEqual([]);
    expect([...found.unexpected], 'unexpected').toEqual([]);
    expect([...found.money], 'amounts').toEqual([]);
    expect([...found.consistency], 'half-written').toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(undelivered, 'deliveries the receiver never saw').toEqual([]);
    expect(changing, 'events delivered with different bodies').toEqual([]);
  }, 600_000);
});
