// Payouts (card credits from a merchant's balance).
import type { Payout } from '../../core/model.js';
import type { PayoutFilter, PayoutRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { payouts } from '../tables.js';

export class PayoutRepository implements PayoutRepo {
  constructor(private readonly q: Queries) {}

  async insert(p: Payout): Promise<void> {
    await this.q.db.insertInto('payouts').values(payouts.write(p)).execute();
  }
  async get(id: number): Promise<Payout | undefined> {
    const r = await this.q.db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && payouts.read(r);
  }
  async lock(id: number): Promise<Payout | undefined> {
    const r = await this.q.ops.forUpdate(this.q.db.selectFrom('payouts').selectAll().where('id', '=', id)).executeTakeFirst();
    return r && payouts.read(r);
  }
  async update(p: Payout): Promise<void> {
    const { id: _id, ...rest } = p;
    await this.q.db.updateTable('payouts').set(payouts.write(rest)).where('id', '=', p.id).execute();
  }
  async list(f: PayoutFilter): Promise<Payout[]> {
    let q = this.q.db.selectFrom('payouts').selectAll();
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.face !== undefined) q = q.where('face', '=', f.face);
    if (f.currency !== undefined) q = q.where('currency', '=', f.currency);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    const dir = f.order ?? 'desc';
    const rows = await q
      .orderBy('created_at', dir)
      .orderBy('id', dir)
      .limit(f.limit)
      .offset(f.offset ?? 0)
      .execute();
    return rows.map((r) => payouts.read(r));
  }
}
