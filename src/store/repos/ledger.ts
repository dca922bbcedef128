// Ledger accounts and transfers. Account totals change through the transaction's AccountDeltas (written at its
// end by flushTotals, or with the COMMIT on PostgreSQL); reads through the transaction include its changes. In a
// transaction, a transfer it inserted is read back, and its pending state changed, from what it wrote
// (own-rows.ts): no other transaction sees that row before the COMMIT. On PostgreSQL a transfer's id comes from the
// process's block of ids (postgres/id-blocks.ts), so its insert waits for no answer either.
import { sql } from 'kysely';
import { CoreError } from '../../core/errors.js';
import type { LedgerAccount, LedgerTransfer } from '../../core/model.js';
import type { AccountDelta, LedgerRepo } from '../../core/ports.js';
import type { AccountDeltas } from '../account-deltas.js';
import { guarded } from '../ledger-guards.js';
import { OwnRows } from '../own-rows.js';
import type { SlotOf } from '../prepared.js';
import type { Queries } from '../queries.js';
import { toBigint } from '../table.js';
import { accounts, ledgerTransfers } from '../tables.js';

const TRANSFER_COLUMNS = ledgerTransfers.columns.length;

export class LedgerRepository implements LedgerRepo {
  /** the transfers this transaction inserted or locked, as it last wrote them (transactions only) */
  private readonly own: OwnRows<number, Record<string, unknown>> | null;
  /** the accounts of an owner in a currency, as read in one statement (transactions only) */
  private readonly siblings: Map<string, Array<Record<string, unknown>>> | null;
  private siblingsUndo = 0;

  constructor(
    private readonly q: Queries,
    private readonly deltas: AccountDeltas,
  ) {
    this.own = q.rollbacks ? new OwnRows(q.rollbacks) : null;
    this.siblings = q.rollbacks ? new Map() : null;
    this.siblingsUndo = q.rollbacks?.undoCount ?? 0;
  }

  /** the accounts read together so far, forgotten when a rollback to a savepoint may have undone one inserted */
  private siblingsNow(): Map<string, Array<Record<string, unknown>>> | null {
    if (this.siblings && this.q.rollbacks!.undoCount !== this.siblingsUndo) {
      this.siblings.clear();
      this.siblingsUndo = this.q.rollbacks!.undoCount;
    }
    return this.siblings;
  }

  private account(r: object): LedgerAccount {
    return this.deltas.applyTo(accounts.read(r));
  }

