// Payments. The hot queries (insert, get, lock, update) are prepared shapes; inserts and updates are deferrable
// writes (queries.ts `write`), and in a transaction a payment it inserted, locked or updated is read back from what
// it wrote (own-rows.ts).
import type { Payment } from '../../core/model.js';
import type { PaymentFilter, PaymentRepo } from '../../core/ports.js';
import { OwnRows } from '../own-rows.js';
import type { Queries } from '../queries.js';
import { Queries as Q } from '../queries.js';
import { payments } from '../tables.js';

/** every column but the id: an update writes them all (a field left undefined becomes null) */
const UPDATED = payments.columns.map((c) => c.name).filter((c) => c !== 'id');
const COLUMNS = payments.columns.length;

export class PaymentRepository implements PaymentRepo {
  /** the payments this transaction holds, as it wrote or locked them (transactions only, not reads outside one) */
  private readonly own: OwnRows<number, Record<string, unknown>> | null;

  constructor(private readonly q: Queries) {
    this.own = q.rollbacks ? new OwnRows(q.rollbacks) : null;
  }

  async insert(p: Payment): Promise<void> {
    const row = payments.write(p) as Record<string, unknown>;
    await this.q.writeRow('payments', row);
    // a row with every column given is, once inserted, exactly that (no column left to its default)
    if (this.own && Object.values(row).filter((v) => v !== undefined).length === COLUMNS) this.own.set(p.id, row);
  }
  async get(id: number): Promise<Payment | undefined> {
    const own = this.own?.get(id);
    if (own) return payments.read(own);
    const r = await this.q.first('payments.get', (slot) => this.q.db.selectFrom('payments').selectAll().where('id', '=', slot(0)), [id]);
    return r && payments.read(r);
  }
  async lock(id: number): Promise<Payment | undefined> {
    const own = this.own?.get(id);
    if (own) return payments.read(own);
    const r = await this.q.first(
      'payments.lock',
      (slot) => this.q.ops.forUpdate(this.q.db.selectFrom('payments').selectAll().where('id', '=', slot(0))),
      [id],
    );
    // locked: no other transaction changes it before this one ends
    if (r && this.own) this.own.set(id, r);
    return r && payments.read(r);
  }
  async update(p: Payment): Promise<void> {
    const row = payments.write(p) as Record<string, unknown>;
    const values = UPDATED.map((c) => row[c] ?? null);
    await this.q.writePrepared(
      `payments.update:${UPDATED.join(',')}`,
      (slot) =>
        this.q.db
          .updateTable('payments')
          .set(Object.fromEntries(UPDATED.map((c, i) => [c, slot(i)])))
          .where('id', '=', slot(UPDATED.length)),
      [...values, p.id],
    );
    // the row, if there is one, is now what was written, and locked by this transaction: it is remembered only
    // when this transaction already held it (an update of a missing row changes nothing)
    if (this.own?.get(p.id)) this.own.set(p.id, { id: row.id ?? p.id, ...Object.fromEntries(UPDATED.map((c, i) => [c, values[i]])) });
  }
  private filtered(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>) {
    let q = this.q.db.selectFrom('payments');
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.face !== undefined) q = q.where('face', '=', f.face);
    if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    if (f.currency !== undefined) q = q.where('currency', '=', f.currency);
    if (f.invoiceId !== undefined) q = q.where('invoice_id', '=', f.invoiceId);
    if (f.payerRef !== undefined) q = q.where('payer_ref', '=', f.payerRef);
    return q;
  }
  async list(f: PaymentFilter): Promise<Payment[]> {
    const dir = f.order ?? 'desc';
    const rows = await this.filtered(f)
      .selectAll()
      .orderBy('created_at', dir)
      .orderBy('id', dir)
      .limit(f.limit)
      .offset(f.offset ?? 0)
      .execute();
    return rows.map((r) => payments.read(r));
  }
  async count(f: Omit<PaymentFilter, 'limit' | 'offset' | 'order'>): Promise<number> {
    const r = await this.filtered(f)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Q.count(r);
  }
}
