// Authentication challenges (3-D Secure, one-time codes).
import type { Challenge } from '../../core/model.js';
import type { ChallengeRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { challenges } from '../tables.js';

export class ChallengeRepository implements ChallengeRepo {
  constructor(private readonly q: Queries) {}

  async insert(c: Challenge): Promise<void> {
    await this.q.writeRow('challenges', challenges.write(c));
  }
  async get(id: string): Promise<Challenge | undefined> {
    const r = await this.q.ops.forUpdate(this.q.db.selectFrom('challenges').selectAll().where('id', '=', id)).executeTakeFirst();
    return r && challenges.read(r);
  }
  async update(
    id: string,
    patch: Partial<Pick<Challenge, 'status' | 'attempts' | 'completedAt'>>,
    expectStatus?: Challenge['status'],
  ): Promise<boolean> {
    let q = this.q.db.updateTable('challenges').set(challenges.write(patch)).where('id', '=', id);
    if (expectStatus) q = q.where('status', '=', expectStatus);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
  async list(merchantId: string | null, limit: number): Promise<Challenge[]> {
    let q = this.q.db.selectFrom('challenges').selectAll();
    if (merchantId) q = q.where('merchant_id', '=', merchantId);
    return (await q.orderBy('created_at', 'desc').limit(limit).execute()).map((r) => challenges.read(r));
  }
}
