// Webhook dispatcher: fans outbox events out into deliveries (each face renders its provider's webhook),
// then delivers them at least once with the face's retry schedule, recording every attempt. State lives
// in the store, so a restart resumes where it stopped; rows are claimed, so processes share the work.
import type { Clock } from './clock.js';
import type { Delivery, DeliveryAttempt, FaceName, OutboxEvent } from './model.js';
import type { DeliveryRepo, Store, Tx } from './ports.js';
import { inTransaction } from './unit-of-work.js';
import { WorkLoop } from './work-loop.js';

export interface DeliveryPlan {
  kind: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  /** delays in ms before retry 1, 2, ...; the last one repeats */
  schedule: number[];
  maxAttempts: number;
}

export interface WebhookRenderer {
  /** Renders the provider's webhooks for an event (none when the merchant has nowhere to send them). */
  render(tx: Tx, event: OutboxEvent): Promise<DeliveryPlan[]>;
  /** Whether the merchant's answer counts as delivered (default: any 2xx). */
  accepts?(delivery: Delivery, status: number, body: string): boolean;
  /** Headers computed at send time (timestamped signatures); may read the store. */
  sign?(delivery: Delivery, now: number): Record<string, string> | Promise<Record<string, string>>;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface TransportResult {
  status: number;
  body: string;
}

/** The HTTP client port (implemented in the server with keep-alive connections). */
export interface WebhookTransport {
  send(req: OutgoingRequest): Promise<TransportResult>;
}

export interface DispatcherOptions {
  batch?: number;
  lockMs?: number;
  timeoutMs?: number;
  pollMs?: number;
  /** a fault hook: return an error text to make an attempt fail without sending (fault injection) */
  fault?: (d: Delivery) => string | null;
}

const BODY_EXCERPT = 2048;
/** events fanned out, or deliveries claimed, per transaction */
const DEFAULT_BATCH = 200;

/** A pending delivery of a plan for an event (or for a synchronous send). */
function newDelivery(
  meta: { eventId: string; merchantId: string; face: FaceName; subjectType: string; subjectId: string },
  plan: DeliveryPlan,
  at: { nextAttemptAt: number; createdAt: number },
): Omit<Delivery, 'id'> {
  return {
    eventId: meta.eventId,
    merchantId: meta.merchantId,
    face: meta.face,
    kind: plan.kind,
    subjectType: meta.subjectType,
    subjectId: meta.subjectId,
    url: plan.url,
    method: plan.method,
    headers: plan.headers,
    body: plan.body,
    status: 'pending',
    attempts: 0,
    schedule: plan.schedule,
    maxAttempts: plan.maxAttempts,
    nextAttemptAt: at.nextAttemptAt,
    lastStatus: null,
    lastError: null,
    createdAt: at.createdAt,
    deliveredAt: null,
  };
}

export class Dispatcher {
  private renderers = new Map<FaceName, WebhookRenderer>();
  private readonly loop: WorkLoop;
  /** events may be waiting for the background fan-out (at start, on every poll, after an inline render failed) */
  private eventsPending = true;
  private listeners: Array<(d: Delivery, a: Omit<DeliveryAttempt, 'id'>) => void> = [];
  readonly stats = { attempts: 0, delivered: 0, failed: 0, lagMs: [] as number[] };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly transport: WebhookTransport,
    private readonly opts: DispatcherOptions = {},
  ) {
    this.loop = new WorkLoop({
      pass: async () => {
        if (this.eventsPending) {
          this.eventsPending = false;
          await this.fanOut();
        }
        await this.deliverDue();
      },
      nextDelay: async () => this.opts.pollMs ?? 1000,
      // other processes, and bare store transactions, leave events for the background fan-out
      onPoll: () => {
        this.eventsPending = true;
      },
    });
  }

  register(face: FaceName, renderer: WebhookRenderer): void {
    this.renderers.set(face, renderer);
  }

