// Numopay-owned tables: accounts, charge/refill tokens, webhook endpoints, checkout sessions.
import { sql, type Compilable, type Kysely } from 'kysely';
import type { Checkout } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { CHECKOUT_COLUMNS, checkoutOf, type WithCheckouts } from '../../store/checkout-join.js';
import type { Migrations } from '../../store/migrations.js';
import { int, json, table, text, type DatabaseOf, type RecordOf } from '../../store/table.js';

export const numopayTables = {
  accounts: table('numopay_accounts', {
    id: text(),
    merchantId: text(),
    currency: text(),
    createdAt: int(),
  }),
  tokens: table('numopay_tokens', {
    token: text(),
    merchantId: text(),
    accountId: text(),
    kind: text<'charge' | 'refill'>(),
    orderSlug: text(),
    link: text().nullable(),
    redirectUrl: text().nullable(),
    createdAt: int(),
  }),
  webhookEndpoints: table('numopay_webhook_endpoints', {
    id: text(),
    merchantId: text(),
    accountId: text(),
    url: text(),
    event: text(),
    createdAt: int(),
    updatedAt: int(),
  }),
  checkoutSessions: table('numopay_checkout_sessions', {
    id: text(),
    token: text(),
    merchantId: text(),
    accountId: text(),
    items: json<CheckoutItem[]>(),
    successUrl: text(),
    cancelUrl: text(),
    createdAt: int(),
  }),
};
export type NumopayDatabase = WithCheckouts<DatabaseOf<typeof numopayTables>>;
const T = numopayTables;

