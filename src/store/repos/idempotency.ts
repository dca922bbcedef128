// Idempotency keys: a placeholder claimed in the command's transaction, completed with the response to replay.
import type { IdempotencyRecord } from '../../core/model.js';
import type { IdempotencyRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { idempotency } from '../tables.js';

export class IdempotencyRepository implements IdempotencyRepo {
  constructor(private readonly q: Queries) {}

  async claim(scope: string, key: string, requestHash: string, now: number, expiresAt: number): Promise<boolean> {
    // An expired record no longer counts (deferrable: it travels with the insert).
    await this.q.write(
      this.q.db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('expires_at', '<=', now),
    );
    const res = await this.q.db
      .insertInto('idempotency')
      .values(
        idempotency.write({
          scope,
          key,
          requestHash,
          state: 'in_progress',
          responseStatus: null,
          responseHeaders: null,
          responseBody: null,
          createdAt: now,
          expiresAt,
        }),
      )
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  /** A completed record (one still in progress is not there yet). */
  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await this.q.db
      .selectFrom('idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('state', '=', 'completed')
      .executeTakeFirst();
    if (!r) return undefined;
    const { state: _state, ...rec } = idempotency.read(r);
    return {
      ...rec,
      responseStatus: rec.responseStatus ?? 0,
      responseHeaders: rec.responseHeaders ?? {},
      responseBody: rec.responseBody ?? '',
    };
  }
  async complete(scope: string, key: string, res: { status: number; headers: Record<string, string>; body: string }): Promise<void> {
    await this.q.write(
      this.q.db
        .updateTable('idempotency')
        .set(idempotency.write({ state: 'completed', responseStatus: res.status, responseHeaders: res.headers, responseBody: res.body }))
        .where('scope', '=', scope)
        .where('key', '=', key),
    );
  }
  async release(scope: string, key: string): Promise<void> {
    await this.q.write(
      this.q.db.deleteFrom('idempotency').where('scope', '=', scope).where('key', '=', key).where('state', '=', 'in_progress'),
    );
  }
  async purge(before: number): Promise<number> {
    const res = await this.q.db.deleteFrom('idempotency').where('expires_at', '<=', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
