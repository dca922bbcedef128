// Refunds of payments (their ids come from the shared transaction sequence). An insert is a deferrable write
// (queries.ts `write`); in a transaction a refund it inserted is read back from what it wrote (own-rows.ts).
import type { Refund } from '../../core/model.js';
import type { RefundRepo } from '../../core/ports.js';
import { OwnRows } from '../own-rows.js';
import type { Queries } from '../queries.js';
import { refunds } from '../tables.js';

const COLUMNS = refunds.columns.length;

export class RefundRepository implements RefundRepo {
  /** the refunds this transaction inserted, as written (transactions only, not reads outside one) */
  private readonly own: OwnRows<number, Record<string, unknown>> | null;

  constructor(private readonly q: Queries) {
    this.own = q.rollbacks ? new OwnRows(q.rollbacks) : null;
  }

  async insert(r: Refund): Promise<void> {
    const row = refunds.write(r);
    await this.q.write(this.q.db.insertInto('refunds').values(row));
    if (this.own && Object.values(row).filter((v) => v !== undefined).length === COLUMNS)
      this.own.set(r.id, row as Record<string, unknown>);
  }
  async list(paymentId: number): Promise<Refund[]> {
    const rows = await this.q.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
    return rows.map((r) => refunds.read(r));
  }
  async get(id: number): Promise<Refund | undefined> {
    const own = this.own?.get(id);
    if (own) return refunds.read(own);
    const r = await this.q.db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
    return r && refunds.read(r);
  }
}