  async getAccount(id: string): Promise<LedgerAccount | undefined> {
    const r = await this.q.first('accounts.get', (slot) => this.q.db.selectFrom('accounts').selectAll().where('id', '=', slot(0)), [id]);
    return r && this.account(r);
  }
  async findAccount(merchantId: string, currency: string, kind: string): Promise<LedgerAccount | undefined> {
    const siblings = this.siblingsNow();
    if (siblings) {
      const key = ownerKey(merchantId, currency);
      let rows = siblings.get(key);
      if (!rows) {
        // one statement (one round trip) for the owner's accounts in that currency: a payment reads its available
        // account and its network account one after the other (they are read, not locked: as of this statement, as
        // each would have been read alone a moment apart)
        rows = (
          await this.q.prepared(
            'accounts.ofOwner',
            (slot) => this.q.db.selectFrom('accounts').selectAll().where('merchant_id', '=', slot(0)).where('currency', '=', slot(1)),
            [merchantId, currency],
          )
        ).rows as Array<Record<string, unknown>>;
        siblings.set(key, rows);
      }
      const r = rows.find((x) => x.kind === kind);
      if (r) return this.account(r);
      // not there (yet): read as usual below
    }
    const r = await this.q.first(
      'accounts.find',
      (slot) =>
        this.q.db
          .selectFrom('accounts')
          .selectAll()
          .where('merchant_id', '=', slot(0))
          .where('currency', '=', slot(1))
          .where('kind', '=', slot(2)),
      [merchantId, currency, kind],
    );
    return r && this.account(r);
  }
  async readPaymentAccountsAhead(paymentId: number): Promise<void> {
    const siblings = this.siblingsNow();
    if (!siblings) return;
    const ofPayment = (column: 'merchant_id' | 'currency', slot: SlotOf) =>
      this.q.db.selectFrom('payments').select(column).where('id', '=', slot(0));
    const rows = (
      await this.q.prepared(
        'accounts.ofPayment',
        (slot) =>
          this.q.db
            .selectFrom('accounts')
            .selectAll()
            .where('merchant_id', '=', ofPayment('merchant_id', slot))
            .where('currency', '=', ofPayment('currency', slot)),
        [paymentId],
      )
    ).rows as Array<Record<string, unknown>>;
    // all of one owner and currency (none when there is no such payment, and then nothing is known)
    const first = rows[0];
    if (first) siblings.set(ownerKey(String(first.merchant_id), String(first.currency)), rows);
  }
  async lockAccount(id: string): Promise<LedgerAccount | undefined> {
    // a locked account is read again, never from what was read before the lock
    this.siblings?.clear();
    const r = await this.q.first(
      'accounts.lock',
      (slot) => this.q.ops.forUpdate(this.q.db.selectFrom('accounts').selectAll().where('id', '=', slot(0))),
      [id],
    );
    return r && this.account(r);
  }
  async insertAccount(a: LedgerAccount): Promise<boolean> {
    this.siblings?.clear();
    const res = await this.q.db
      .insertInto('accounts')
      .values(accounts.write(a))
      .onConflict((oc) => oc.columns(['merchant_id', 'currency', 'kind']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async listAccounts(merchantId?: string): Promise<LedgerAccount[]> {
    let q = this.q.db.selectFrom('accounts').selectAll();
    if (merchantId !== undefined) q = q.where('merchant_id', '=', merchantId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map((r) => this.account(r));
  }
  async addToAccount(id: string, delta: AccountDelta): Promise<void> {
    this.deltas.add(id, delta);
  }

  /**
   * Writes the account totals this transaction changed (the store calls it just before commit). A total the
   * store's guards refuse (beyond the 64-bit range, or negative) comes out as its coded CoreError.
   */
  async flushTotals(): Promise<void> {
    const changed = this.deltas.changed();
    this.deltas.clear();
    for (const [id, d] of changed) {
      await guarded(() =>
        this.q.prepared(
          'accounts.add',
          (slot) =>
            this.q.db
              .updateTable('accounts')
              .set((eb) => ({
                debits_pending: eb('debits_pending', '+', slot(0)),
                debits_posted: eb('debits_posted', '+', slot(1)),
                credits_pending: eb('credits_pending', '+', slot(2)),
                credits_posted: eb('credits_posted', '+', slot(3)),
              }))
              .where('id', '=', slot(4)),
          [d.debitsPending, d.debitsPosted, d.creditsPending, d.creditsPosted, id],
        ),
      );
    }
  }

  async insertTransfer(t: Omit<LedgerTransfer, 'id'>): Promise<number> {
    const row = ledgerTransfers.write(t) as Record<string, unknown>;
    let id: number;
    if (this.q.ids) {
      // the id from the process's block (postgres/id-blocks.ts): the insert is a deferred write, whose guards
      // answer with the statement it travels with, or with the COMMIT, as the same coded error
      id = (await this.q.ids.next('ledger_transfers', 1))[0]!;
      await guarded(() => this.q.writeRow('ledger_transfers', { id, ...row }));
    } else {
      const r = await guarded(() => this.q.insertRow('ledger_transfers', row, true));
      id = Number(r.rows[0]!.id as bigint);
    }
    // every column given (the id is the database's): the row is exactly that
    if (this.own && Object.values(row).filter((v) => v !== undefined).length === TRANSFER_COLUMNS - 1) this.own.set(id, { ...row, id });
    return id;
  }
  async getTransfer(id: number): Promise<LedgerTransfer | undefined> {
    const own = this.own?.get(id);
    if (own) return ledgerTransfers.read(own);
    const r = await this.q.first(
      'transfers.get',
      (slot) => this.q.db.selectFrom('ledger_transfers').selectAll().where('id', '=', slot(0)),
      [id],
    );
    return r && ledgerTransfers.read(r);
  }
  async lockPaymentHold(paymentId: number): Promise<void> {
    const r = await this.q.first(
      'transfers.lockHoldOfPayment',
      (slot) =>
        this.q.ops.forUpdate(
          this.q.db
            .selectFrom('ledger_transfers')
            .selectAll()
            .where('id', '=', (eb) => eb.selectFrom('payments').select('hold_transfer_id').where('id', '=', slot(0))),
        ),
      [paymentId],
    );
    // held until the COMMIT: what it is now is what this transaction last wrote to it
    if (r && this.own) this.own.set(Number(r.id), r);
  }
  async setPendingState(id: number, from: 'pending', to: 'posted' | 'voided'): Promise<boolean> {
    const build = (slot: SlotOf) =>
      this.q.db
        .updateTable('ledger_transfers')
        .set({ pending_state: slot(0) })
        .where('id', '=', slot(1))
        .where('pending_state', '=', slot(2));
    const own = this.own?.get(id);
    if (own) {
      // a transfer this transaction inserted or locked: whether the update matches is known here, and nobody waits
      // for it
      if (own.pending_state !== from) return false;
      await this.q.writePrepared('transfers.setPendingState', build, [to, id, from]);
      this.own!.set(id, { ...own, pending_state: to });
      return true;
    }
    const res = await this.q.prepared('transfers.setPendingState', build, [to, id, from]);
    return Number(res.numAffectedRows) === 1;
  }
  async listTransfersByRef(refType: string, refId: string): Promise<LedgerTransfer[]> {
    const rows = await this.q.db
      .selectFrom('ledger_transfers')
      .selectAll()
      .where('ref_type', '=', refType)
      .where('ref_id', '=', refId)
      // ids come from per-process blocks on PostgreSQL: time order is the created time's, then the id's
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ledgerTransfers.read(r));
  }
  async accountsWithTransferTotals(): Promise<Array<{ account: LedgerAccount; transfers: Required<AccountDelta> }>> {
    const rows = await sql<Record<string, unknown>>`
      select a.*, t.dp as t_dp, t.dpo as t_dpo, t.cp as t_cp, t.cpo as t_cpo
        from accounts a left join (${TRANSFER_TOTALS}) t on t.account_id = a.id
       order by a.created_at, a.id`
      .execute(this.q.db)
      .catch(overflowAsInvariant);
    return rows.rows.map((r) => ({
      account: this.account(r),
      transfers: {
        debitsPending: toBigint(r.t_dp ?? 0),
        debitsPosted: toBigint(r.t_dpo ?? 0),
        creditsPending: toBigint(r.t_cp ?? 0),
        creditsPosted: toBigint(r.t_cpo ?? 0),
      },
    }));
  }
  async transferTotals(): Promise<Array<{ accountId: string } & Required<AccountDelta>>> {
    const rows = await sql<{ account_id: string; dp: unknown; dpo: unknown; cp: unknown; cpo: unknown }>`${TRANSFER_TOTALS}`
      .execute(this.q.db)
      .catch(overflowAsInvariant);
    return rows.rows.map((r) => ({
      accountId: r.account_id,
      debitsPending: toBigint(r.dp ?? 0),
      debitsPosted: toBigint(r.dpo ?? 0),
      creditsPending: toBigint(r.cp ?? 0),
      creditsPosted: toBigint(r.cpo ?? 0),
    }));
  }
}

/** Each account's transfer totals. Pending amounts count while a pending transfer is unresolved; resolution moves them to posted. */
const TRANSFER_TOTALS = sql`
  select account_id, sum(dp) as dp, sum(dpo) as dpo, sum(cp) as cp, sum(cpo) as cpo from (
    select debit_account_id as account_id,
           case when kind = 'pending' and pending_state = 'pending' then amount else 0 end as dp,
           case when kind in ('posted', 'post_pending') then amount else 0 end as dpo,
           0 as cp, 0 as cpo
      from ledger_transfers
    union all
    select credit_account_id as account_id, 0, 0,
           case when kind = 'pending' and pending_state = 'pending' then amount else 0 end,
           case when kind in ('posted', 'post_pending') then amount else 0 end
      from ledger_transfers
  ) t group by account_id`;

const ownerKey = (merchantId: string, currency: string) => `${merchantId}\u0000${currency}`;

/** SQLite's sum() refuses a total past the 64-bit range; the guards keep every account's within it. */
function overflowAsInvariant(e: unknown): never {
  if (e instanceof Error && e.message === 'integer overflow')
    throw new CoreError('LEDGER_INVARIANT', "an account's transfers add up to more than the ledger can hold");
  throw e;
}
