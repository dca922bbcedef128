// Numopay-owned tables: accounts, charge/refill tokens, webhook endpoints, checkout sessions.
import type { Kysely, Transaction } from 'kysely';
import type { Tx } from '../../core/ports.js';
import type { MigrationFactory } from '../../store/migrations.js';
import { num, numOrNull } from '../../store/rows.js';

interface NumopayAccountsTable {
  id: string;
  merchant_id: string;
  currency: string;
  created_at: bigint | number;
}
interface NumopayTokensTable {
  token: string;
  merchant_id: string;
  account_id: string;
  kind: string;
  subject_id: bigint | number;
  order_slug: string;
  link: string | null;
  redirect_url: string | null;
  expires_at: bigint | number;
  used_at: bigint | number | null;
  created_at: bigint | number;
}
interface NumopayWebhookEndpointsTable {
  id: string;
  merchant_id: string;
  account_id: string;
  url: string;
  event: string;
  created_at: bigint | number;
  updated_at: bigint | number;
}
interface NumopayCheckoutSessionsTable {
  id: string;
  token: string;
  merchant_id: string;
  account_id: string;
  payment_id: bigint | number;
  items: string;
  success_url: string;
  cancel_url: string;
  created_at: bigint | number;
}
export interface NumopayDatabase {
  numopay_accounts: NumopayAccountsTable;
  numopay_tokens: NumopayTokensTable;
  numopay_webhook_endpoints: NumopayWebhookEndpointsTable;
  numopay_checkout_sessions: NumopayCheckoutSessionsTable;
}

