// Way2Pay-owned tables: nonces (last accepted per Public-Key), the requisites pool, commissions, pay-ins and
// pay-outs, defined once (src/store/table.ts) and queried through `tx.db<Way2PayDatabase>()`. Uniqueness
// (externalID) is a constraint, state changes are conditional updates, so concurrent requests and processes cannot
// both win. Their DDL history is migrations.ts; the nonces' queries are nonces.ts.
import type { Kysely } from 'kysely';
import type { Tx } from '../../core/ports.js';
import { bigint, bool, int, table, text, type DatabaseOf, type Expect, type RecordOf, type Same } from '../../store/table.js';
import { rowSlots } from '../../store/prepared.js';
import type { RequisiteKind } from './reference-data.js';
import type { PayIn, PayOut, Way2PayStatus } from './wire.js';

export const way2payTables = {
  nonces: table('way2pay_nonces', {
    publicKey: text(),
    lastNonce: bigint(),
    /** the nonce accepted before the last: the CHECK way2pay_nonces_increase keeps last_nonce above it */
    previousNonce: bigint(),
    updatedAt: int(),
  }),
  requisites: table('way2pay_requisites', {
    id: int().generated(),
    merchantId: text(),
    bankId: int(),
    kind: text<RequisiteKind>(),
    value: text(),
    holder: text(),
    isActive: bool(),
    lastUsedAt: int(),
    createdAt: int(),
  }),
  commissions: table('way2pay_commissions', {
    id: int().generated(),
    merchantId: text(),
    direction: text<'payin' | 'payout'>(),
    bankId: int(),
    method: text(),
    percentBp: bigint(),
    minAmount: bigint(),
    maxAmount: bigint(),
    isActive: bool(),
  }),
  payIns: table('way2pay_payins', {
    id: text(),
    merchantId: text(),
    externalId: text(),
    trackerId: text(),
    status: text<Way2PayStatus>(),
    amount: bigint(),
    commission: bigint(),
    currency: text(),
    bankId: int(),
    bankFixed: bool(),
    method: text(),
    requisiteId: int().nullable(),
    receiver: text().nullable(),
    holder: text().nullable(),
    description: text().nullable(),
    callbackUrl: text().nullable(),
    paidAmount: bigint().nullable(),
    holdNetId: int().nullable(),
    holdFeeId: int().nullable(),
    expiresAt: int(),
    createdAt: int(),
    updatedAt: int(),
  }),
  payOuts: table('way2pay_payouts', {
    id: text(),
    merchantId: text(),
    externalId: text(),
    trackerId: text(),
    status: text<Way2PayStatus>(),
    amount: bigint(),
    commission: bigint(),
    currency: text(),
    bankId: int(),
    method: text(),
    receiver: text(),
    cardId: text().nullable(),
    holder: text(),
    description: text().nullable(),
    callbackUrl: text(),
    holdAmountId: int().nullable(),
    holdFeeId: int().nullable(),
    declineReason: text().nullable(),
    expiresAt: int(),
    createdAt: int(),
    updatedAt: int(),
  }),
};
export type Way2PayDatabase = DatabaseOf<typeof way2payTables>;
const T = way2payTables;

export type Requisite = RecordOf<typeof T.requisites.definition>;
export type Commission = RecordOf<typeof T.commissions.definition>;

/** the records are the face's types exactly */
export type RecordsMatch = [
  Expect<Same<RecordOf<typeof T.payIns.definition>, PayIn>>,
  Expect<Same<RecordOf<typeof T.payOuts.definition>, PayOut>>,
];

function db(tx: Tx): Kysely<Way2PayDatabase> {
  return tx.db<Way2PayDatabase>();
}

export interface ListFilter {
  merchantId: string;
  limit: number;
  offset: number;
  status?: Way2PayStatus;
  externalId?: string;
}

/** How many rows of a merchant a table of the pool holds (a prepared shape per table). */
async function countOf(tx: Tx, table: 'way2pay_requisites' | 'way2pay_commissions', merchantId: string): Promise<number> {
  const [r] = await tx.prepared(
    `way2pay.count:${table}`,
    (d: Kysely<Way2PayDatabase>, slot) =>
      d
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('merchant_id', '=', slot(0)),
    [merchantId],
  );
  return Number(r!.n);
}

/**
 * Pay-ins and pay-outs are stored alike: inserted once per (merchant, externalID) by a unique constraint,
 * updated only from the status the caller read, listed newest first.
 */
