// Idempotent commands: the first request with a key does the work and, in the same transaction, stores
// its response; repeats get that response byte for byte (or, when the face compares requests, a repeat
// with another request is refused). Concurrent repeats wait for the first (a unique constraint) and then
// replay it. Responses a face chooses not to keep (failures) are not stored. The same table records
// one-time uses (useOnce), e.g. a signed request that may not be replayed.
import { CoreError } from './errors.js';
import type { Clock } from './clock.js';
import type { Store, Tx } from './ports.js';
import { inTransaction } from './unit-of-work.js';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotentRequest {
  scope: string;
  key: string;
  requestHash: string;
  ttlMs: number;
  /** refuse a repeat whose request differs (IDEMPOTENCY_CONFLICT); otherwise replay regardless */
  compareRequest?: boolean;
  /** whether a response is kept for replay */
  keep: (r: StoredResponse) => boolean;
}

export class Idempotency {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async run(req: IdempotentRequest, work: (tx: Tx) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    return inTransaction(this.store, async (tx) => {
      const now = this.clock.now();
      const claimed = await tx.idempotency.claim(req.scope, req.key, req.requestHash, now, now + req.ttlMs);
      if (!claimed) {
        const prev = await tx.idempotency.get(req.scope, req.key);
        if (!prev) throw new CoreError('CONFLICT', 'a request with this key is in progress');
        if (req.compareRequest && prev.requestHash !== req.requestHash) throw new CoreError('IDEMPOTENCY_CONFLICT');
        return { status: prev.responseStatus, headers: prev.responseHeaders, body: prev.responseBody, replayed: true };
      }
      const res = await work(tx);
      if (req.keep(res)) await tx.idempotency.complete(req.scope, req.key, res);
      else await tx.idempotency.release(req.scope, req.key);
      return { ...res, replayed: false };
    });
  }

  /**
   * Whether a request that may be used once (a signature, say) is not a replay: records its use in the
   * caller's transaction and answers true, or answers false when it was used before and has not expired. The
   * record commits with the command it guards (a refused command leaves it unused); a concurrent copy waits
   * for that commit on PostgreSQL (the unique key) and is then refused. Expired records go with the purge job.
   */
  async useOnce(tx: Tx, scope: string, key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    return tx.idempotency.claim(scope, key, '', now, now + ttlMs);
  }
}
