// One set of migrations for both dialects: the history of the DDL (a migration once released is never edited; a
// change is a new one). Each face brings its own (named `<nnnn>_<face>`, in the face's store.ts); whoever opens a
// store passes the core's and its faces' (`migrationsFor`). Every migration gets the dialect so that the few
// differences stay explicit. The tables are defined for the code in tables.ts (and the faces' store.ts); a test
// checks that what these migrations make is what is defined there.
import { Kysely, Migrator, sql, type CreateTableBuilder, type Migration, type MigrationProvider } from 'kysely';
import { MAX_STORED } from '../core/money.js';

export type Dialect = 'sqlite' | 'postgres';
export type MigrationFactory = (dialect: Dialect) => Migration;
/** Migrations by name; they run in the order of their names. */
export type Migrations = Record<string, MigrationFactory>;

/** An auto-incrementing bigint primary key named `id`. */
export function serialId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'bigserial', (c) => c.primaryKey());
}

const BIG = 'bigint' as const;

const core: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('merchants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', BIG, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addUniqueConstraint('credentials_face_key', ['face', 'key'])
      .execute();
    await db.schema.createIndex('credentials_merchant').on('credentials').column('merchant_id').execute();

    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('debits_pending', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('debits_posted', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('credits_pending', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('credits_posted', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addUniqueConstraint('accounts_owner', ['merchant_id', 'currency', 'kind'])
      .addCheckConstraint(
        'accounts_nonneg',
        sql`debits_pending >= 0 and debits_posted >= 0 and credits_pending >= 0 and credits_posted >= 0`,
      )
      .execute();

    await serialId(db.schema.createTable('ledger_transfers'), dialect)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('debit_account_id', 'text', (c) => c.notNull())
      .addColumn('credit_account_id', 'text', (c) => c.notNull())
      .addColumn('amount', BIG, (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('pending_id', BIG)
      .addColumn('pending_state', 'text')
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addCheckConstraint('ledger_transfers_positive', sql`amount >= 0 and debit_account_id <> credit_account_id`)
      .execute();
    // a pending transfer is resolved (posted or voided) exactly once
    await db.schema
      .createIndex('ledger_transfers_pending_once')
      .on('ledger_transfers')
      .column('pending_id')
      .unique()
      .where(sql.ref('pending_id'), 'is not', null)
      .execute();
    await db.schema.createIndex('ledger_transfers_ref').on('ledger_transfers').columns(['ref_type', 'ref_id']).execute();
    await db.schema.createIndex('ledger_transfers_debit').on('ledger_transfers').column('debit_account_id').execute();
    await db.schema.createIndex('ledger_transfers_credit').on('ledger_transfers').column('credit_account_id').execute();

    if (dialect === 'postgres') {
      await sql`create sequence transaction_id_seq start with 1000001`.execute(db);
    } else {
      await db.schema
        .createTable('sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', BIG, (c) => c.notNull())
        .execute();
      await db.insertInto('sequences').values({ name: 'transaction_id', value: 1000000 }).execute();
    }

    await db.schema
      .createTable('cards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
      .addColumn('pan_encrypted', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('first6', 'text', (c) => c.notNull())
      .addColumn('last4', 'text', (c) => c.notNull())
      .addColumn('brand', 'text', (c) => c.notNull())
      .addColumn('exp_month', BIG, (c) => c.notNull())
      .addColumn('exp_year', BIG, (c) => c.notNull())
      .addColumn('holder', 'text')
      .addColumn('created_at', BIG, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('card_tokens')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('card_id', 'text', (c) => c.notNull())
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payer_ref', 'text')
      .addColumn('expires_at', BIG)
      .addColumn('used_at', BIG)
      .addColumn('created_at', BIG, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('card_tokens_merchant').on('card_tokens').columns(['merchant_id', 'face', 'created_at']).execute();

    const cardColumns = <T extends string>(t: CreateTableBuilder<T, any>) =>
      t
        .addColumn('card_id', 'text')
        .addColumn('card_first6', 'text')
        .addColumn('card_last4', 'text')
        .addColumn('card_brand', 'text')
        .addColumn('card_exp_month', BIG)
        .addColumn('card_exp_year', BIG)
        .addColumn('card_holder', 'text');

    await cardColumns(
      db.schema
        .createTable('payments')
        .addColumn('id', BIG, (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('face', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', BIG, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('captured_amount', BIG, (c) => c.notNull().defaultTo(0))
        .addColumn('refunded_amount', BIG, (c) => c.notNull().defaultTo(0))
        .addColumn('capture_mode', 'text', (c) => c.notNull()),
    )
      .addColumn('decline_reason', 'text')
      .addColumn('auth_code', 'text')
      .addColumn('rrn', 'text')
      .addColumn('hold_transfer_id', BIG)
      .addColumn('challenge_id', 'text')
      .addColumn('description', 'text')
      .addColumn('invoice_id', 'text')
      .addColumn('payer_ref', 'text')
      .addColumn('email', 'text')
      .addColumn('ip', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('test_mode', BIG, (c) => c.notNull().defaultTo(1))
      .addColumn('expires_at', BIG)
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('updated_at', BIG, (c) => c.notNull())
      .addColumn('authorized_at', BIG)
      .addColumn('captured_at', BIG)
      .addColumn('voided_at', BIG)
      .addColumn('declined_at', BIG)
      .addCheckConstraint(
        'payments_amounts',
        sql`amount >= 0 and captured_amount >= 0 and captured_amount <= amount and refunded_amount >= 0 and refunded_amount <= captured_amount`,
      )
      .execute();
    await db.schema.createIndex('payments_merchant_created').on('payments').columns(['merchant_id', 'created_at']).execute();
    await db.schema.createIndex('payments_merchant_invoice').on('payments').columns(['merchant_id', 'invoice_id']).execute();

    await db.schema
      .createTable('refunds')
      .addColumn('id', BIG, (c) => c.primaryKey())
      .addColumn('payment_id', BIG, (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('amount', BIG, (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('transfer_id', BIG)
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', BIG, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();

    await cardColumns(
      db.schema
        .createTable('payouts')
        .addColumn('id', BIG, (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('face', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount', BIG, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull()),
    )
      .addColumn('decline_reason', 'text')
      .addColumn('hold_transfer_id', BIG)
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('expires_at', BIG)
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('updated_at', BIG, (c) => c.notNull())
      .addColumn('completed_at', BIG)
      .execute();
    await db.schema.createIndex('payouts_merchant_created').on('payouts').columns(['merchant_id', 'created_at']).execute();

    await db.schema
      .createTable('challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('otp_code', 'text')
      .addColumn('attempts', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('display', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('expires_at', BIG, (c) => c.notNull())
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('completed_at', BIG)
      .execute();
    await db.schema.createIndex('challenges_merchant').on('challenges').columns(['merchant_id', 'created_at']).execute();

    await db.schema
      .createTable('refs')
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('refs_pk', ['face', 'merchant_id', 'kind', 'ref'])
      .execute();
    await db.schema.createIndex('refs_subject').on('refs').columns(['subject_type', 'subject_id']).execute();
    await db.schema.createIndex('refs_ref').on('refs').column('ref').execute();

    await serialId(db.schema.createTable('outbox'), dialect)
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('fanned_out', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', BIG, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['fanned_out', 'id']).execute();
    await db.schema.createIndex('outbox_subject').on('outbox').columns(['subject_type', 'subject_id']).execute();

    await serialId(db.schema.createTable('deliveries'), dialect)
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('max_attempts', BIG, (c) => c.notNull())
      .addColumn('next_attempt_at', BIG, (c) => c.notNull())
      .addColumn('locked_until', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('last_status', BIG)
      .addColumn('last_error', 'text')
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('delivered_at', BIG)
      .execute();
    await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('deliveries_subject').on('deliveries').columns(['subject_type', 'subject_id']).execute();
    await db.schema.createIndex('deliveries_merchant').on('deliveries').columns(['merchant_id', 'id']).execute();

    await serialId(db.schema.createTable('delivery_attempts'), dialect)
      .addColumn('delivery_id', BIG, (c) => c.notNull())
      .addColumn('attempt', BIG, (c) => c.notNull())
      .addColumn('at', BIG, (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('response_status', BIG)
      .addColumn('response_body', 'text')
      .addColumn('duration_ms', BIG, (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').column('delivery_id').execute();

    await db.schema
      .createTable('idempotency')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('response_status', BIG)
      .addColumn('response_headers', 'text')
      .addColumn('response_body', 'text')
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('expires_at', BIG, (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_pk', ['scope', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_expiry').on('idempotency').column('expires_at').execute();

    await serialId(db.schema.createTable('jobs'), dialect)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('run_at', BIG, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', BIG, (c) => c.notNull().defaultTo(0))
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('last_error', 'text')
      .addUniqueConstraint('jobs_kind_ref', ['kind', 'ref'])
      .execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
});

const apiLog: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    await serialId(db.schema.createTable('api_requests'), dialect)
      .addColumn('at', BIG, (c) => c.notNull())
      .addColumn('merchant_id', 'text')
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('status', BIG, (c) => c.notNull())
      .addColumn('duration_ms', BIG, (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('subjects', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('request_body', 'text')
      .addColumn('response_body', 'text')
      .execute();
    await db.schema.createIndex('api_requests_merchant').on('api_requests').columns(['merchant_id', 'id']).execute();
    await db.schema.createIndex('api_requests_at').on('api_requests').column('at').execute();
  },
});

/**
 * Guards on the ledger (see ledger-guards.ts): account totals and transfer amounts are integers, never negative, and
 * an account's posted plus pending debits (and credits) stay within a signed 64-bit integer, so that posting a hold
 * can never overflow. PostgreSQL's bigint already refuses values past its range: it gets the sum's constraint.
 * SQLite turns an integer sum past the range into a floating-point number without a word, and its CHECKs cannot be
 * added to a table: `accounts` and `ledger_transfers` are rebuilt with them (in one transaction, with their rows,
 * indexes and transfer id sequence), so existing data folders upgrade in place.
 */
const SUM_FITS = (side: 'debits' | 'credits') =>
  `case when ${side}_pending >= 0 then ${side}_posted <= ${MAX_STORED} - ${side}_pending else true end`;

const ledgerLimits: MigrationFactory = (dialect) => ({
  async up(db: Kysely<any>) {
    if (dialect === 'postgres') {
      await sql
        .raw(`alter table accounts add constraint accounts_totals_fit check (${SUM_FITS('debits')} and ${SUM_FITS('credits')})`)
        .execute(db);
      return;
    }
    await db.transaction().execute(async (trx) => {
      const totals = ['debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'];
      await sql
        .raw(
          `create table accounts_new (
            id text primary key,
            merchant_id text not null,
            currency text not null,
            kind text not null,
            ${totals.map((c) => `${c} bigint not null default 0`).join(',\n')},
            created_at bigint not null,
            constraint accounts_owner unique (merchant_id, currency, kind),
            constraint accounts_integer check (${totals.map((c) => `typeof(${c}) = 'integer'`).join(' and ')}),
            constraint accounts_nonneg check (${totals.map((c) => `${c} >= 0`).join(' and ')}),
            constraint accounts_totals_fit check (${SUM_FITS('debits')} and ${SUM_FITS('credits')})
          )`,
        )
        .execute(trx);
      const accountCols = ['id', 'merchant_id', 'currency', 'kind', ...totals, 'created_at'].join(', ');
      await sql.raw(`insert into accounts_new (${accountCols}) select ${accountCols} from accounts`).execute(trx);
      await sql.raw('drop table accounts').execute(trx);
      await sql.raw('alter table accounts_new rename to accounts').execute(trx);

      await sql
        .raw(
          `create table ledger_transfers_new (
            id integer primary key autoincrement,
            kind text not null,
            debit_account_id text not null,
            credit_account_id text not null,
            amount bigint not null,
            currency text not null,
            pending_id bigint,
            pending_state text,
            code text not null,
            ref_type text,
            ref_id text,
            created_at bigint not null,
            constraint ledger_transfers_integer check (typeof(amount) = 'integer'),
            constraint ledger_transfers_positive check (amount >= 0 and debit_account_id <> credit_account_id)
          )`,
        )
        .execute(trx);
      const transferCols =
        'id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, pending_state, code, ref_type, ref_id, created_at';
      await sql.raw(`insert into ledger_transfers_new (${transferCols}) select ${transferCols} from ledger_transfers`).execute(trx);
      // ids of deleted transfers are not given again: the sequence goes on from where it was
      await sql.raw(`delete from sqlite_sequence where name = 'ledger_transfers_new'`).execute(trx);
      await sql
        .raw(
          `insert into sqlite_sequence (name, seq) values ('ledger_transfers_new', max(
            coalesce((select seq from sqlite_sequence where name = 'ledger_transfers'), 0),
            coalesce((select max(id) from ledger_transfers_new), 0)))`,
        )
        .execute(trx);
      await sql.raw('drop table ledger_transfers').execute(trx);
      await sql.raw('alter table ledger_transfers_new rename to ledger_transfers').execute(trx);
      await trx.schema
        .createIndex('ledger_transfers_pending_once')
        .on('ledger_transfers')
        .column('pending_id')
        .unique()
        .where(sql.ref('pending_id'), 'is not', null)
        .execute();
      await trx.schema.createIndex('ledger_transfers_ref').on('ledger_transfers').columns(['ref_type', 'ref_id']).execute();
      await trx.schema.createIndex('ledger_transfers_debit').on('ledger_transfers').column('debit_account_id').execute();
      await trx.schema.createIndex('ledger_transfers_credit').on('ledger_transfers').column('credit_account_id').execute();
    });
  },
});

/**
 * Checkouts (core/checkouts.ts): the lifecycle of what a payer pays once. The faces' own tables keep their fields
 * under the same id; their migrations move the rows they had before (each face's `*_checkouts` migration).
 */
const checkoutsTable: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('checkouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('face', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text')
      .addColumn('subject_id', BIG)
      .addColumn('attempts', BIG, (c) => c.notNull())
      .addColumn('max_attempts', BIG)
      .addColumn('expires_at', BIG)
      .addColumn('created_at', BIG, (c) => c.notNull())
      .addColumn('updated_at', BIG, (c) => c.notNull())
      .addColumn('closed_at', BIG)
      .execute();
    await db.schema.createIndex('checkouts_subject').on('checkouts').columns(['subject_type', 'subject_id']).execute();
  },
});

/** The core's migrations. */
export const coreMigrations: Migrations = {
  '0001_core': core,
  '0002_api_log': apiLog,
  '0003_ledger_limits': ledgerLimits,
  '0004_checkouts': checkoutsTable,
};

/** The core's migrations and those of each face (a name used twice is refused). */
export function migrationsFor(faces: ReadonlyArray<{ readonly migrations?: Migrations | undefined }>): Migrations {
  const out: Migrations = { ...coreMigrations };
  for (const f of faces)
    for (const [name, factory] of Object.entries(f.migrations ?? {})) {
      if (out[name] && out[name] !== factory) throw new Error(`duplicate migration name ${name}`);
      out[name] = factory;
    }
  return out;
}

export function migrationProvider(migrations: Migrations, dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const name of Object.keys(migrations).sort()) out[name] = migrations[name]!(dialect);
      return out;
    },
  };
}

export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, migrations: Migrations): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(migrations, dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Tables created by migrations, in an order safe to empty. */
export async function listTables(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_') && n !== 'sequences');
}
