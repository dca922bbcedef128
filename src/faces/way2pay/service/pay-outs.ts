// Way2Pay pay-outs: money sent from the merchant's payout balance to a card, a phone or an account. The amount and
// its commission are frozen when the pay-out is made; execution debits them, failure releases them.
//   CREATED → PROCESSING (funds frozen) → COMPLETED (debited) | ERROR | CANCELLED | TIMEOUT (released);
//   COMPLETED → REFUNDED (operator; funds returned)
import { detectBrand, maskPan, normalizePan } from '../../../core/cards.js';
import type { Engine } from '../../../core/engine.js';
import type { FeeMove, LegHolds, LegRef } from '../../../core/fee-legs.js';
import { uuid } from '../../../core/ids.js';
import { percentOf } from '../../../core/money.js';
import type { JsonObject, LedgerAccount, Merchant } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { genCode, Way2PayError } from '../http.js';
import { PAYOUT_METHODS } from '../reference-data.js';
import { way2payStore as S } from '../store.js';
import { DECLINE_STATUS, FINAL, type Generation, type PayOut, type Way2PayStatus } from '../wire.js';
import { serializePayOut } from '../wire/pay-out.js';
import type { Balances } from './balances.js';
import { configFor, JOB_PAYOUT_PROCESS, JOB_PAYOUT_TIMEOUT, PAYOUT_SUBJECT, type Way2PayConfig } from './config.js';
import { expectStatus } from './pay-ins.js';
import type { Pool } from './pool.js';

export interface PayOutInput {
  externalId: string;
  amount: bigint;
  currency: string;
  bankId: number;
  method: string;
  /** a card number (validated), a phone or an account number */
  receiver: string;
  holder: string;
  callbackUrl: string;
  description: string | null;
}

export class PayOuts {
  constructor(
    private readonly engine: Engine,
    private readonly config: Way2PayConfig,
    private readonly money: Balances,
    private readonly pool: Pool,
  ) {}

  private now(): number {
    return this.engine.clock.now();
  }

  async get(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    const p = await S.getPayOut(tx, id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new Way2PayError(60011);
    return p;
  }

  /**
   * Creates a pay-out: the amount and its commission are frozen on the payout balance (30004 zero balance,
   * 30005 not enough balance), then it is PROCESSING until executed (debited) or failed (released).
   */
  async create(tx: Tx, merchant: Merchant, generation: Generation, input: PayOutInput): Promise<PayOut> {
    const commissions = await this.pool.setupWithCommissions(tx, merchant.id, 'payout');
    const cfg = configFor(this.config, merchant);
    const kind = PAYOUT_METHODS[input.method];
    if (!kind) throw new Way2PayError(genCode(generation, 20000, 60015), 'unknown method');
    const commission = commissions.find((c) => c.isActive && c.method === input.method && c.bankId === input.bankId);
    if (!commission) throw new Way2PayError(genCode(generation, 20000, 60013), 'no commission for this bank and method');
    if (input.amount < commission.minAmount) throw new Way2PayError(30006);
    if (input.amount > commission.maxAmount) throw new Way2PayError(30007);
    const now = this.now();
    let receiver = input.receiver;
    let cardId: string | null = null;
    if (kind === 'card') {
      const card = await this.engine.vault.store(tx, { number: input.receiver, expMonth: 12, expYear: 2099, holder: input.holder });
      cardId = card.cardId;
      receiver = maskPan(normalizePan(input.receiver));
    }
    const p: PayOut = {
      id: uuid(),
      merchantId: merchant.id,
      externalId: input.externalId,
      trackerId: uuid(),
      status: 'CREATED',
      amount: input.amount,
      commission: percentOf(input.amount, commission.percentBp),
      currency: input.currency,
      bankId: input.bankId,
      method: input.method,
      receiver,
      cardId,
      holder: input.holder,
      description: input.description,
      callbackUrl: input.callbackUrl,
      holdAmountId: null,
      holdFeeId: null,
      declineReason: null,
      expiresAt: now + cfg.payOutLifetimeMs,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await S.insertPayOut(tx, p))) throw new Way2PayError(60010);

    // freeze: the payout balance row is locked (PostgreSQL) for the check and both holds
    const from = await this.money.account(tx, merchant.id, p.currency, 'payout');
    const locked = await tx.ledger.lockAccount(from.id);
    const available = locked ? locked.creditsPosted - locked.debitsPosted - locked.debitsPending : 0n;
    if (available <= 0n) throw new Way2PayError(30004);
    if (available < p.amount + p.commission) throw new Way2PayError(30005);
    const holds = await this.money.legs.hold(
      tx,
      await this.moveOf(tx, p, from),
      { amount: 'way2pay_payout_hold', fee: 'way2pay_payout_fee_hold' },
      this.refOf(p),
      { requireFunds: true },
    );
    p.holdAmountId = holds.amountId;
    p.holdFeeId = holds.feeId;
    p.status = 'PROCESSING';
    p.updatedAt = now;
    await S.updatePayOut(tx, p, 'CREATED');
    for (const [k, r] of [
      ['payout_id', p.id],
      ['payout_external_id', p.externalId],
      ['payout_tracker_id', p.trackerId],
    ] as const) {
      await tx.refs.insert({ face: 'way2pay', merchantId: merchant.id, kind: k, ref: r, subjectType: PAYOUT_SUBJECT, subjectId: p.id });
    }
    if (cfg.autoProcessPayOuts) await tx.jobs.schedule(JOB_PAYOUT_PROCESS, p.id, now + cfg.payOutDelayMs, {});
    else await tx.jobs.schedule(JOB_PAYOUT_TIMEOUT, p.id, p.expiresAt, {});
    await this.emit(tx, p, 'way2pay.payout.created', null);
    return p;
  }

