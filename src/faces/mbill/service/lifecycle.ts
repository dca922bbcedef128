// What every Mbill operation shares: its scheduler jobs, the transfer's status changes (each one a
// `transfer.<status>` outbox event carrying the transfer as the API shows it: the signed webhooks), and the
// wake-up of the payout job.
import type { Engine } from '../../../core/engine.js';
import { CoreError } from '../../../core/errors.js';
import type { JsonObject } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { afterCommit } from '../../../core/unit-of-work.js';
import { mbillStore as S, TRANSFER_SUBJECT, type Transfer, type TransferPatch } from '../store.js';
import { transferView, type Bases } from '../views.js';
import type { TransferStatus } from '../wire.js';

export const JOBS = {
  cardTokenExpire: 'mbill.card_token.expire',
  transferExpire: 'mbill.transfer.expire',
  transferPayout: 'mbill.transfer.payout',
  claimExpire: 'mbill.claim.expire',
} as const;

export class Lifecycle {
  constructor(readonly engine: Engine) {}

  now(): number {
    return this.engine.clock.now();
  }

  /** Moves a transfer on from the status it was read in (a concurrent change refuses) and emits its event. */
  async transition(tx: Tx, t: Transfer, to: TransferStatus, patch: TransferPatch, bases: Bases): Promise<Transfer> {
    const full: TransferPatch = { ...patch, status: to, updatedAt: this.now() };
    // a finished transfer keeps no recipient card data
    if (to === 'completed' || to === 'declined' || to === 'error') full.recipientCard = null;
    if (!(await S.updateTransfer(tx, t.id, full, t.status))) throw new CoreError('INVALID_STATE', 'the transfer changed meanwhile');
    const next: Transfer = { ...t, ...full } as Transfer;
    await this.emit(tx, next, bases);
    return next;
  }

  async emit(tx: Tx, t: Transfer, bases: Bases): Promise<void> {
    const view = await transferView(this.engine, tx, t, bases);
    await this.engine.outbox.emit(tx, {
      merchantId: t.merchantId,
      face: 'mbill',
      type: `transfer.${t.status}`,
      subjectType: TRANSFER_SUBJECT,
      subjectId: String(t.id),
      payload: { transfer: view as unknown as JsonObject },
    });
  }

  /** The payout job runs as soon as the transaction commits. */
  async schedulePayout(tx: Tx, transferId: number): Promise<void> {
    await tx.jobs.schedule(JOBS.transferPayout, String(transferId), this.now(), {});
    afterCommit(tx, () => this.engine.scheduler.wake());
  }

  /** A fresh value `make` gives that `exists` does not know yet. */
  async unique(exists: (v: string) => Promise<unknown>, make: () => string): Promise<string> {
    for (;;) {
      const v = make();
      if (!(await exists(v))) return v;
    }
  }
}
