// Domain events go into the outbox in the same transaction as the state change they describe. When the
// transaction is a command's (inTransaction), its events are also fanned out there, at its end: each face
// renders its webhooks from the state about to be committed, and the deliveries commit with the change. An
// event that could not be rendered then, or that was written by a bare store transaction, stays pending for
// the dispatcher's background fan-out.
import { uuid } from './ids.js';
import type { Clock } from './clock.js';
import type { FaceName, JsonObject, OutboxEvent } from './model.js';
import type { Tx } from './ports.js';
import { afterCommit, beforeCommit } from './unit-of-work.js';

export interface DomainEvent {
  merchantId: string;
  face: FaceName;
  type: string;
  subjectType: string;
  subjectId: string;
  payload: JsonObject;
}

/**
 * Renders events, stored as fanned out, into deliveries in their transaction (an event it cannot render it marks
 * pending); returns whether any work is left for the dispatcher.
 */
export type InlineFanOut = (tx: Tx, events: OutboxEvent[]) => Promise<boolean>;

export class Outbox {
  private listeners: Array<(e: DomainEvent & { eventId: string }) => void> = [];
  private readonly queued = new WeakMap<Tx, Array<Omit<OutboxEvent, 'id'>>>();
  private fanOut: InlineFanOut | null = null;
  private wake: () => void = () => {};

  constructor(private readonly clock: Clock) {}

  /** The dispatcher's inline fan-out, and how to wake it when work is left for it. */
  attach(fanOut: InlineFanOut, wake: () => void): void {
    this.fanOut = fanOut;
    this.wake = wake;
  }

  /** Records the event; returns its stable id, which every webhook delivery of it carries. */
  async emit(tx: Tx, e: DomainEvent): Promise<string> {
    const eventId = uuid();
    const event: Omit<OutboxEvent, 'id'> = { ...e, eventId, createdAt: this.clock.now(), fannedOut: false };
    const queue = this.queued.get(tx);
    if (queue) {
      queue.push(event);
    } else if (this.fanOut && beforeCommit(tx, () => this.flush(tx))) {
      this.queued.set(tx, [event]);
    } else {
      await tx.outbox.insert(event);
      afterCommit(tx, this.wake);
    }
    afterCommit(tx, () => {
      for (const l of this.listeners) l({ ...e, eventId });
    });
    return eventId;
  }

  private async flush(tx: Tx): Promise<void> {
    const events = this.queued.get(tx) ?? [];
    this.queued.delete(tx);
    // stored as fanned out, in one statement: the fan-out marks an event it could not render as pending again
    const rows = events.map((e) => ({ ...e, fannedOut: true }));
    const ids = await tx.outbox.insertMany(rows);
    const stored: OutboxEvent[] = rows.map((e, i) => ({ ...e, id: ids[i]! }));
    if (await this.fanOut!(tx, stored)) afterCommit(tx, this.wake);
  }

  /** Called for each event once the transaction that emitted it has committed. */
  onCommitted(fn: (e: DomainEvent & { eventId: string }) => void): void {
    this.listeners.push(fn);
  }
}
