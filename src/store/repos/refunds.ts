// Refunds of payments (their ids come from the shared transaction sequence).
import type { Refund } from '../../core/model.js';
import type { RefundRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { refunds } from '../tables.js';

export class RefundRepository implements RefundRepo {
  constructor(private readonly q: Queries) {}

  async insert(r: Refund): Promise<void> {
    await this.q.db.insertInto('refunds').values(refunds.write(r)).execute();
  }
  async list(paymentId: number): Promise<Refund[]> {
    const rows = await this.q.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
    return rows.map((r) => refunds.read(r));
  }
  async get(id: number): Promise<Refund | undefined> {
    const r = await this.q.db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
    return r && refunds.read(r);
  }
}