export const numopayMigrations: Record<string, MigrationFactory> = {
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

export interface NumopayAccount {
  id: string;
  merchantId: string;
  currency: string;
  createdAt: number;
}
export interface NumopayToken {
  token: string;
  merchantId: string;
  accountId: string;
  kind: 'charge' | 'refill';
  subjectId: number;
  orderSlug: string;
  link: string | null;
  redirectUrl: string | null;
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}
export interface WebhookEndpoint {
  id: string;
  merchantId: string;
  accountId: string;
  url: string;
  event: string;
  createdAt: number;
  updatedAt: number;
}
export interface CheckoutSession {
  id: string;
  token: string;
  merchantId: string;
  accountId: string;
  paymentId: number;
  items: CheckoutItem[];
  successUrl: string;
  cancelUrl: string;
  createdAt: number;
}
export interface CheckoutItem {
  name: string;
  description?: string;
  images?: string[];
  amount: string;
  currency: string;
}

function db(tx: Tx): Kysely<NumopayDatabase> | Transaction<NumopayDatabase> {
  return tx.raw as Kysely<NumopayDatabase>;
}

const toAccount = (r: NumopayAccountsTable): NumopayAccount => ({
  id: r.id,
  merchantId: r.merchant_id,
  currency: r.currency,
  createdAt: num(r.created_at),
});
const toToken = (r: NumopayTokensTable): NumopayToken => ({
  token: r.token,
  merchantId: r.merchant_id,
  accountId: r.account_id,
  kind: r.kind as NumopayToken['kind'],
  subjectId: num(r.subject_id),
  orderSlug: r.order_slug,
  link: r.link,
  redirectUrl: r.redirect_url,
  expiresAt: num(r.expires_at),
  usedAt: numOrNull(r.used_at),
  createdAt: num(r.created_at),
});
const toEndpoint = (r: NumopayWebhookEndpointsTable): WebhookEndpoint => ({
  id: r.id,
  merchantId: r.merchant_id,
  accountId: r.account_id,
  url: r.url,
  event: r.event,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});
const toSession = (r: NumopayCheckoutSessionsTable): CheckoutSession => ({
  id: r.id,
  token: r.token,
  merchantId: r.merchant_id,
  accountId: r.account_id,
  paymentId: num(r.payment_id),
  items: JSON.parse(r.items) as CheckoutItem[],
  successUrl: r.success_url,
  cancelUrl: r.cancel_url,
  createdAt: num(r.created_at),
});

export const numopayStore = {
  async insertAccount(tx: Tx, a: NumopayAccount): Promise<void> {
    await db(tx)
      .insertInto('numopay_accounts')
      .values({ id: a.id, merchant_id: a.merchantId, currency: a.currency, created_at: a.createdAt })
      .execute();
  },
  async listAccounts(tx: Tx, merchantId: string): Promise<NumopayAccount[]> {
    return (
      await db(tx)
        .selectFrom('numopay_accounts')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).map(toAccount);
  },
  async getAccount(tx: Tx, merchantId: string, id: string): Promise<NumopayAccount | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_accounts')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toAccount(r);
  },
  async findAccountByCurrency(tx: Tx, merchantId: string, currency: string): Promise<NumopayAccount | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_accounts')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('currency', '=', currency)
      .executeTakeFirst();
    return r && toAccount(r);
  },
  async insertToken(tx: Tx, t: NumopayToken): Promise<void> {
    await db(tx)
      .insertInto('numopay_tokens')
      .values({
        token: t.token,
        merchant_id: t.merchantId,
        account_id: t.accountId,
        kind: t.kind,
        subject_id: t.subjectId,
        order_slug: t.orderSlug,
        link: t.link,
        redirect_url: t.redirectUrl,
        expires_at: t.expiresAt,
        used_at: t.usedAt,
        created_at: t.createdAt,
      })
      .execute();
  },
  async getToken(tx: Tx, token: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('token', '=', token).executeTakeFirst();
    return r && toToken(r);
  },
  async getTokenByLink(tx: Tx, link: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('link', '=', link).executeTakeFirst();
    return r && toToken(r);
  },
  async getTokenBySlug(tx: Tx, orderSlug: string): Promise<NumopayToken | undefined> {
    const r = await db(tx).selectFrom('numopay_tokens').selectAll().where('order_slug', '=', orderSlug).executeTakeFirst();
    return r && toToken(r);
  },
  async getTokenBySubject(tx: Tx, kind: 'charge' | 'refill', subjectId: number): Promise<NumopayToken | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_tokens')
      .selectAll()
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();
    return r && toToken(r);
  },
  /** Uses a token once: false when it was already used (also by a concurrent request). */
  async useToken(tx: Tx, token: string, at: number, link: string | null): Promise<boolean> {
    const res = await db(tx)
      .updateTable('numopay_tokens')
      .set({ used_at: at, link })
      .where('token', '=', token)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  async insertEndpoint(tx: Tx, e: WebhookEndpoint): Promise<void> {
    await db(tx)
      .insertInto('numopay_webhook_endpoints')
      .values({
        id: e.id,
        merchant_id: e.merchantId,
        account_id: e.accountId,
        url: e.url,
        event: e.event,
        created_at: e.createdAt,
        updated_at: e.updatedAt,
      })
      .execute();
  },
  async getEndpoint(tx: Tx, accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const r = await db(tx)
      .selectFrom('numopay_webhook_endpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toEndpoint(r);
  },
  async updateEndpoint(tx: Tx, e: WebhookEndpoint): Promise<void> {
    await db(tx)
      .updateTable('numopay_webhook_endpoints')
      .set({ url: e.url, event: e.event, updated_at: e.updatedAt })
      .where('id', '=', e.id)
      .execute();
  },
  async deleteEndpoint(tx: Tx, id: string): Promise<void> {
    await db(tx).deleteFrom('numopay_webhook_endpoints').where('id', '=', id).execute();
  },
  async listEndpoints(tx: Tx, accountId: string): Promise<WebhookEndpoint[]> {
    return (
      await db(tx)
        .selectFrom('numopay_webhook_endpoints')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).map(toEndpoint);
  },
  async insertSession(tx: Tx, s: CheckoutSession): Promise<void> {
    await db(tx)
      .insertInto('numopay_checkout_sessions')
      .values({
        id: s.id,
        token: s.token,
        merchant_id: s.merchantId,
        account_id: s.accountId,
        payment_id: s.paymentId,
        items: JSON.stringify(s.items),
        success_url: s.successUrl,
        cancel_url: s.cancelUrl,
        created_at: s.createdAt,
      })
      .execute();
  },
  async getSession(tx: Tx, id: string): Promise<CheckoutSession | undefined> {
    const r = await db(tx).selectFrom('numopay_checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSession(r);
  },
  async getSessionByPayment(tx: Tx, paymentId: number): Promise<CheckoutSession | undefined> {
    const r = await db(tx).selectFrom('numopay_checkout_sessions').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
    return r && toSession(r);
  },
};