  /** Observes every attempt (metrics, live tails). */
  onAttempt(fn: (d: Delivery, a: Omit<DeliveryAttempt, 'id'>) => void): void {
    this.listeners.push(fn);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Renders the deliveries of one event; returns how many were queued. */
  private async renderEvent(tx: Tx, e: OutboxEvent, now: number): Promise<number> {
    const renderer = this.renderers.get(e.face);
    const plans = renderer ? await renderer.render(tx, e) : [];
    for (const plan of plans) {
      await tx.deliveries.insert(newDelivery(e, plan, { nextAttemptAt: now, createdAt: e.createdAt }));
    }
    return plans.length;
  }

  /**
   * The outbox's inline fan-out, at the end of the command's transaction: the deliveries commit with the state
   * change. An event whose rendering throws is left pending for the background fan-out, which retries it.
   * Returns whether there is work for the loop.
   */
  readonly fanOutInline = async (tx: Tx, events: OutboxEvent[]): Promise<boolean> => {
    const now = this.clock.now();
    let work = false;
    for (const e of events) {
      try {
        if ((await this.renderEvent(tx, e, now)) > 0) work = true;
      } catch {
        await tx.outbox.markFannedOut(e.id, false);
        this.eventsPending = true;
        work = true;
      }
    }
    return work;
  };

  /** Renders pending events into deliveries; returns how many events were handled. */
  async fanOut(): Promise<number> {
    const batch = this.opts.batch ?? DEFAULT_BATCH;
    let total = 0;
    for (;;) {
      const n = await inTransaction(this.store, async (tx) => {
        const now = this.clock.now();
        const events = await tx.outbox.claim(batch, now, this.opts.lockMs ?? 30_000);
        for (const e of events) {
          await this.renderEvent(tx, e, now);
          await tx.outbox.markFannedOut(e.id);
        }
        return events.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }

  /** Sends every delivery due now, once each; returns how many attempts were made. */
  async deliverDue(): Promise<number> {
    const batch = this.opts.batch ?? DEFAULT_BATCH;
    let total = 0;
    let done: Array<Awaited<ReturnType<Dispatcher['attempt']>>> = [];
    for (;;) {
      const now = this.clock.now();
      // one transaction records the attempts of the last batch and claims the next: a busy store is waited for once per batch
      const recorded = done;
      const due = await inTransaction(this.store, async (tx) => {
        for (const r of recorded) {
          await tx.deliveries.insertAttempt(r.attempt);
          await tx.deliveries.update(r.delivery.id, r.patch);
        }
        return tx.deliveries.claim(batch, now, this.opts.lockMs ?? 60_000);
      });
      for (const r of recorded) for (const l of this.listeners) l(r.delivery, r.attempt);
      total += recorded.length;
      if (due.length === 0) return total;
      done = await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  /**
   * Sends a webhook now and waits for the answer (synchronous checks such as CloudPayments' Check).
   * It is recorded like any delivery, with one attempt; it is never retried.
   */
  async sendNow(
    meta: { eventId: string; merchantId: string; face: FaceName; subjectType: string; subjectId: string },
    plan: DeliveryPlan,
    timeoutMs?: number,
  ): Promise<{ ok: boolean; status: number | null; body: string | null; error: string | null }> {
    const now = this.clock.now();
    const id = await inTransaction(this.store, (tx) =>
      // never due for the background loop: this one is sent here
      tx.deliveries.insert(
        newDelivery(meta, { ...plan, schedule: [], maxAttempts: 1 }, { nextAttemptAt: Number.MAX_SAFE_INTEGER, createdAt: now }),
      ),
    );
    const d = (await this.store.read((tx) => tx.deliveries.get(id)))!;
    const r = await this.attempt(d, false, timeoutMs);
    await inTransaction(this.store, async (tx) => {
      await tx.deliveries.insertAttempt(r.attempt);
      await tx.deliveries.update(d.id, { ...r.patch, status: r.patch.status === 'delivered' ? 'delivered' : 'failed' });
    });
    for (const l of this.listeners) l(r.delivery, r.attempt);
    return { ok: r.patch.status === 'delivered', status: r.attempt.responseStatus, body: r.attempt.responseBody, error: r.attempt.error };
  }

  /** Sends one delivery again now (operator replay), as a new attempt. */
  async replay(deliveryId: number): Promise<DeliveryAttempt | undefined> {
    const d = await this.store.read((tx) => tx.deliveries.get(deliveryId));
    if (!d) return undefined;
    const r = await this.attempt(d, true);
    const id = await inTransaction(this.store, async (tx) => {
      const id = await tx.deliveries.insertAttempt(r.attempt);
      await tx.deliveries.update(d.id, r.patch);
      return id;
    });
    for (const l of this.listeners) l(r.delivery, r.attempt);
    return { ...r.attempt, id };
  }

  private async attempt(d: Delivery, replay = false, timeoutMs?: number) {
    const renderer = this.renderers.get(d.face);
    const started = Date.now();
    const at = this.clock.now();
    let signed: Record<string, string> = {};
    let error: string | null = this.opts.fault?.(d) ?? null;
    try {
      if (renderer?.sign) signed = await renderer.sign(d, at);
    } catch (e) {
      error ??= `could not sign: ${e instanceof Error ? e.message : String(e)}`;
    }
    const headers = { ...d.headers, ...signed };
    const request = { method: d.method, url: d.url, headers, body: d.body };
    let status: number | null = null;
    let body: string | null = null;
    if (error === null) {
      try {
        const res = await this.transport.send({ ...request, timeoutMs: timeoutMs ?? this.opts.timeoutMs ?? 30_000 });
        status = res.status;
        body = res.body.slice(0, BODY_EXCERPT);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const ok = status !== null && (renderer?.accepts ? renderer.accepts(d, status, body ?? '') : status >= 200 && status < 300);
    const attempts = d.attempts + 1;
    const attempt: Omit<DeliveryAttempt, 'id'> = {
      deliveryId: d.id,
      attempt: attempts,
      at,
      request,
      responseStatus: status,
      responseBody: body,
      durationMs: Date.now() - started,
      error,
    };
    this.stats.attempts++;
    let patch: Parameters<DeliveryRepo['update']>[1];
    if (ok) {
      this.stats.delivered++;
      if (!replay) this.stats.lagMs.push(Math.max(0, at - d.createdAt));
      if (this.stats.lagMs.length > 100_000) this.stats.lagMs.splice(0, 50_000);
      patch = { status: 'delivered', attempts, lastStatus: status, lastError: null, deliveredAt: at };
    } else if (replay) {
      patch = { attempts, lastStatus: status, lastError: error ?? `HTTP ${status}` };
    } else if (attempts >= d.maxAttempts) {
      this.stats.failed++;
      patch = { status: 'failed', attempts, lastStatus: status, lastError: error ?? `HTTP ${status}` };
    } else {
      const delay = d.schedule.length ? d.schedule[Math.min(attempts - 1, d.schedule.length - 1)]! : 60_000;
      patch = { status: 'pending', attempts, nextAttemptAt: at + delay, lastStatus: status, lastError: error ?? `HTTP ${status}` };
    }
    return { delivery: { ...d, attempts }, attempt, patch };
  }
}
