// Checkouts (core/checkouts.ts): the core's lifecycle of what a payer pays once; faces keep their fields beside it.
import type { Checkout } from '../../core/model.js';
import type { CheckoutRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { checkouts } from '../tables.js';

export class CheckoutRepository implements CheckoutRepo {
  constructor(private readonly q: Queries) {}

  async insert(c: Checkout): Promise<void> {
    await this.q.writeRow('checkouts', checkouts.write(c));
  }
  async get(id: string): Promise<Checkout | undefined> {
    const r = await this.q.db.selectFrom('checkouts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && checkouts.read(r);
  }
  async lock(id: string): Promise<Checkout | undefined> {
    const r = await this.q.ops.forUpdate(this.q.db.selectFrom('checkouts').selectAll().where('id', '=', id)).executeTakeFirst();
    return r && checkouts.read(r);
  }
  async update(c: Checkout): Promise<void> {
    const { id: _id, merchantId: _m, face: _f, kind: _k, createdAt: _c, ...rest } = c;
    await this.q.write(this.q.db.updateTable('checkouts').set(checkouts.write(rest)).where('id', '=', c.id));
  }
}
