// Round trips to PostgreSQL of faces' commands whose own writes nobody reads back (Tx.write: they travel with the
// transaction's next statement that needs an answer, or with its COMMIT) and whose independent reads travel together
// (Tx.together): NovaPay's session and its payment, Way2Pay's pay-in, Mbill's transfer. The counts are the store's
// own (postgresRoundTrips); docs/scaling.md explains them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { postgresRoundTrips } from '../../src/store/postgres/postgres-store.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { client, FACES, NOVAPAY_SEED } from '../faces/novapay/setup.js';
import { client as way2payClient, FACES as WAY2PAY_FACES, GEN3, W2P_SEED } from '../faces/way2pay/helpers.js';
import type { Way2PayApiError } from '../../src/faces/way2pay/client.js';
import { card, CARDS, client as mbillClient, startMbill, transferBody } from '../faces/mbill/helpers.js';

describe.each(STORES.filter((k) => k === 'postgres'))("faces' round trips on %s", (kind) => {
  let h: TestGateway;
  beforeAll(async () => {
    h = await startTestGateway(kind, NOVAPAY_SEED, undefined, { faces: FACES });
  });
  afterAll(() => h?.close());

  /** the round trips of the transactions that ran a statement matching `marker` while `call` ran */
  async function transactionsOf(marker: RegExp, call: () => Promise<unknown>): Promise<number[]> {
    const stats = postgresRoundTrips(h.gw.engine.store)!;
    stats.recent.length = 0;
    await call();
    return stats.recent.filter((t) => t.kind === 'transaction' && t.statements.some((s) => marker.test(s))).map((t) => t.roundTrips);
  }

  it('creates a NovaPay session in one round trip and adds its payment in two', async () => {
    const c = client(h);
    // the process's first commands claim their blocks of event ids
    const first = await c.createSession({ client_phone: '+380501112233' });
    await c.addPayment({ session_id: first.id, amount: 1, use_hold: false });
    let id = '';
    // the checkout, the session and its expiry job, all deferred: they travel with the COMMIT
    expect(
      await transactionsOf(/^insert into "novapay_sessions"/, async () => {
        id = (await c.createSession({ client_phone: '+380501112233' })).id;
      }),
    ).toEqual([1]);
    // the session and its checkout locked with the payment's id (nextval) and BEGIN, then its writes (the payment,
    // its references, the checkout, the session, the event) with the COMMIT
    expect(await transactionsOf(/^insert into "payments"/, () => c.addPayment({ session_id: id, amount: 12.34, use_hold: true }))).toEqual([
      2,
    ]);
  });
});

describe.each(STORES.filter((k) => k === 'postgres'))("Way2Pay's round trips on %s", (kind) => {
  let h: TestGateway;
  beforeAll(async () => {
    h = await startTestGateway(kind, W2P_SEED, undefined, { faces: WAY2PAY_FACES });
  });
  afterAll(() => h?.close());

  const payInOf = (c: ReturnType<typeof way2payClient>, externalID: string) =>
    c.createPayIn({
      bankId: 1,
      externalID,
      currencyId: 1,
      callbackURL: 'http://127.0.0.1:9/cb',
      description: 'rt',
      amount: '100',
      method: 'CARD',
    });

  it('creates a pay-in in 2 round trips', async () => {
    const c = way2payClient(h, GEN3);
    await payInOf(c, `rt-first-${Date.now()}`);
    const stats = postgresRoundTrips(h.gw.engine.store)!;
    stats.recent.length = 0;
    await payInOf(c, `rt-${Date.now()}`);
    const txs = stats.recent.filter((t) => t.kind === 'transaction' && t.statements.some((s) => /^insert into "way2pay_payins"/.test(s)));
    // the nonce accepted (its row made if missing: both deferred), the savepoint (deferred), then the demo pool's two
    // counts, the commissions, the requisite they lead to and whether the externalID is taken, together, with BEGIN;
    // the pay-in, its references, job, the requisite marked used, the savepoint's release and the event with the
    // COMMIT
    expect(txs.map((t) => t.roundTrips)).toEqual([2]);
  });

  it('answers 60010 to a pay-in whose externalID a concurrent one takes before its COMMIT, and keeps that one', async () => {
    const c = way2payClient(h, GEN3);
    const x = `rt-race-${Date.now()}`;
    // another request's pay-in with that externalID, inserted and not yet committed while this one runs: this one
    // finds the externalID free, and meets the other's row at its COMMIT
    let commitOther!: () => void;
    const gate = new Promise<void>((resolve) => (commitOther = resolve));
    let inserted!: () => void;
    const otherInserted = new Promise<void>((resolve) => (inserted = resolve));
    const other = h.gw.engine.transaction(async (tx) => {
      const now = Date.now();
      await sql`insert into way2pay_payins (id, merchant_id, external_id, tracker_id, status, amount, commission, currency,
        bank_id, bank_fixed, method, expires_at, created_at, updated_at)
        values (${`race-${now}`}, ${GEN3.merchantId}, ${x}, ${`tr-${now}`}, 'CREATED', 10000, 1060, 'RUB', 1, 1, 'CARD',
        ${now + 60_000}, ${now}, ${now})`.execute(tx.db<any>());
      inserted();
      await gate;
    });
    await otherInserted;
    const mine = payInOf(c, x).then(
      () => 0,
      (e: Way2PayApiError) => e.code,
    );
    // (the request waits at its COMMIT for the other's row: it cannot answer before the other ends)
    await new Promise((r) => setTimeout(r, 300));
    commitOther();
    await other;
    expect(await mine).toBe(60010);
    const list = await c.listPayIns({ externalID: x });
    expect(list.total).toBe(1);
    expect(list.items[0]!.id).toMatch(/^race-/);
  });
});

describe.each(STORES.filter((k) => k === 'postgres'))("Mbill's round trips on %s", (kind) => {
  let h: TestGateway;
  beforeAll(async () => {
    h = await startMbill(kind);
  });
  afterAll(() => h?.close());

  it('creates a transfer in 2 round trips', async () => {
    const create = () => mbillClient(h).createTransfer(transferBody(card(CARDS.visaNo3ds), { type: 'card-number', number: CARDS.mcNo3ds }));
    await create();
    const stats = postgresRoundTrips(h.gw.engine.store)!;
    stats.recent.length = 0;
    await create();
    const txs = stats.recent.filter((t) => t.kind === 'transaction' && t.statements.some((s) => /^insert into "mbill_transfers"/.test(s)));
    // the transfer's id, a free external id, the merchant's credentials (for its webhooks), the sender's card by its
    // fingerprint and the merchant's accounts, together, with BEGIN; the payment, the transfer, its reference, the
    // challenge, the updates, the jobs and the event with the COMMIT
    expect(txs.map((t) => t.roundTrips)).toEqual([2]);
    for (const table of ['credentials', 'cards', 'accounts'])
      expect(txs[0]!.statements.filter((s) => new RegExp(`from "${table}"`).test(s))).toHaveLength(1);
  });
});
