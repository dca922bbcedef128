// Ledger accounts and transfers. Account totals change through the transaction's AccountDeltas (written at its
// end by flushTotals, or with the COMMIT on PostgreSQL); reads through the transaction include its changes.
import { sql } from 'kysely';
import { CoreError } from '../../core/errors.js';
import type { LedgerAccount, LedgerTransfer } from '../../core/model.js';
import type { AccountDelta, LedgerRepo } from '../../core/ports.js';
import type { AccountDeltas } from '../account-deltas.js';
import { guarded } from '../ledger-guards.js';
import type { Queries } from '../queries.js';
import { toBigint } from '../table.js';
import { accounts, ledgerTransfers } from '../tables.js';

export class LedgerRepository implements LedgerRepo {
  constructor(
    private readonly q: Queries,
    private readonly deltas: AccountDeltas,
  ) {}

  private account(r: object): LedgerAccount {
    return this.deltas.applyTo(accounts.read(r));
  }

  async getAccount(id: string): Promise<LedgerAccount | undefined> {
    const r = await this.q.first('accounts.get', (slot) => this.q.db.selectFrom('accounts').selectAll().where('id', '=', slot(0)), [id]);
    return r && this.account(r);
  }
  async findAccount(merchantId: string, currency: string, kind: string): Promise<LedgerAccount | undefined> {
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
  async lockAccount(id: string): Promise<LedgerAccount | undefined> {
    const r = await this.q.first(
      'accounts.lock',
      (slot) => this.q.ops.forUpdate(this.q.db.selectFrom('accounts').selectAll().where('id', '=', slot(0))),
      [id],
    );
    return r && this.account(r);
  }
  async insertAccount(a: LedgerAccount): Promise<boolean> {
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
    const r = await guarded(() => this.q.insertRow('ledger_transfers', ledgerTransfers.write(t), true));
    return Number(r.rows[0]!.id as bigint);
  }
  async getTransfer(id: number): Promise<LedgerTransfer | undefined> {
    const r = await this.q.first(
      'transfers.get',
      (slot) => this.q.db.selectFrom('ledger_transfers').selectAll().where('id', '=', slot(0)),
      [id],
    );
    return r && ledgerTransfers.read(r);
  }
  async setPendingState(id: number, from: 'pending', to: 'posted' | 'voided'): Promise<boolean> {
    const res = await this.q.prepared(
      'transfers.setPendingState',
      (slot) =>
        this.q.db
          .updateTable('ledger_transfers')
          .set({ pending_state: slot(0) })
          .where('id', '=', slot(1))
          .where('pending_state', '=', slot(2)),
      [to, id, from],
    );
    return Number(res.numAffectedRows) === 1;
  }
  async listTransfersByRef(refType: string, refId: string): Promise<LedgerTransfer[]> {
    const rows = await this.q.db
      .selectFrom('ledger_transfers')
      .selectAll()
      .where('ref_type', '=', refType)
      .where('ref_id', '=', refId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ledgerTransfers.read(r));
  }
  async transferTotals(): Promise<Array<{ accountId: string } & Required<AccountDelta>>> {
    // Pending amounts count while a pending transfer is unresolved; resolution moves them to posted.
    const rows = await sql<{ account_id: string; dp: unknown; dpo: unknown; cp: unknown; cpo: unknown }>`
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
      ) t group by account_id`
      .execute(this.q.db)
      .catch((e: unknown) => {
        // SQLite's sum() refuses a total past the 64-bit range; the guards keep every account's within it
        if (e instanceof Error && e.message === 'integer overflow')
          throw new CoreError('LEDGER_INVARIANT', "an account's transfers add up to more than the ledger can hold");
        throw e;
      });
    return rows.rows.map((r) => ({
      accountId: r.account_id,
      debitsPending: toBigint(r.dp ?? 0),
      debitsPosted: toBigint(r.dpo ?? 0),
      creditsPending: toBigint(r.cp ?? 0),
      creditsPosted: toBigint(r.cpo ?? 0),
    }));
  }
}
