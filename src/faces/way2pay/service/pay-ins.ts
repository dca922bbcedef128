// Way2Pay pay-ins: the payer transfers the amount to requisites from the merchant's pool, the transfer is confirmed
// and the payment balance credited, less the commission. Every transition is a conditional update of the row (one
// concurrent caller wins), its ledger transfers (pay-in-ledger.ts) and an outbox event, in the caller's transaction.
//   CREATED (no free requisite yet) → PENDING (requisites issued, awaiting the payer's transfer)
//   → PROCESSING (the transfer reported; money frozen) → COMPLETED | INCORRECT_AMOUNT
//   CREATED/PENDING → TIMEOUT (lifetime, on the Clock); CREATED/PENDING/PROCESSING → CANCELLED | ERROR;
//   COMPLETED → REFUNDED (operator)
import type { Engine } from '../../../core/engine.js';
import { uuid } from '../../../core/ids.js';
import { percentOf } from '../../../core/money.js';
import type { JsonObject, Merchant } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { genCode, Way2PayError } from '../http.js';
import { readTogether } from '../../../core/unit-of-work.js';
import { BANKS, bankById, PAYIN_METHODS } from '../reference-data.js';
import { way2payStore as S, type Commission, type Requisite } from '../store.js';
import { FINAL, type Generation, type PayIn, type Way2PayStatus } from '../wire.js';
import { serializePayIn } from '../wire/pay-in.js';
import type { Balances } from './balances.js';
import { configFor, JOB_PAYIN_TIMEOUT, PAYIN_SUBJECT, type Way2PayConfig } from './config.js';
import { freezePayIn, releasePayIn, reversePayIn, settlePayIn } from './pay-in-ledger.js';
import type { Pool } from './pool.js';

export interface PayInInput {
  externalId: string;
  amount: bigint;
  currency: string;
  /** absent in the original README's body: the pool picks the bank */
  bankId?: number | undefined;
  method: string;
  callbackUrl: string | null;
  description: string | null;
}

/** A transition from a status not in `allowed`: 60012 when the object is final, else 60002. */
export function expectStatus(status: Way2PayStatus, allowed: Way2PayStatus[]): void {
  if (allowed.includes(status)) return;
  throw new Way2PayError(FINAL.has(status) ? 60012 : 60002);
}

export class PayIns {
  constructor(
    private readonly engine: Engine,
    private readonly config: Way2PayConfig,
    private readonly money: Balances,
    private readonly pool: Pool,
  ) {}

  private now(): number {
    return this.engine.clock.now();
  }

