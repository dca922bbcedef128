// Merchants, and the purge of everything a merchant owns.
import type { JsonObject, Merchant } from '../../core/model.js';
import type { LedgerRepo, MerchantRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { accounts, merchants } from '../tables.js';

export class MerchantRepository implements MerchantRepo {
  constructor(
    private readonly q: Queries,
    private readonly ledger: LedgerRepo,
  ) {}

  async insert(m: Merchant): Promise<void> {
    await this.q.db.insertInto('merchants').values(merchants.write(m)).execute();
  }
  async get(id: string): Promise<Merchant | undefined> {
    const r = await this.q.first('merchants.get', (slot) => this.q.db.selectFrom('merchants').selectAll().where('id', '=', slot(0)), [id]);
    return r && merchants.read(r);
  }
  async list(): Promise<Merchant[]> {
    const rows = await this.q.db.selectFrom('merchants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => merchants.read(r));
  }
  async updateSettings(id: string, settings: JsonObject): Promise<void> {
    await this.q.db.updateTable('merchants').set(merchants.write({ settings })).where('id', '=', id).execute();
  }
  async delete(id: string): Promise<void> {
    await this.q.db.deleteFrom('merchants').where('id', '=', id).execute();
  }

  async purge(merchantId: string): Promise<void> {
    const db = this.q.db;
    // every table with a merchant_id, faces' tables too: those the database has, whatever defined them
    const any = db.withTables<Record<string, { merchant_id: string; id: unknown }>>();
    const accountIds = (await db.selectFrom('accounts').select('id').where('merchant_id', '=', merchantId).execute()).map((r) => r.id);
    if (accountIds.length) {
      await db
        .deleteFrom('ledger_transfers')
        .where((eb) => eb.or([eb('debit_account_id', 'in', accountIds), eb('credit_account_id', 'in', accountIds)]))
        .execute();
    }
    const deliveryIds = db.selectFrom('deliveries').select('id').where('merchant_id', '=', merchantId);
    await db.deleteFrom('delivery_attempts').where('delivery_id', 'in', deliveryIds).execute();
    const tables = await db.introspection.getTables();
    for (const t of tables) {
      if (t.name.startsWith('kysely_')) continue;
      if (t.columns.some((c) => c.name === 'merchant_id')) await any.deleteFrom(t.name).where('merchant_id', '=', merchantId).execute();
    }
    await db.deleteFrom('merchants').where('id', '=', merchantId).execute();
    // the system accounts' totals are recomputed from what remains
    const totals = new Map((await this.ledger.transferTotals()).map((t) => [t.accountId, t]));
    for (const a of await this.ledger.listAccounts()) {
      const t = totals.get(a.id) ?? { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
      await db.updateTable('accounts').set(accounts.write(t)).where('id', '=', a.id).execute();
    }
  }
}
