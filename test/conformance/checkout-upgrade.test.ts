// A store made before checkouts existed upgrades with its data, on both stores: Numopay's tokens and checkout
// sessions, CloudPayments' orders and NovaPay's sessions each become a checkout of the same id, with the lifecycle
// they had (open, used, paid, cancelled, expired), their payment and their lifetime, and the face tables keep only
// their own fields. The old rows are written here as the earlier migrations shaped them; every expected value is
// written from those rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Checkout, Payment, PaymentStatus } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { draftPayment } from '../../src/core/payments.js';
import { ALL_FACES } from '../../src/faces/registry.js';
import { cpStore } from '../../src/faces/cloudpayments/store.js';
import { novapayStore } from '../../src/faces/novapay/store.js';
import { numopayStore } from '../../src/faces/numopay/store.js';
import { migrationProvider, migrationsFor, type Migrations } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { payments } from '../../src/store/tables.js';
import { freshStore, STORES, type StoreTarget } from '../helpers/stores.js';

/** The migrations that made checkouts: an old store has none of them. */
const CHECKOUT_MIGRATIONS = [
  '0004_checkouts',
  '0101_numopay_checkouts',
  '0201_novapay_session_checkouts',
  '0502_cloudpayments_order_checkouts',
];

function before(): Migrations {
  const all = migrationsFor(ALL_FACES);
  for (const name of CHECKOUT_MIGRATIONS) expect(all[name], name).toBeDefined();
  return Object.fromEntries(Object.entries(all).filter(([name]) => !CHECKOUT_MIGRATIONS.includes(name)));
}

function payment(id: number, status: PaymentStatus, expiresAt: number | null = null): Payment {
  return {
    ...draftPayment({ id, merchantId: 'm1', face: 'test', amount: 1000n, currency: 'RUB', captureMode: 'auto', expiresAt }, 1000),
    status,
  };
}

const checkout = (c: Partial<Checkout> & Pick<Checkout, 'id' | 'face' | 'kind'>): Checkout => ({
  merchantId: 'm1',
  state: 'open',
  subjectType: null,
  subjectId: null,
  attempts: 0,
  maxAttempts: null,
  expiresAt: null,
  createdAt: 1000,
  updatedAt: 1000,
  closedAt: null,
  ...c,
});