  async get(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    const p = await S.getPayIn(tx, id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new Way2PayError(60011);
    return p;
  }

  async create(tx: Tx, merchant: Merchant, generation: Generation, input: PayInInput): Promise<PayIn> {
    const kind = PAYIN_METHODS[input.method];
    // the commissions, the requisite they would lead to and (where reads travel together) whether the externalID is
    // taken, read together
    const bankIds = input.bankId !== undefined ? [input.bankId] : BANKS.filter((b) => b.currency === input.currency).map((b) => b.id);
    const [commissions, ahead, taken] = await readTogether(tx, () =>
      Promise.all([
        this.pool.setupWithCommissions(tx, merchant.id, 'payin'),
        kind ? S.requisiteForPayIn(tx, merchant.id, { kind, method: input.method, amount: input.amount, bankIds }) : undefined,
        tx.together ? S.payInExternalIdTaken(tx, merchant.id, input.externalId) : undefined,
      ]),
    );
    const cfg = configFor(this.config, merchant);
    if (!kind) throw new Way2PayError(genCode(generation, 20000, 60015), 'unknown method');
    const all = commissions.filter((c) => c.isActive && c.method === input.method);
    let candidates: Commission[];
    if (input.bankId !== undefined) {
      candidates = all.filter((c) => c.bankId === input.bankId);
      if (candidates.length === 0) throw new Way2PayError(genCode(generation, 20000, 60013), 'no commission for this bank and method');
    } else {
      candidates = all.filter((c) => bankById(c.bankId)?.currency === input.currency);
      if (candidates.length === 0) {
        if (all.length > 0) throw new Way2PayError(60001);
        throw new Way2PayError(genCode(generation, 20000, 60013), 'no commission for this method');
      }
    }
    const fitting = candidates.filter((c) => input.amount >= c.minAmount && input.amount <= c.maxAmount);
    if (fitting.length === 0) throw new Way2PayError(candidates.every((c) => input.amount < c.minAmount) ? 30006 : 30007);

    const now = this.now();
    let requisite: Requisite | undefined;
    if (ahead && fitting.some((c) => c.bankId === ahead.bankId)) {
      requisite = ahead;
      await S.markRequisiteUsed(tx, ahead.id, now);
    } else {
      // none found with the commissions (a demo pool made just now, or a pool with no such requisite), or one the
      // commissions as read no longer lead to: taken from the commissions as read
      requisite = await S.takeRequisite(
        tx,
        merchant.id,
        fitting.map((c) => c.bankId),
        kind,
        now,
      );
    }
    const commission = (requisite ? fitting.find((c) => c.bankId === requisite.bankId) : fitting[0])!;
    const p: PayIn = {
      id: uuid(),
      merchantId: merchant.id,
      externalId: input.externalId,
      trackerId: uuid(),
      status: requisite ? 'PENDING' : 'CREATED',
      amount: input.amount,
      commission: percentOf(input.amount, commission.percentBp),
      currency: input.currency,
      bankId: commission.bankId,
      bankFixed: input.bankId !== undefined,
      method: input.method,
      requisiteId: requisite?.id ?? null,
      receiver: requisite?.value ?? null,
      holder: requisite?.holder ?? null,
      description: input.description,
      callbackUrl: input.callbackUrl,
      paidAmount: null,
      holdNetId: null,
      holdFeeId: null,
      expiresAt: now + cfg.payInLifetimeMs,
      createdAt: now,
      updatedAt: now,
    };
    if (taken) throw new Way2PayError(60010);
    // free when read: inserted with the COMMIT (a concurrent pay-in that takes it first fails this one there, also
    // as 60010: see auth.ts); else the insert's answer says whether it was free
    if (taken === false) await S.insertPayInUnanswered(tx, p);
    else if (!(await S.insertPayIn(tx, p))) throw new Way2PayError(60010);
    for (const [k, ref] of [
      ['payin_id', p.id],
      ['payin_external_id', p.externalId],
      ['payin_tracker_id', p.trackerId],
    ] as const) {
      await tx.refs.insert({ face: 'way2pay', merchantId: merchant.id, kind: k, ref, subjectType: PAYIN_SUBJECT, subjectId: p.id });
    }
    await tx.jobs.schedule(JOB_PAYIN_TIMEOUT, p.id, p.expiresAt, {});
    await this.emit(tx, p, 'way2pay.payin.created', null);
    return p;
  }

  /** Gives waiting (CREATED) pay-ins of a merchant a free requisite: CREATED → PENDING. */
  async assignWaiting(tx: Tx, merchantId: string): Promise<number> {
    let n = 0;
    for (const p of await S.listWaitingPayIns(tx, merchantId)) {
      const kind = PAYIN_METHODS[p.method];
      if (!kind) continue;
      const commissions = (await S.listCommissions(tx, merchantId, 'payin')).filter(
        (c) =>
          c.isActive &&
          c.method === p.method &&
          (p.bankFixed ? c.bankId === p.bankId : bankById(c.bankId)?.currency === p.currency) &&
          p.amount >= c.minAmount &&
          p.amount <= c.maxAmount,
      );
      const r = await S.takeRequisite(
        tx,
        merchantId,
        commissions.map((c) => c.bankId),
        kind,
        this.now(),
      );
      if (!r) continue;
      const c = commissions.find((x) => x.bankId === r.bankId);
      const next: PayIn = {
        ...p,
        bankId: r.bankId,
        requisiteId: r.id,
        receiver: r.value,
        holder: r.holder,
        commission: c ? percentOf(p.amount, c.percentBp) : p.commission,
      };
      await this.move(tx, next, 'CREATED', 'PENDING');
      n++;
    }
    return n;
  }

  /** The payer reports the transfer (sandbox or operator): PENDING → PROCESSING, the expected money frozen. */
  async markPaid(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    const p = await this.get(tx, id);
    expectStatus(p.status, ['PENDING']);
    const next: PayIn = { ...p, paidAmount: amount ?? p.amount };
    await this.move(tx, next, 'PENDING', 'PROCESSING', (q) => freezePayIn(tx, this.money, q));
    return next;
  }

  /**
   * The operator (or the sandbox) confirms the payer's transfer of `amount` (default: the expected amount).
   * The expected amount completes the pay-in and credits the payment balance (less the commission);
   * any other amount ends it in INCORRECT_AMOUNT with no credit.
   */
  async confirm(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    const p = await this.get(tx, id);
    expectStatus(p.status, ['PENDING', 'PROCESSING']);
    const paid = amount ?? (p.status === 'PROCESSING' && p.paidAmount !== null ? p.paidAmount : p.amount);
    const exact = paid === p.amount;
    const next: PayIn = { ...p, paidAmount: paid };
    await this.move(tx, next, p.status, exact ? 'COMPLETED' : 'INCORRECT_AMOUNT', (q) => settlePayIn(tx, this.money, q, p.status, exact));
    return next;
  }

  /** The operator marks a pay-in failed: ERROR (frozen money released). */
  async fail(tx: Tx, id: string): Promise<PayIn> {
    return this.close(tx, await this.get(tx, id), 'ERROR', ['CREATED', 'PENDING', 'PROCESSING']);
  }

  /** The merchant (or operator) cancels: CANCELLED (frozen money released). */
  async cancel(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    return this.close(tx, await this.get(tx, id, merchantId), 'CANCELLED', ['CREATED', 'PENDING', 'PROCESSING']);
  }

  /** The lifetime job: a pay-in still waiting for requisites or for the payer's transfer becomes TIMEOUT. */
  async expire(tx: Tx, id: string): Promise<PayIn | null> {
    const p = await S.getPayIn(tx, id);
    if (!p || (p.status !== 'CREATED' && p.status !== 'PENDING')) return null;
    if (this.now() < p.expiresAt) return null;
    const next: PayIn = { ...p };
    try {
      await this.move(tx, next, p.status, 'TIMEOUT');
    } catch (e) {
      if (e instanceof Way2PayError) return null; // changed meanwhile
      throw e;
    }
    return next;
  }

  /** The operator reverses a completed pay-in: REFUNDED, the credit and the commission taken back. */
  async refund(tx: Tx, id: string): Promise<PayIn> {
    const p = await this.get(tx, id);
    expectStatus(p.status, ['COMPLETED']);
    const next: PayIn = { ...p };
    await this.move(tx, next, 'COMPLETED', 'REFUNDED', (q) => reversePayIn(tx, this.money, q));
    return next;
  }

  private async close(tx: Tx, p: PayIn, to: Way2PayStatus, from: Way2PayStatus[]): Promise<PayIn> {
    expectStatus(p.status, from);
    const next: PayIn = { ...p };
    await this.move(tx, next, p.status, to, async (q) => {
      if (p.status === 'PROCESSING') await releasePayIn(tx, this.money, q);
    });
    return next;
  }

  /**
   * One pay-in transition: a conditional update of the row (only one concurrent caller wins), then its
   * ledger transfers, then the outbox event. `next` is updated in place.
   */
  private async move(tx: Tx, next: PayIn, from: Way2PayStatus, to: Way2PayStatus, transfers?: (p: PayIn) => Promise<void>): Promise<void> {
    next.status = to;
    next.updatedAt = this.now();
    if (!(await S.updatePayIn(tx, next, from))) {
      const cur = await S.getPayIn(tx, next.id);
      throw new Way2PayError(cur && FINAL.has(cur.status) ? 60012 : 60002);
    }
    if (transfers) {
      await transfers(next);
      await S.updatePayIn(tx, next, to);
    }
    if (to !== 'CREATED' && to !== 'PENDING') await tx.jobs.cancel(JOB_PAYIN_TIMEOUT, next.id);
    await this.emit(tx, next, 'way2pay.payin.status', from);
  }

  private async emit(tx: Tx, p: PayIn, type: string, from: Way2PayStatus | null): Promise<void> {
    await this.engine.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: 'way2pay',
      type,
      subjectType: PAYIN_SUBJECT,
      subjectId: p.id,
      payload: { payin: serializePayIn(p), from } as JsonObject,
    });
  }
}
