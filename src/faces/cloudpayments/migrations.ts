// The DDL history of the CloudPayments tables (store.ts defines them): a released migration is never edited, a change
// is a new one. One set for both dialects.
import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../store/migrations.js';

export const cloudpaymentsMigrations: Migrations = {
  '0500_cloudpayments': () => ({
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cloudpayments_notifications')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('is_enabled', 'integer', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('http_method', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('cloudpayments_notifications_pk', ['merchant_id', 'type'])
        .execute();
      await db.schema
        .createTable('cloudpayments_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('require_confirmation', 'integer', (c) => c.notNull())
        .addColumn('start_date', 'bigint', (c) => c.notNull())
        .addColumn('interval', 'text', (c) => c.notNull())
        .addColumn('period', 'integer', (c) => c.notNull())
        .addColumn('max_periods', 'integer')
        .addColumn('culture_name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('successful', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('last_transaction_at', 'bigint')
        .addColumn('next_transaction_at', 'bigint')
        .addColumn('period_at', 'bigint')
        .addColumn('receipt', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cloudpayments_subscriptions_account')
        .on('cloudpayments_subscriptions')
        .columns(['merchant_id', 'account_id'])
        .execute();
      await db.schema
        .createTable('cloudpayments_orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('require_confirmation', 'integer', (c) => c.notNull())
        .addColumn('invoice_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('culture_name', 'text')
        .addColumn('success_redirect_url', 'text')
        .addColumn('fail_redirect_url', 'text')
        .addColumn('json_data', 'text')
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cloudpayments_invoices')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('invoice_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cloudpayments_invoices_lookup')
        .on('cloudpayments_invoices')
        .columns(['merchant_id', 'invoice_id'])
        .execute();
    },
  }),
  '0501_cloudpayments_receipts': () => ({
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cloudpayments_receipts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('inn', 'text', (c) => c.notNull())
        .addColumn('invoice_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('customer_receipt', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  }),
  /**
   * Orders become checkouts (the core's lifecycle): an order's status, its payment and its paid time move to
   * `checkouts` under the same id.
   */
  '0502_cloudpayments_order_checkouts': () => ({
    async up(db: Kysely<unknown>) {
      await sql`insert into checkouts (id, merchant_id, face, kind, state, subject_type, subject_id, attempts, max_attempts,
          expires_at, created_at, updated_at, closed_at)
        select id, merchant_id, 'cloudpayments', 'order',
          case status when 'Created' then 'open' when 'Paid' then 'paid' else 'cancelled' end,
          case when payment_id is null then null else 'payment' end, payment_id,
          case when payment_id is null then 0 else 1 end, null, null, created_at, updated_at,
          case status when 'Paid' then paid_at when 'Cancelled' then updated_at else null end
        from cloudpayments_orders`.execute(db);
      for (const column of ['status', 'payment_id', 'paid_at', 'updated_at'])
        await db.schema.alterTable('cloudpayments_orders').dropColumn(column).execute();
    },
  }),
};