function operationTable<R extends { id: string; status: Way2PayStatus }>(t: typeof T.payIns | typeof T.payOuts) {
  // typed as the pay-ins' table: the queries name only the columns both tables have alike
  const table = t.name as 'way2pay_payins';
  const q = (tx: Tx) => db(tx);
  const read = (r: object) => t.read(r) as unknown as R;
  const write = (x: Partial<R>) => (t as typeof T.payIns).write(x as unknown as Partial<PayIn>);
  return {
    /** false when the externalID is taken (the unique constraint decides, also under races) */
    async insert(tx: Tx, x: R): Promise<boolean> {
      const row = rowSlots(write(x));
      const inserted = await tx.prepared(
        `way2pay.insert:${table}:${row.key}`,
        (d: Kysely<Way2PayDatabase>, slot) =>
          d
            .insertInto(table)
            .values(row.values(slot) as never)
            .onConflict((oc) => oc.columns(['merchant_id', 'external_id']).doNothing())
            .returning('id'),
        row.args,
      );
      return inserted.length === 1;
    },
    /** whether the merchant has one with this externalID (asked among a command's first reads, before its insert) */
    async externalIdTaken(tx: Tx, merchantId: string, externalId: string): Promise<boolean> {
      const rows = await tx.prepared(
        `way2pay.externalIdTaken:${table}`,
        (d: Kysely<Way2PayDatabase>, slot) =>
          d.selectFrom(table).select('id').where('merchant_id', '=', slot(0)).where('external_id', '=', slot(1)),
        [merchantId, externalId],
      );
      return rows.length > 0;
    },
    /**
     * Inserts it as a write nobody waits for (on PostgreSQL it travels with the COMMIT), once `externalIdTaken` found
     * its externalID free: one taken meanwhile by a concurrent command is refused by the unique constraint there, and
     * the transaction fails with `isExternalIdRefusal`.
     */
    async insertUnanswered(tx: Tx, x: R): Promise<void> {
      const row = rowSlots(write(x));
      await tx.write(
        `way2pay.insertUnanswered:${table}:${row.key}`,
        (d: Kysely<Way2PayDatabase>, slot) => d.insertInto(table).values(row.values(slot) as never),
        row.args,
      );
    },
    async get(tx: Tx, id: string): Promise<R | undefined> {
      const [r] = await tx.prepared(
        `way2pay.get:${table}`,
        (d: Kysely<Way2PayDatabase>, slot) => d.selectFrom(table).selectAll().where('id', '=', slot(0)),
        [id],
      );
      return r && read(r);
    },
    /** writes the object if it is still in `fromStatus` (a conditional update); false when something else changed it */
    async update(tx: Tx, x: R, fromStatus: Way2PayStatus): Promise<boolean> {
      const { id: _id, ...rest } = x;
      const res = await q(tx)
        .updateTable(table)
        .set(write(rest as Partial<R>))
        .where('id', '=', x.id)
        .where('status', '=', fromStatus)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async list(tx: Tx, f: ListFilter): Promise<{ total: number; items: R[] }> {
      let sel = q(tx).selectFrom(table).where('merchant_id', '=', f.merchantId);
      if (f.status) sel = sel.where('status', '=', f.status);
      if (f.externalId !== undefined) sel = sel.where('external_id', '=', f.externalId);
      const total = await sel.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const rows = await sel.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
      return { total: Number(total.n), items: rows.map(read) };
    },
  };
}

/** The unique constraints that keep one pay-in (pay-out) per merchant and externalID. */
const EXTERNAL_ID_CONSTRAINTS = ['way2pay_payins_external', 'way2pay_payouts_external'];

/**
 * Whether a store error is PostgreSQL's refusal of a second pay-in or pay-out with one externalID: what a deferred
 * insert (`insertUnanswered`) meets at the COMMIT when a concurrent command took the externalID first.
 */
export function isExternalIdRefusal(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; constraint?: unknown };
  return err.code === '23505' && typeof err.constraint === 'string' && EXTERNAL_ID_CONSTRAINTS.includes(err.constraint);
}

const payIns = operationTable<PayIn>(T.payIns);
const payOuts = operationTable<PayOut>(T.payOuts);