export const numopayMigrations: Migrations = {
  '0100_numopay': () => ({
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('numopay_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('numopay_accounts_currency', ['merchant_id', 'currency'])
        .execute();
      await db.schema
        .createTable('numopay_tokens')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'bigint', (c) => c.notNull())
        .addColumn('order_slug', 'text', (c) => c.notNull().unique())
        .addColumn('link', 'text', (c) => c.unique())
        .addColumn('redirect_url', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('numopay_webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('numopay_webhook_endpoints_account').on('numopay_webhook_endpoints').column('account_id').execute();
      await db.schema
        .createTable('numopay_checkout_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'bigint', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('success_url', 'text', (c) => c.notNull())
        .addColumn('cancel_url', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  }),
  /**
   * Tokens and checkout sessions become checkouts (the core's lifecycle): a token's expiry and its one use, and the
   * payment or payout each stands for, move to `checkouts` under the same id; a session's lifetime is its payment's.
   */
  '0101_numopay_checkouts': () => ({
    async up(db: Kysely<any>) {
      await sql`insert into checkouts (id, merchant_id, face, kind, state, subject_type, subject_id, attempts, max_attempts,
          expires_at, created_at, updated_at, closed_at)
        select token, merchant_id, 'numopay', case kind when 'charge' then 'charge_token' else 'refill_token' end, 'open',
          case kind when 'charge' then 'payment' else 'payout' end, subject_id, case when used_at is null then 0 else 1 end, 1,
          expires_at, created_at, coalesce(used_at, created_at), null
        from numopay_tokens`.execute(db);
      await sql`insert into checkouts (id, merchant_id, face, kind, state, subject_type, subject_id, attempts, max_attempts,
          expires_at, created_at, updated_at, closed_at)
        select s.id, s.merchant_id, 'numopay', 'checkout_session', 'open', 'payment', s.payment_id,
          case when p.status = 'created' then 0 else 1 end, 1, p.expires_at, s.created_at, s.created_at, null
        from numopay_checkout_sessions s join payments p on p.id = s.payment_id`.execute(db);
      for (const column of ['subject_id', 'expires_at', 'used_at'])
        await db.schema.alterTable('numopay_tokens').dropColumn(column).execute();
      await db.schema.alterTable('numopay_checkout_sessions').dropColumn('payment_id').execute();
    },
  }),
};

export type NumopayAccount = RecordOf<typeof T.accounts.definition>;
export type TokenRow = RecordOf<typeof T.tokens.definition>;
export type SessionRow = RecordOf<typeof T.checkoutSessions.definition>;
/** A charge or refill token: its own fields, the payment or payout it stands for, and its checkout. */
export type NumopayToken = TokenRow & { subjectId: number; checkout: Checkout };
export type WebhookEndpoint = RecordOf<typeof T.webhookEndpoints.definition>;
/** A checkout session: its own fields, its payment, and its checkout. */
export type CheckoutSession = SessionRow & { paymentId: number; checkout: Checkout };
export interface CheckoutItem {
  name: string;
  description?: string;
  images?: string[];
  amount: string;
  currency: string;
}

function db(tx: Tx): Kysely<NumopayDatabase> {
  return tx.db<NumopayDatabase>();
}

/** Tokens with their checkouts (same id). */
function tokens(d: Kysely<NumopayDatabase>) {
  return d
    .selectFrom('numopay_tokens')
    .innerJoin('checkouts', 'checkouts.id', 'numopay_tokens.token')
    .selectAll('numopay_tokens')
    .select(CHECKOUT_COLUMNS);
}

function readToken(r: object): NumopayToken {
  const checkout = checkoutOf(r);
  return { ...T.tokens.read(r), subjectId: checkout.subjectId!, checkout };
}

/** Checkout sessions with their checkouts (same id). */
function sessions(d: Kysely<NumopayDatabase>) {
  return d
    .selectFrom('numopay_checkout_sessions')
    .innerJoin('checkouts', 'checkouts.id', 'numopay_checkout_sessions.id')
    .selectAll('numopay_checkout_sessions')
    .select(CHECKOUT_COLUMNS);
}

function readSession(r: object): CheckoutSession {
  const checkout = checkoutOf(r);
  return { ...T.checkoutSessions.read(r), paymentId: checkout.subjectId!, checkout };
}

/** The first row of one of the face's hot reads (a prepared shape: built and compiled once). */
async function first<Row>(
  tx: Tx,
  key: string,
  build: (d: Kysely<NumopayDatabase>, slot: (i: number) => never) => Compilable<Row>,
  args: readonly unknown[],
): Promise<Row | undefined> {
  return (await tx.prepared(`numopay.${key}`, build, args))[0];
}

export const numopayStore = {
  async insertAccount(tx: Tx, a: NumopayAccount): Promise<void> {
    await db(tx).insertInto('numopay_accounts').values(T.accounts.write(a)).execute();
  },
  async listAccounts(tx: Tx, merchantId: string): Promise<NumopayAccount[]> {
    const rows = await db(tx)
      .selectFrom('numopay_accounts')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => T.accounts.read(r));
  },
  async getAccount(tx: Tx, merchantId: string, id: string): Promise<NumopayAccount | undefined> {
    const r = await first(
      tx,
      'account',
      (d, slot) => d.selectFrom('numopay_accounts').selectAll().where('merchant_id', '=', slot(0)).where('id', '=', slot(1)),
      [merchantId, id],
    );
    return r && T.accounts.read(r);
  },
  async findAccountByCurrency(tx: Tx, merchantId: string, currency: string): Promise<NumopayAccount | undefined> {
    const r = await first(
      tx,
      'accountByCurrency',
      (d, slot) => d.selectFrom('numopay_accounts').selectAll().where('merchant_id', '=', slot(0)).where('currency', '=', slot(1)),
      [merchantId, currency],
    );
    return r && T.accounts.read(r);
  },
  async insertToken(tx: Tx, t: TokenRow): Promise<void> {
    await tx.write(db(tx).insertInto('numopay_tokens').values(T.tokens.write(t)));
  },
  async getToken(tx: Tx, token: string): Promise<NumopayToken | undefined> {
    const r = await first(tx, 'token', (d, slot) => tokens(d).where('numopay_tokens.token', '=', slot(0)), [token]);
    return r && readToken(r);
  },
  /** The token and its checkout, locked for the rest of the transaction (its one attempt is decided under it). */
  async lockToken(tx: Tx, token: string): Promise<NumopayToken | undefined> {
    const postgres = tx.dialect === 'postgres';
    const r = await first(
      tx,
      'lockToken',
      (d, slot) => {
        const q = tokens(d).where('numopay_tokens.token', '=', slot(0));
        return postgres ? q.forUpdate() : q;
      },
      [token],
    );
    return r && readToken(r);
  },
  async getTokenByLink(tx: Tx, link: string): Promise<NumopayToken | undefined> {
    const r = await first(tx, 'tokenByLink', (d, slot) => tokens(d).where('numopay_tokens.link', '=', slot(0)), [link]);
    return r && readToken(r);
  },
  async getTokenBySlug(tx: Tx, orderSlug: string): Promise<NumopayToken | undefined> {
    const r = await first(tx, 'tokenBySlug', (d, slot) => tokens(d).where('numopay_tokens.order_slug', '=', slot(0)), [orderSlug]);
    return r && readToken(r);
  },
  async getTokenBySubject(tx: Tx, kind: 'charge' | 'refill', subjectId: number): Promise<NumopayToken | undefined> {
    const r = await first(
      tx,
      'tokenBySubject',
      (d, slot) =>
        tokens(d)
          .where('checkouts.subject_type', '=', slot(0))
          .where('checkouts.subject_id', '=', slot(1))
          .where('numopay_tokens.kind', '=', slot(2)),
      [kind === 'charge' ? 'payment' : 'payout', subjectId, kind],
    );
    return r && readToken(r);
  },
  /** The link of the hosted page a charge made with the token answered. */
  async setLink(tx: Tx, token: string, link: string): Promise<void> {
    await tx.write(db(tx).updateTable('numopay_tokens').set(T.tokens.write({ link })).where('token', '=', token));
  },
  async insertEndpoint(tx: Tx, e: WebhookEndpoint): Promise<void> {
    await db(tx).insertInto('numopay_webhook_endpoints').values(T.webhookEndpoints.write(e)).execute();
  },
  async getEndpoint(tx: Tx, accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_webhook_endpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && T.webhookEndpoints.read(r);
  },
  async updateEndpoint(tx: Tx, e: WebhookEndpoint): Promise<void> {
    await db(tx)
      .updateTable('numopay_webhook_endpoints')
      .set(T.webhookEndpoints.write({ url: e.url, event: e.event, updatedAt: e.updatedAt }))
      .where('id', '=', e.id)
      .execute();
  },
  async deleteEndpoint(tx: Tx, id: string): Promise<void> {
    await db(tx).deleteFrom('numopay_webhook_endpoints').where('id', '=', id).execute();
  },
  async listEndpoints(tx: Tx, accountId: string): Promise<WebhookEndpoint[]> {
    const rows = await tx.prepared(
      'numopay.endpoints',
      (d: Kysely<NumopayDatabase>, slot) =>
        d.selectFrom('numopay_webhook_endpoints').selectAll().where('account_id', '=', slot(0)).orderBy('created_at').orderBy('id'),
      [accountId],
    );
    return rows.map((r) => T.webhookEndpoints.read(r));
  },
  async insertSession(tx: Tx, s: SessionRow): Promise<void> {
    await tx.write(db(tx).insertInto('numopay_checkout_sessions').values(T.checkoutSessions.write(s)));
  },
  async getSession(tx: Tx, id: string): Promise<CheckoutSession | undefined> {
    const r = await first(tx, 'session', (d, slot) => sessions(d).where('numopay_checkout_sessions.id', '=', slot(0)), [id]);
    return r && readSession(r);
  },
  async getSessionByPayment(tx: Tx, paymentId: number): Promise<CheckoutSession | undefined> {
    const r = await first(
      tx,
      'sessionByPayment',
      (d, slot) => sessions(d).where('checkouts.subject_type', '=', 'payment').where('checkouts.subject_id', '=', slot(0)),
      [paymentId],
    );
    return r && readSession(r);
  },
};
