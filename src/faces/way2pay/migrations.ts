// The DDL history of the Way2Pay tables (store.ts defines them): a released migration is never edited, a change is a
// new one. One set for both dialects.
import { sql, type Kysely } from 'kysely';
import { serialId, type Migrations } from '../../store/migrations.js';

const BIG = 'bigint' as const;

export const way2payMigrations: Migrations = {
  '0400_way2pay': (dialect) => ({
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('way2pay_nonces')
        .addColumn('public_key', 'text', (c) => c.primaryKey())
        .addColumn('last_nonce', BIG, (c) => c.notNull())
        .addColumn('updated_at', BIG, (c) => c.notNull())
        .execute();
      await serialId(db.schema.createTable('way2pay_requisites'), dialect)
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('bank_id', BIG, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('is_active', BIG, (c) => c.notNull())
        .addColumn('last_used_at', BIG, (c) => c.notNull())
        .addColumn('created_at', BIG, (c) => c.notNull())
        .addUniqueConstraint('way2pay_requisites_value', ['merchant_id', 'bank_id', 'kind', 'value'])
        .execute();
      await serialId(db.schema.createTable('way2pay_commissions'), dialect)
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('bank_id', BIG, (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('percent_bp', BIG, (c) => c.notNull())
        .addColumn('min_amount', BIG, (c) => c.notNull())
        .addColumn('max_amount', BIG, (c) => c.notNull())
        .addColumn('is_active', BIG, (c) => c.notNull())
        .addUniqueConstraint('way2pay_commissions_key', ['merchant_id', 'direction', 'bank_id', 'method'])
        .execute();
      await db.schema
        .createTable('way2pay_payins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('tracker_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', BIG, (c) => c.notNull())
        .addColumn('commission', BIG, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('bank_id', BIG, (c) => c.notNull())
        .addColumn('bank_fixed', BIG, (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('requisite_id', BIG)
        .addColumn('receiver', 'text')
        .addColumn('holder', 'text')
        .addColumn('description', 'text')
        .addColumn('callback_url', 'text')
        .addColumn('paid_amount', BIG)
        .addColumn('hold_net_id', BIG)
        .addColumn('hold_fee_id', BIG)
        .addColumn('expires_at', BIG, (c) => c.notNull())
        .addColumn('created_at', BIG, (c) => c.notNull())
        .addColumn('updated_at', BIG, (c) => c.notNull())
        .addUniqueConstraint('way2pay_payins_external', ['merchant_id', 'external_id'])
        .execute();
      await db.schema.createIndex('way2pay_payins_list').on('way2pay_payins').columns(['merchant_id', 'created_at']).execute();
      await db.schema
        .createTable('way2pay_payouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('tracker_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', BIG, (c) => c.notNull())
        .addColumn('commission', BIG, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('bank_id', BIG, (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('receiver', 'text', (c) => c.notNull())
        .addColumn('card_id', 'text')
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('callback_url', 'text', (c) => c.notNull())
        .addColumn('hold_amount_id', BIG)
        .addColumn('hold_fee_id', BIG)
        .addColumn('decline_reason', 'text')
        .addColumn('expires_at', BIG, (c) => c.notNull())
        .addColumn('created_at', BIG, (c) => c.notNull())
        .addColumn('updated_at', BIG, (c) => c.notNull())
        .addUniqueConstraint('way2pay_payouts_external', ['merchant_id', 'external_id'])
        .execute();
      await db.schema.createIndex('way2pay_payouts_list').on('way2pay_payouts').columns(['merchant_id', 'created_at']).execute();
    },
  }),
  /**
   * A nonce is accepted by an update that the table refuses unless the nonce is greater than the last one, so that
   * nobody waits for the update's answer (nonces.ts): the nonce accepted before the last is kept beside it, and a
   * CHECK keeps the last above it. Existing rows get -1 below their last nonce (never negative).
   */
  '0401_way2pay_nonce_order': (dialect) => ({
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql
          .raw(
            `alter table way2pay_nonces add column previous_nonce bigint not null default -1,
               add constraint way2pay_nonces_increase check (last_nonce > previous_nonce)`,
          )
          .execute(db);
        return;
      }
      // SQLite adds a column with its CHECK (tested against the rows already there)
      await sql
        .raw(
          `alter table way2pay_nonces add column previous_nonce bigint not null default -1
             constraint way2pay_nonces_increase check (last_nonce > previous_nonce)`,
        )
        .execute(db);
    },
  }),
};