export const way2payStore = {
  // ---- requisites
  async insertRequisite(tx: Tx, r: Omit<Requisite, 'id'>): Promise<number | undefined> {
    const row = await db(tx)
      .insertInto('way2pay_requisites')
      .values(T.requisites.write(r))
      .onConflict((oc) => oc.columns(['merchant_id', 'bank_id', 'kind', 'value']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? Number(row.id) : undefined;
  },
  async listRequisites(tx: Tx, merchantId: string): Promise<Requisite[]> {
    const rows = await db(tx).selectFrom('way2pay_requisites').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute();
    return rows.map((r) => T.requisites.read(r));
  },
  async countRequisites(tx: Tx, merchantId: string): Promise<number> {
    return countOf(tx, 'way2pay_requisites', merchantId);
  },
  async setRequisiteActive(tx: Tx, merchantId: string, id: number, active: boolean): Promise<boolean> {
    const res = await db(tx)
      .updateTable('way2pay_requisites')
      .set(T.requisites.write({ isActive: active }))
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** The least recently used active requisite of a kind at one of the banks; marks it used. */
  async takeRequisite(tx: Tx, merchantId: string, bankIds: number[], kind: RequisiteKind, now: number): Promise<Requisite | undefined> {
    if (bankIds.length === 0) return undefined;
    // a shape per number of banks
    const [r] = await tx.prepared(
      `way2pay.requisites.take:${bankIds.length}`,
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .selectFrom('way2pay_requisites')
          .selectAll()
          .where('merchant_id', '=', slot(0))
          .where('kind', '=', slot(1))
          .where(
            'bank_id',
            'in',
            bankIds.map((_, i) => slot(2 + i)),
          )
          .where('is_active', '=', 1)
          .orderBy('last_used_at')
          .orderBy('id')
          .limit(1),
      [merchantId, kind, ...bankIds],
    );
    if (!r) return undefined;
    const requisite = T.requisites.read(r);
    await way2payStore.markRequisiteUsed(tx, requisite.id, now);
    return requisite;
  },
  /**
   * The requisite `takeRequisite` would take for a pay-in, found by the merchant's commissions in the same statement
   * (active, of the method, at one of `bankIds`, with the amount within their limits) rather than from a list of them
   * read first: a pay-in asks for it with its commissions, before it has them. Not marked used (`markRequisiteUsed`).
   */
  async requisiteForPayIn(
    tx: Tx,
    merchantId: string,
    q: { kind: RequisiteKind; method: string; amount: bigint; bankIds: number[] },
  ): Promise<Requisite | undefined> {
    if (q.bankIds.length === 0) return undefined;
    const [r] = await tx.prepared(
      `way2pay.requisites.forPayIn:${q.bankIds.length}`,
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .selectFrom('way2pay_requisites')
          .selectAll()
          .where('merchant_id', '=', slot(0))
          .where('kind', '=', slot(1))
          .where('is_active', '=', 1)
          .where('bank_id', 'in', (eb) =>
            eb
              .selectFrom('way2pay_commissions')
              .select('bank_id')
              .where('merchant_id', '=', slot(0))
              .where('direction', '=', 'payin')
              .where('is_active', '=', 1)
              .where('method', '=', slot(2))
              .where('min_amount', '<=', slot(3))
              .where('max_amount', '>=', slot(3))
              .where(
                'bank_id',
                'in',
                q.bankIds.map((_, i) => slot(4 + i)),
              ),
          )
          .orderBy('last_used_at')
          .orderBy('id')
          .limit(1),
      [merchantId, q.kind, q.method, q.amount, ...q.bankIds],
    );
    return r && T.requisites.read(r);
  },
  async markRequisiteUsed(tx: Tx, id: number, now: number): Promise<void> {
    await tx.write(
      'way2pay.requisites.used',
      (d: Kysely<Way2PayDatabase>, slot) =>
        d
          .updateTable('way2pay_requisites')
          .set({ last_used_at: slot(0) })
          .where('id', '=', slot(1)),
      [now, id],
    );
  },

  // ---- commissions
  async upsertCommission(tx: Tx, c: Omit<Commission, 'id'>): Promise<void> {
    const row = T.commissions.write(c);
    await db(tx)
      .insertInto('way2pay_commissions')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['merchant_id', 'direction', 'bank_id', 'method'])
          .doUpdateSet({ percent_bp: row.percent_bp, min_amount: row.min_amount, max_amount: row.max_amount, is_active: row.is_active }),
      )
      .execute();
  },
  async insertCommissionIfMissing(tx: Tx, c: Omit<Commission, 'id'>): Promise<void> {
    await db(tx)
      .insertInto('way2pay_commissions')
      .values(T.commissions.write(c))
      .onConflict((oc) => oc.columns(['merchant_id', 'direction', 'bank_id', 'method']).doNothing())
      .execute();
  },
  async listCommissions(tx: Tx, merchantId: string, direction?: Commission['direction']): Promise<Commission[]> {
    const rows = direction
      ? await tx.prepared(
          'way2pay.commissions.of',
          (d: Kysely<Way2PayDatabase>, slot) =>
            d
              .selectFrom('way2pay_commissions')
              .selectAll()
              .where('merchant_id', '=', slot(0))
              .where('direction', '=', slot(1))
              .orderBy('id'),
          [merchantId, direction],
        )
      : await db(tx).selectFrom('way2pay_commissions').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute();
    return rows.map((r) => T.commissions.read(r));
  },
  async countCommissions(tx: Tx, merchantId: string): Promise<number> {
    return countOf(tx, 'way2pay_commissions', merchantId);
  },

  // ---- pay-ins and pay-outs
  insertPayIn: payIns.insert,
  payInExternalIdTaken: payIns.externalIdTaken,
  insertPayInUnanswered: payIns.insertUnanswered,
  getPayIn: payIns.get,
  updatePayIn: payIns.update,
  listPayIns: payIns.list,
  /** Pay-ins still waiting for requisites, oldest first. */
  async listWaitingPayIns(tx: Tx, merchantId: string): Promise<PayIn[]> {
    const rows = await db(tx)
      .selectFrom('way2pay_payins')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('status', '=', 'CREATED')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => T.payIns.read(r));
  },

  insertPayOut: payOuts.insert,
  getPayOut: payOuts.get,
  updatePayOut: payOuts.update,
  listPayOuts: payOuts.list,
};
