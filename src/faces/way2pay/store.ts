// Way2Pay-owned tables: nonces (last accepted per Public-Key), the requisites pool, commissions, pay-ins
// and pay-outs. Kysely over `tx.raw`; uniqueness (externalID) is a constraint, state changes are
// conditional updates, so concurrent requests and processes cannot both win.
import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import type { Tx } from '../../core/ports.js';
import { serialId, type MigrationFactory } from '../../store/migrations.js';
import { big, num, numOrNull } from '../../store/rows.js';
import type { PayIn, PayOut, RequisiteKind, Way2PayStatus } from './wire.js';

type Int = bigint | number;

interface NoncesTable {
  public_key: string;
  last_nonce: Int;
  updated_at: Int;
}
interface RequisitesTable {
  id: Generated<Int>;
  merchant_id: string;
  bank_id: Int;
  kind: string;
  value: string;
  holder: string;
  is_active: Int;
  last_used_at: Int;
  created_at: Int;
}
interface CommissionsTable {
  id: Generated<Int>;
  merchant_id: string;
  direction: string;
  bank_id: Int;
  method: string;
  percent_bp: Int;
  min_amount: Int;
  max_amount: Int;
  is_active: Int;
}
interface PayInsTable {
  id: string;
  merchant_id: string;
  external_id: string;
  tracker_id: string;
  status: string;
  amount: Int;
  commission: Int;
  currency: string;
  bank_id: Int;
  bank_fixed: Int;
  method: string;
  requisite_id: Int | null;
  receiver: string | null;
  holder: string | null;
  description: string | null;
  callback_url: string | null;
  paid_amount: Int | null;
  hold_net_id: Int | null;
  hold_fee_id: Int | null;
  expires_at: Int;
  created_at: Int;
  updated_at: Int;
}
interface PayOutsTable {
  id: string;
  merchant_id: string;
  external_id: string;
  tracker_id: string;
  status: string;
  amount: Int;
  commission: Int;
  currency: string;
  bank_id: Int;
  method: string;
  receiver: string;
  card_id: string | null;
  holder: string;
  description: string | null;
  callback_url: string;
  hold_amount_id: Int | null;
  hold_fee_id: Int | null;
  decline_reason: string | null;
  expires_at: Int;
  created_at: Int;
  updated_at: Int;
}
export interface Way2PayDatabase {
  way2pay_nonces: NoncesTable;
  way2pay_requisites: RequisitesTable;
  way2pay_commissions: CommissionsTable;
  way2pay_payins: PayInsTable;
  way2pay_payouts: PayOutsTable;
}

const BIG = 'bigint' as const;