  /** The sandbox's execution: card pay-outs ask the simulated network (test cards decline), others succeed. */
  async process(tx: Tx, id: string): Promise<PayOut | null> {
    const p = await S.getPayOut(tx, id);
    if (!p || p.status !== 'PROCESSING') return null;
    if (p.cardId) {
      const { pan } = await this.engine.vault.reveal(tx, p.cardId);
      const decision = this.engine.network.decide({
        card: { pan, brand: detectBrand(pan) ?? 'Visa', expMonth: 12, expYear: 2099 },
        amount: p.amount,
        currency: p.currency,
        kind: 'payout',
        now: this.now(),
        skipAuthentication: true,
      });
      if (decision.outcome === 'declined') return this.fail(tx, id, decision.reason);
      if (decision.outcome !== 'approved') return this.fail(tx, id, 'processing_error');
    }
    return this.complete(tx, id);
  }

  /** Executed: the frozen amount and commission are debited. */
  async complete(tx: Tx, id: string): Promise<PayOut> {
    const p = await this.get(tx, id);
    expectStatus(p.status, ['PROCESSING']);
    const next: PayOut = { ...p };
    await this.move(tx, next, 'PROCESSING', 'COMPLETED', () =>
      this.money.legs.postHolds(tx, this.holdsOf(p), 'way2pay_payout', this.refOf(p)),
    );
    return next;
  }

  /** Failed: ERROR, the frozen money released. `reason` is a decline reason of the simulated network. */
  async fail(tx: Tx, id: string, reason: string | null = null): Promise<PayOut> {
    const p = await this.get(tx, id);
    const to = reason && reason in DECLINE_STATUS ? DECLINE_STATUS[reason as keyof typeof DECLINE_STATUS] : 'ERROR';
    return this.close(tx, { ...p, declineReason: reason }, to, ['CREATED', 'PROCESSING']);
  }

  async cancel(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    return this.close(tx, await this.get(tx, id, merchantId), 'CANCELLED', ['CREATED', 'PROCESSING']);
  }

  /** The lifetime job (automatic execution off): not executed in time → TIMEOUT, money released. */
  async expire(tx: Tx, id: string): Promise<PayOut | null> {
    const p = await S.getPayOut(tx, id);
    if (!p || p.status !== 'PROCESSING' || this.now() < p.expiresAt) return null;
    try {
      return await this.close(tx, p, 'TIMEOUT', ['PROCESSING']);
    } catch (e) {
      if (e instanceof Way2PayError) return null;
      throw e;
    }
  }

  /** The operator records a returned pay-out: REFUNDED, amount and commission back on the payout balance. */
  async refund(tx: Tx, id: string): Promise<PayOut> {
    const p = await this.get(tx, id);
    expectStatus(p.status, ['COMPLETED']);
    const next: PayOut = { ...p };
    await this.move(tx, next, 'COMPLETED', 'REFUNDED', async () =>
      this.money.legs.reverse(
        tx,
        await this.moveOf(tx, p),
        { amount: 'way2pay_payout_refund', fee: 'way2pay_payout_fee_refund' },
        this.refOf(p),
      ),
    );
    return next;
  }

  private async close(tx: Tx, p: PayOut, to: Way2PayStatus, from: Way2PayStatus[]): Promise<PayOut> {
    expectStatus(p.status, from);
    const next: PayOut = { ...p };
    await this.move(tx, next, p.status, to, () => this.money.legs.voidHolds(tx, this.holdsOf(p), 'way2pay_payout_released', this.refOf(p)));
    return next;
  }

  private async move(tx: Tx, next: PayOut, from: Way2PayStatus, to: Way2PayStatus, transfers?: () => Promise<void>): Promise<void> {
    next.status = to;
    next.updatedAt = this.now();
    if (!(await S.updatePayOut(tx, next, from))) {
      const cur = await S.getPayOut(tx, next.id);
      throw new Way2PayError(cur && FINAL.has(cur.status) ? 60012 : 60002);
    }
    if (transfers) await transfers();
    await tx.jobs.cancel(JOB_PAYOUT_PROCESS, next.id);
    await tx.jobs.cancel(JOB_PAYOUT_TIMEOUT, next.id);
    await this.emit(tx, next, 'way2pay.payout.status', from);
  }

  /** The pay-out as a move with a fee: the amount from the payout balance out (network), the commission to fees. */
  private async moveOf(tx: Tx, p: PayOut, payoutBalance?: LedgerAccount): Promise<FeeMove> {
    return {
      merchantId: p.merchantId,
      currency: p.currency,
      from: payoutBalance ?? (await this.money.account(tx, p.merchantId, p.currency, 'payout')),
      to: await this.money.network(tx, p.merchantId, p.currency),
      amount: p.amount,
      fee: p.commission,
    };
  }

  private holdsOf(p: PayOut): LegHolds {
    return { amountId: p.holdAmountId, feeId: p.holdFeeId };
  }

  private refOf(p: PayOut): LegRef {
    return { refType: PAYOUT_SUBJECT, refId: p.id };
  }

  private async emit(tx: Tx, p: PayOut, type: string, from: Way2PayStatus | null): Promise<void> {
    await this.engine.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: 'way2pay',
      type,
      subjectType: PAYOUT_SUBJECT,
      subjectId: p.id,
      payload: { payout: serializePayOut(p), from } as JsonObject,
    });
  }
}
