// Webhook deliveries and their attempts; the dispatcher claims due ones (SKIP LOCKED on PostgreSQL).
import type { Delivery, DeliveryAttempt } from '../../core/model.js';
import type { DeliveryFilter, DeliveryRepo } from '../../core/ports.js';
import { Queries } from '../queries.js';
import { deliveries, deliveryAttempts } from '../tables.js';

export class DeliveryRepository implements DeliveryRepo {
  constructor(private readonly q: Queries) {}

  async insert(d: Omit<Delivery, 'id'>): Promise<number> {
    const r = await this.q.insertRow('deliveries', { ...deliveries.write(d), locked_until: 0 }, true);
    return Number(r.rows[0]!.id as bigint);
  }
  async claim(limit: number, now: number, lockMs: number): Promise<Delivery[]> {
    const { rows } = await this.q.prepared(
      'deliveries.claim',
      (slot) => {
        const ids = this.q.ops.skipLocked(
          this.q.db
            .selectFrom('deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', slot(0))
            .where('locked_until', '<=', slot(0))
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(slot(1)),
        );
        return this.q.db
          .updateTable('deliveries')
          .set({ locked_until: slot(2) })
          .where('id', 'in', ids)
          .returningAll();
      },
      [now, limit, now + lockMs],
    );
    return rows.map((r) => deliveries.read(r)).sort((a, b) => a.id - b.id);
  }
  async get(id: number): Promise<Delivery | undefined> {
    const r = await this.q.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return r && deliveries.read(r);
  }
  async update(
    id: number,
    patch: Partial<Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'deliveredAt'>>,
  ): Promise<void> {
    // an update ends the claim
    const set: Record<string, unknown> = { locked_until: 0 };
    Object.assign(set, deliveries.write(patch));
    const cols = Object.keys(set);
    await this.q.writePrepared(
      `deliveries.update:${cols.join(',')}`,
      (slot) =>
        this.q.db
          .updateTable('deliveries')
          .set(Object.fromEntries(cols.map((c, i) => [c, slot(i)])))
          .where('id', '=', slot(cols.length)),
      [...cols.map((c) => set[c]), id],
    );
  }
  async insertAttempt(a: Omit<DeliveryAttempt, 'id'>): Promise<number> {
    const r = await this.q.insertRow('delivery_attempts', deliveryAttempts.write(a), true);
    return Number(r.rows[0]!.id as bigint);
  }
  async listAttempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    const rows = await this.q.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
    return rows.map((r) => deliveryAttempts.read(r));
  }
  async list(f: DeliveryFilter): Promise<Delivery[]> {
    let q = this.q.db.selectFrom('deliveries').selectAll();
    if (f.merchantId) q = q.where('merchant_id', '=', f.merchantId);
    if (f.subjectType) q = q.where('subject_type', '=', f.subjectType);
    if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
    if (f.status) q = q.where('status', '=', f.status);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(f.limit)
      .offset(f.offset ?? 0)
      .execute();
    return rows.map((r) => deliveries.read(r));
  }
  async countPending(): Promise<number> {
    const r = await this.q.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Queries.count(r);
  }
}