export const way2payMigrations: Record<string, MigrationFactory> = {
  '0400_way2pay': (dialect) => ({
    async up(db: Kysely<any>) {
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
};

export interface Requisite {
  id: number;
  merchantId: string;
  bankId: number;
  kind: RequisiteKind;
  value: string;
  holder: string;
  isActive: boolean;
  lastUsedAt: number;
  createdAt: number;
}

export interface Commission {
  id: number;
  merchantId: string;
  direction: 'payin' | 'payout';
  bankId: number;
  method: string;
  percentBp: bigint;
  minAmount: bigint;
  maxAmount: bigint;
  isActive: boolean;
}

function db(tx: Tx): Kysely<Way2PayDatabase> {
  return tx.raw as Kysely<Way2PayDatabase>;
}

const toRequisite = (r: Selectable<RequisitesTable>): Requisite => ({
  id: num(r.id),
  merchantId: r.merchant_id,
  bankId: num(r.bank_id),
  kind: r.kind as RequisiteKind,
  value: r.value,
  holder: r.holder,
  isActive: num(r.is_active) === 1,
  lastUsedAt: num(r.last_used_at),
  createdAt: num(r.created_at),
});
const toCommission = (r: Selectable<CommissionsTable>): Commission => ({
  id: num(r.id),
  merchantId: r.merchant_id,
  direction: r.direction as Commission['direction'],
  bankId: num(r.bank_id),
  method: r.method,
  percentBp: big(r.percent_bp),
  minAmount: big(r.min_amount),
  maxAmount: big(r.max_amount),
  isActive: num(r.is_active) === 1,
});
const toPayIn = (r: PayInsTable): PayIn => ({
  id: r.id,
  merchantId: r.merchant_id,
  externalId: r.external_id,
  trackerId: r.tracker_id,
  status: r.status as Way2PayStatus,
  amount: big(r.amount),
  commission: big(r.commission),
  currency: r.currency,
  bankId: num(r.bank_id),
  bankFixed: num(r.bank_fixed) === 1,
  method: r.method,
  requisiteId: numOrNull(r.requisite_id),
  receiver: r.receiver,
  holder: r.holder,
  description: r.description,
  callbackUrl: r.callback_url,
  paidAmount: r.paid_amount === null ? null : big(r.paid_amount),
  holdNetId: numOrNull(r.hold_net_id),
  holdFeeId: numOrNull(r.hold_fee_id),
  expiresAt: num(r.expires_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});
const fromPayIn = (p: PayIn): PayInsTable => ({
  id: p.id,
  merchant_id: p.merchantId,
  external_id: p.externalId,
  tracker_id: p.trackerId,
  status: p.status,
  amount: p.amount,
  commission: p.commission,
  currency: p.currency,
  bank_id: p.bankId,
  bank_fixed: p.bankFixed ? 1 : 0,
  method: p.method,
  requisite_id: p.requisiteId,
  receiver: p.receiver,
  holder: p.holder,
  description: p.description,
  callback_url: p.callbackUrl,
  paid_amount: p.paidAmount,
  hold_net_id: p.holdNetId,
  hold_fee_id: p.holdFeeId,
  expires_at: p.expiresAt,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});
const toPayOut = (r: PayOutsTable): PayOut => ({
  id: r.id,
  merchantId: r.merchant_id,
  externalId: r.external_id,
  trackerId: r.tracker_id,
  status: r.status as Way2PayStatus,
  amount: big(r.amount),
  commission: big(r.commission),
  currency: r.currency,
  bankId: num(r.bank_id),
  method: r.method,
  receiver: r.receiver,
  cardId: r.card_id,
  holder: r.holder,
  description: r.description,
  callbackUrl: r.callback_url,
  holdAmountId: numOrNull(r.hold_amount_id),
  holdFeeId: numOrNull(r.hold_fee_id),
  declineReason: r.decline_reason,
  expiresAt: num(r.expires_at),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});
const fromPayOut = (p: PayOut): PayOutsTable => ({
  id: p.id,
  merchant_id: p.merchantId,
  external_id: p.externalId,
  tracker_id: p.trackerId,
  status: p.status,
  amount: p.amount,
  commission: p.commission,
  currency: p.currency,
  bank_id: p.bankId,
  method: p.method,
  receiver: p.receiver,
  card_id: p.cardId,
  holder: p.holder,
  description: p.description,
  callback_url: p.callbackUrl,
  hold_amount_id: p.holdAmountId,
  hold_fee_id: p.holdFeeId,
  decline_reason: p.declineReason,
  expires_at: p.expiresAt,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export interface ListFilter {
  merchantId: string;
  limit: number;
  offset: number;
  status?: Way2PayStatus;
  externalId?: string;
}

/**
 * Pay-ins and pay-outs are stored alike: inserted once per (merchant, externalID) by a unique constraint,
 * updated only from the status the caller read, listed newest first.
 */
function operationTable<T extends { id: string; status: Way2PayStatus }, Row extends { id: string }>(
  table: 'way2pay_payins' | 'way2pay_payouts',
  from: (x: T) => Row,
  to: (r: Row) => T,
) {
  const q = (tx: Tx) => db(tx) as unknown as Kysely<any>;
  return {
    /** false when the externalID is taken (the unique constraint decides, also under races) */
    async insert(tx: Tx, x: T): Promise<boolean> {
      const r = await q(tx)
        .insertInto(table)
        .values(from(x))
        .onConflict((oc: any) => oc.columns(['merchant_id', 'external_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return r !== undefined;
    },
    async get(tx: Tx, id: string): Promise<T | undefined> {
      const r = await q(tx).selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
      return r && to(r as Row);
    },
    /** writes the object if it is still in `fromStatus` (a conditional update); false when something else changed it */
    async update(tx: Tx, x: T, fromStatus: Way2PayStatus): Promise<boolean> {
      const { id: _id, ...rest } = from(x);
      const res = await q(tx).updateTable(table).set(rest).where('id', '=', x.id).where('status', '=', fromStatus).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async list(tx: Tx, f: ListFilter): Promise<{ total: number; items: T[] }> {
      let sel = q(tx).selectFrom(table).where('merchant_id', '=', f.merchantId);
      if (f.status) sel = sel.where('status', '=', f.status);
      if (f.externalId !== undefined) sel = sel.where('external_id', '=', f.externalId);
      const total = await sel.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const rows = await sel.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
      return { total: num((total as { n: unknown }).n), items: (rows as Row[]).map(to) };
    },
  };
}

const payIns = operationTable('way2pay_payins', fromPayIn, toPayIn);
const payOuts = operationTable('way2pay_payouts', fromPayOut, toPayOut);

export const way2payStore = {
  // ---- nonces
  /**
   * Accepts a nonce once: the conditional update `set last_nonce = n where public_key = k and last_nonce < n`
   * in the request's transaction. Concurrent requests with one nonce serialize on the row; only one updates it.
   */
  async acceptNonce(tx: Tx, publicKey: string, nonce: bigint, now: number): Promise<boolean> {
    await db(tx)
      .insertInto('way2pay_nonces')
      .values({ public_key: publicKey, last_nonce: 0n, updated_at: now })
      .onConflict((oc) => oc.column('public_key').doNothing())
      .execute();
    const res = await db(tx)
      .updateTable('way2pay_nonces')
      .set({ last_nonce: nonce, updated_at: now })
      .where('public_key', '=', publicKey)
      .where('last_nonce', '<', nonce)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  async lastNonce(tx: Tx, publicKey: string): Promise<bigint | undefined> {
    const r = await db(tx).selectFrom('way2pay_nonces').select('last_nonce').where('public_key', '=', publicKey).executeTakeFirst();
    return r ? big(r.last_nonce) : undefined;
  },

  /** Runs fn under a savepoint: on a thrown error its writes are undone, the transaction's earlier writes stay. */
  async savepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    await sql`savepoint way2pay_request`.execute(db(tx));
    try {
      const value = await fn();
      await sql`release savepoint way2pay_request`.execute(db(tx));
      return { ok: true, value };
    } catch (error) {
      await sql`rollback to savepoint way2pay_request`.execute(db(tx));
      await sql`release savepoint way2pay_request`.execute(db(tx));
      return { ok: false, error };
    }
  },

  // ---- requisites
  async insertRequisite(tx: Tx, r: Omit<Requisite, 'id'>): Promise<number | undefined> {
    const row = await db(tx)
      .insertInto('way2pay_requisites')
      .values({
        merchant_id: r.merchantId,
        bank_id: r.bankId,
        kind: r.kind,
        value: r.value,
        holder: r.holder,
        is_active: r.isActive ? 1 : 0,
        last_used_at: r.lastUsedAt,
        created_at: r.createdAt,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'bank_id', 'kind', 'value']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? num(row.id) : undefined;
  },
  async listRequisites(tx: Tx, merchantId: string): Promise<Requisite[]> {
    return (await db(tx).selectFrom('way2pay_requisites').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute()).map(
      toRequisite,
    );
  },
  async countRequisites(tx: Tx, merchantId: string): Promise<number> {
    const r = await db(tx)
      .selectFrom('way2pay_requisites')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow();
    return num(r.n);
  },
  async setRequisiteActive(tx: Tx, merchantId: string, id: number, active: boolean): Promise<boolean> {
    const res = await db(tx)
      .updateTable('way2pay_requisites')
      .set({ is_active: active ? 1 : 0 })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** The least recently used active requisite of a kind at one of the banks; marks it used. */
  async takeRequisite(tx: Tx, merchantId: string, bankIds: number[], kind: RequisiteKind, now: number): Promise<Requisite | undefined> {
    if (bankIds.length === 0) return undefined;
    const r = await db(tx)
      .selectFrom('way2pay_requisites')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('bank_id', 'in', bankIds)
      .where('kind', '=', kind)
      .where('is_active', '=', 1)
      .orderBy('last_used_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!r) return undefined;
    await db(tx).updateTable('way2pay_requisites').set({ last_used_at: now }).where('id', '=', r.id).execute();
    return toRequisite(r);
  },

  // ---- commissions
  async upsertCommission(tx: Tx, c: Omit<Commission, 'id'>): Promise<void> {
    const values = {
      merchant_id: c.merchantId,
      direction: c.direction,
      bank_id: c.bankId,
      method: c.method,
      percent_bp: c.percentBp,
      min_amount: c.minAmount,
      max_amount: c.maxAmount,
      is_active: c.isActive ? 1 : 0,
    };
    await db(tx)
      .insertInto('way2pay_commissions')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['merchant_id', 'direction', 'bank_id', 'method'])
          .doUpdateSet({ percent_bp: c.percentBp, min_amount: c.minAmount, max_amount: c.maxAmount, is_active: c.isActive ? 1 : 0 }),
      )
      .execute();
  },
  async insertCommissionIfMissing(tx: Tx, c: Omit<Commission, 'id'>): Promise<void> {
    await db(tx)
      .insertInto('way2pay_commissions')
      .values({
        merchant_id: c.merchantId,
        direction: c.direction,
        bank_id: c.bankId,
        method: c.method,
        percent_bp: c.percentBp,
        min_amount: c.minAmount,
        max_amount: c.maxAmount,
        is_active: c.isActive ? 1 : 0,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'direction', 'bank_id', 'method']).doNothing())
      .execute();
  },
  async listCommissions(tx: Tx, merchantId: string, direction?: Commission['direction']): Promise<Commission[]> {
    let q = db(tx).selectFrom('way2pay_commissions').selectAll().where('merchant_id', '=', merchantId);
    if (direction) q = q.where('direction', '=', direction);
    return (await q.orderBy('id').execute()).map(toCommission);
  },
  async countCommissions(tx: Tx, merchantId: string): Promise<number> {
    const r = await db(tx)
      .selectFrom('way2pay_commissions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow();
    return num(r.n);
  },

  // ---- pay-ins and pay-outs
  insertPayIn: payIns.insert,
  getPayIn: payIns.get,
  updatePayIn: payIns.update,
  listPayIns: payIns.list,
  /** Pay-ins still waiting for requisites, oldest first. */
  async listWaitingPayIns(tx: Tx, merchantId: string): Promise<PayIn[]> {
    return (
      await db(tx)
        .selectFrom('way2pay_payins')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('status', '=', 'CREATED')
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).map(toPayIn);
  },

  insertPayOut: payOuts.insert,
  getPayOut: payOuts.get,
  updatePayOut: payOuts.update,
  listPayOuts: payOuts.list,
};
