// Domain events go into the outbox in the same transaction as the state change they describe.
import { uuid } from './ids.js';
import type { Clock } from './clock.js';
import type { FaceName, JsonObject } from './model.js';
import type { Tx } from './ports.js';
import { afterCommit } from './unit-of-work.js';

export interface DomainEvent {
  merchantId: string;
  face: FaceName;
  type: string;
  subjectType: string;
  subjectId: string;
  payload: JsonObject;
}

export class Outbox {
  private listeners: Array<(e: DomainEvent & { eventId: string }) => void> = [];
  constructor(private readonly clock: Clock) {}

  /** Records the event; returns its stable id, which every webhook delivery of it carries. */
  async emit(tx: Tx, e: DomainEvent): Promise<string> {
    const eventId = uuid();
    await tx.insertEvent({ ...e, eventId, createdAt: this.clock.now(), fannedOut: false });
    afterCommit(tx, () => {
      for (const l of this.listeners) l({ ...e, eventId });
    });
    return eventId;
  }

  /** Called for each event once the transaction that emitted it has committed. */
  onCommitted(fn: (e: DomainEvent & { eventId: string }) => void): void {
    this.listeners.push(fn);
  }
}