describe.each(STORES)('a %s store made before checkouts', (kind) => {
  let target: StoreTarget;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
  });

  async function oldStore(t: StoreTarget): Promise<void> {
    const db =
      kind === 'sqlite'
        ? new Kysely<any>({
            dialect: new SqliteDialect({ database: new Database(join(t.dataDir!, 'polypay.sqlite')).defaultSafeIntegers(true) }),
          })
        : new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.databaseUrl, max: 1 }) }) });
    const migrator = new Migrator({ db, provider: migrationProvider(before(), kind), allowUnorderedMigrations: true });
    const r = await migrator.migrateToLatest();
    if (r.error) throw r.error;
    expect(await db.introspection.getTables().then((ts) => ts.some((x) => x.name === 'checkouts'))).toBe(false);

    await db
      .insertInto('payments')
      .values(
        [
          payment(13, 'captured', 2_000_000),
          payment(14, 'captured'),
          payment(15, 'authorized'),
          payment(16, 'requires_authentication'),
        ].map((p) => payments.write(p)),
      )
      .execute();
    const token = { merchant_id: 'm1', account_id: 'a1', redirect_url: null, created_at: 1000 };
    await db
      .insertInto('numopay_tokens')
      .values([
        {
          ...token,
          token: 't-open',
          kind: 'charge',
          subject_id: 11,
          order_slug: 'client_wof_11_ab12',
          link: null,
          expires_at: 1_000_000,
          used_at: null,
        },
        {
          ...token,
          token: 't-used',
          kind: 'refill',
          subject_id: 12,
          order_slug: 'client_frg_12_cd345',
          link: 'L1',
          expires_at: 900_000,
          used_at: 5000,
        },
      ])
      .execute();
    await db
      .insertInto('numopay_checkout_sessions')
      .values({
        id: 'cs_live_1',
        token: 'page-secret',
        merchant_id: 'm1',
        account_id: 'a1',
        payment_id: 13,
        items: '[]',
        success_url: 'https://shop.example/ok',
        cancel_url: 'https://shop.example/no',
        created_at: 1000,
      })
      .execute();
    const order = {
      merchant_id: 'm1',
      amount: 1000,
      currency: 'RUB',
      description: 'Order',
      email: null,
      phone: null,
      require_confirmation: 0,
      invoice_id: null,
      account_id: null,
      culture_name: null,
      success_redirect_url: null,
      fail_redirect_url: null,
      json_data: null,
      extra: '{}',
      created_at: 1000,
    };
    await db
      .insertInto('cloudpayments_orders')
      .values([
        { ...order, id: 'o-created', number: 1, status: 'Created', payment_id: null, paid_at: null, updated_at: 1000 },
        { ...order, id: 'o-paid', number: 2, status: 'Paid', payment_id: 14, paid_at: 7000, updated_at: 7000 },
        { ...order, id: 'o-cancelled', number: 3, status: 'Cancelled', payment_id: null, paid_at: null, updated_at: 8000 },
      ])
      .execute();
    const session = { merchant_id: 'm1', kind: 'acquiring', use_hold: 0, created_at: 1000 };
    await db
      .insertInto('novapay_sessions')
      .values([
        { ...session, id: 's-created', status: 'created', payment_id: null, updated_at: 1000, expires_at: 9_000_000 },
        { ...session, id: 's-holded', status: 'holded', payment_id: 15, updated_at: 6000, expires_at: 9_000_001, express_waybill: 'W1' },
        { ...session, id: 's-3ds', status: 'processing', payment_id: 16, updated_at: 3000, expires_at: 9_000_002 },
        { ...session, id: 's-expired', status: 'expired', payment_id: null, updated_at: 9_500_000, expires_at: 9_000_003 },
      ])
      .execute();
    await db.destroy();
  }

  beforeAll(async () => {
    target = await freshStore(kind);
    await oldStore(target);
    store = await openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations: migrationsFor(ALL_FACES) });
  });

  it("turns Numopay's tokens and checkout sessions into checkouts: one attempt, the token's lifetime, the session's its payment's", async () => {
    const s = store!;
    await s.read(async (tx) => {
      expect(await tx.checkouts.get('t-open')).toEqual(
        checkout({
          id: 't-open',
          face: 'numopay',
          kind: 'charge_token',
          subjectType: 'payment',
          subjectId: 11,
          maxAttempts: 1,
          expiresAt: 1_000_000,
        }),
      );
      const used = await numopayStore.getToken(tx, 't-used');
      expect(used).toEqual({
        token: 't-used',
        merchantId: 'm1',
        accountId: 'a1',
        kind: 'refill',
        orderSlug: 'client_frg_12_cd345',
        link: 'L1',
        redirectUrl: null,
        createdAt: 1000,
        subjectId: 12,
        checkout: checkout({
          id: 't-used',
          face: 'numopay',
          kind: 'refill_token',
          subjectType: 'payout',
          subjectId: 12,
          attempts: 1,
          maxAttempts: 1,
          expiresAt: 900_000,
          updatedAt: 5000,
        }),
      });
      expect(await numopayStore.getTokenBySlug(tx, 'client_wof_11_ab12')).toMatchObject({ token: 't-open', subjectId: 11 });
      const session = await numopayStore.getSessionByPayment(tx, 13);
      expect(session).toMatchObject({ id: 'cs_live_1', token: 'page-secret', paymentId: 13 });
      expect(session!.checkout).toEqual(
        checkout({
          id: 'cs_live_1',
          face: 'numopay',
          kind: 'checkout_session',
          subjectType: 'payment',
          subjectId: 13,
          attempts: 1,
          maxAttempts: 1,
          expiresAt: 2_000_000,
        }),
      );
    });
  });

  it("turns CloudPayments' orders into checkouts with their status, payment and paid time", async () => {
    await store!.read(async (tx) => {
      const created = await cpStore.getOrder(tx, 'o-created');
      expect(created).toMatchObject({ id: 'o-created', number: 1, amount: 1000n, status: 'Created', paymentId: null, paidAt: null });
      expect(created!.checkout).toEqual(checkout({ id: 'o-created', face: 'cloudpayments', kind: 'order' }));
      const paid = await cpStore.getOrder(tx, 'o-paid');
      expect(paid).toMatchObject({ status: 'Paid', paymentId: 14, paidAt: 7000 });
      expect(paid!.checkout).toEqual(
        checkout({
          id: 'o-paid',
          face: 'cloudpayments',
          kind: 'order',
          state: 'paid',
          subjectType: 'payment',
          subjectId: 14,
          attempts: 1,
          updatedAt: 7000,
          closedAt: 7000,
        }),
      );
      expect(await cpStore.getOrder(tx, 'o-cancelled')).toMatchObject({
        status: 'Cancelled',
        paidAt: null,
        checkout: { state: 'cancelled', closedAt: 8000 },
      });
    });
  });

  it("turns NovaPay's sessions into checkouts: paid or held is paid, an attempt in 3-D Secure counts, expired stays expired", async () => {
    await store!.read(async (tx) => {
      const created = await novapayStore.getSession(tx, 's-created');
      expect(created).toMatchObject({ status: 'created', paymentId: null, expiresAt: 9_000_000 });
      expect(created!.checkout).toEqual(
        checkout({ id: 's-created', face: 'novapay', kind: 'session', maxAttempts: 1, expiresAt: 9_000_000 }),
      );
      expect((await novapayStore.getSession(tx, 's-holded'))!).toMatchObject({
        status: 'holded',
        expressWaybill: 'W1',
        paymentId: 15,
        checkout: { state: 'paid', attempts: 1, closedAt: 6000, expiresAt: 9_000_001 },
      });
      expect((await novapayStore.getSession(tx, 's-3ds'))!.checkout).toMatchObject({
        state: 'open',
        subjectId: 16,
        attempts: 1,
        closedAt: null,
      });
      expect((await novapayStore.getSession(tx, 's-expired'))!.checkout).toMatchObject({ state: 'expired', closedAt: 9_500_000 });
    });
  });

  it('leaves the face tables only their own columns, and keeps their unique and lookup indexes', async () => {
    await store!.read(async (tx) => {
      const tables = await tx.db<any>().introspection.getTables();
      const columns = (name: string) => tables.find((t) => t.name === name)!.columns.map((c) => c.name);
      for (const gone of ['subject_id', 'expires_at', 'used_at']) expect(columns('numopay_tokens')).not.toContain(gone);
      expect(columns('numopay_checkout_sessions')).not.toContain('payment_id');
      for (const gone of ['status', 'payment_id', 'paid_at', 'updated_at']) expect(columns('cloudpayments_orders')).not.toContain(gone);
      for (const gone of ['payment_id', 'expires_at']) expect(columns('novapay_sessions')).not.toContain(gone);
      expect(columns('novapay_sessions')).toContain('express_waybill');
    });
    // a waybill number is still unique
    await expect(
      store!.transaction(async (tx) => {
        await tx
          .db<any>()
          .insertInto('novapay_sessions')
          .values({
            id: 's-dup',
            merchant_id: 'm1',
            kind: 'acquiring',
            status: 'created',
            use_hold: 0,
            express_waybill: 'W1',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
      }),
    ).rejects.toThrow(/unique/i);
  });
});
