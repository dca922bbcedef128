// Numopay-owned tables: accounts, charge/refill tokens, webhook endpoints, checkout sessions.
import type { Kysely } from 'kysely';
import type { Tx } from '../../core/ports.js';
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
    subjectId: int(),
    orderSlug: text(),
    link: text().nullable(),
    redirectUrl: text().nullable(),
    expiresAt: int(),
    usedAt: int().nullable(),
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
    paymentId: int(),
    items: json<CheckoutItem[]>(),
    successUrl: text(),
    cancelUrl: text(),
    createdAt: int(),
  }),
};
export type NumopayDatabase = DatabaseOf<typeof numopayTables>;
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
};

export type NumopayAccount = RecordOf<typeof T.accounts.definition>;
export type NumopayToken = RecordOf<typeof T.tokens.definition>;
export type WebhookEndpoint = RecordOf<typeof T.webhookEndpoints.definition>;
export type CheckoutSession = RecordOf<typeof T.checkoutSessions.definition>;
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
    const r = await db(tx)
      .selectFrom('numopay_accounts')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && T.accounts.read(r);
  },
  async findAccountByCurrency(tx: Tx, merchantId: string, currency: string): Promise<NumopayAccount | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_accounts')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('currency', '=', currency)
      .executeTakeFirst();
    return r && T.accounts.read(r);
  },
  async insertToken(tx: Tx, t: NumopayToken): Promise<void> {
    await db(tx).insertInto('numopay_tokens').values(T.tokens.write(t)).execute();
  },
  async getToken(tx: Tx, token: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('token', '=', token).executeTakeFirst();
    return r && T.tokens.read(r);
  },
  async getTokenByLink(tx: Tx, link: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('link', '=', link).executeTakeFirst();
    return r && T.tokens.read(r);
  },
  async getTokenBySlug(tx: Tx, orderSlug: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('order_slug', '=', orderSlug).executeTakeFirst();
    return r && T.tokens.read(r);
  },
  async getTokenBySubject(tx: Tx, kind: 'charge' | 'refill', subjectId: number): Promise<NumopayToken | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_tokens')
      .selectAll()
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();
    return r && T.tokens.read(r);
  },
  /** Uses a token once: false when it was already used (also by a concurrent request). */
  async useToken(tx: Tx, token: string, at: number, link: string | null): Promise<boolean> {
    const res = await db(tx)
      .updateTable('numopay_tokens')
      .set(T.tokens.write({ usedAt: at, link }))
      .where('token', '=', token)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
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
    const rows = await db(tx)
      .selectFrom('numopay_webhook_endpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => T.webhookEndpoints.read(r));
  },
  async insertSession(tx: Tx, s: CheckoutSession): Promise<void> {
    await db(tx).insertInto('numopay_checkout_sessions').values(T.checkoutSessions.write(s)).execute();
  },
  async getSession(tx: Tx, id: string): Promise<CheckoutSession | undefined> {
    const r = await db(tx).selectFrom('numopay_checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && T.checkoutSessions.read(r);
  },
  async getSessionByPayment(tx: Tx, paymentId: number): Promise<CheckoutSession | undefined> {
    const r = await db(tx).selectFrom('numopay_checkout_sessions').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
    return r && T.checkoutSessions.read(r);
  },
};
