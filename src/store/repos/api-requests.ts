// The API request log behind timelines and the dashboard's statistics.
import type { ApiRequestRecord } from '../../core/model.js';
import type { ApiRequestRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { apiRequests } from '../tables.js';

export class ApiRequestRepository implements ApiRequestRepo {
  constructor(private readonly q: Queries) {}

  async insert(rows: ApiRequestRecord[]): Promise<void> {
    if (rows.length === 0) return;
    // the ids are the database's
    await this.q.write(this.q.db.insertInto('api_requests').values(rows.map(({ id: _id, ...r }) => apiRequests.write(r))));
  }
  async list(f: { merchantId?: string; subject?: string; limit: number; beforeId?: number }): Promise<ApiRequestRecord[]> {
    let q = this.q.db.selectFrom('api_requests').selectAll();
    if (f.merchantId) q = q.where('merchant_id', '=', f.merchantId);
    if (f.subject) q = q.where('subjects', 'like', `%,${f.subject},%`);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map((r) => apiRequests.read(r));
  }
}
