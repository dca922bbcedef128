// Way2Pay operations: pay-ins (P2P, with requisites from the merchant's pool), pay-outs, balances and the
// pool and commissions the operator manages. Every state change is a conditional update of the face's
// row, its ledger transfers and an outbox event, all in the caller's transaction. The admin API and
// the sandbox routes call these functions; the merchant API goes through routes.ts.
//
// Pay-in:  CREATED (no free requisite yet) → PENDING (requisites issued, awaiting the payer's transfer)
//          → PROCESSING (the payer's transfer reported; funds frozen) → COMPLETED | INCORRECT_AMOUNT
//          CREATED/PENDING → TIMEOUT (lifetime, on the Clock); CREATED/PENDING/PROCESSING → CANCELLED | ERROR;
//          COMPLETED → REFUNDED (operator)
// Pay-out: CREATED → PROCESSING (funds frozen) → COMPLETED (debited) | ERROR | CANCELLED | TIMEOUT (released);
//          COMPLETED → REFUNDED (operator; funds returned)
import { HOUR, MINUTE } from '../../core/clock.js';
import { detectBrand, luhnCheckDigit, maskPan, normalizePan } from '../../core/cards.js';
import type { Engine } from '../../core/engine.js';
import { uuid } from '../../core/ids.js';
import { FEES_ACCOUNT, NETWORK_ACCOUNT } from '../../core/ledger.js';
import { MAX_AMOUNT, parseMajor, percentOf } from '../../core/money.js';
import type { JsonObject, LedgerAccount, Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { way2payStore as S, type Commission, type Requisite } from './store.js';
import {
  BANKS,
  bankById,
  DECLINE_STATUS,
  FINAL,
  findBank,
  genCode,
  parseBasisPoints,
  PAYIN_METHODS,
  PAYOUT_METHODS,
  serializePayIn,
  serializePayOut,
  Way2PayError,
  type Generation,
  type PayIn,
  type PayOut,
  type RequisiteKind,
  type Way2PayStatus,
} from './wire.js';

/** Ledger account kinds of a merchant's two Way2Pay balances. */
export const PAYMENT_KIND = 'way2pay_payment';
export const PAYOUT_KIND = 'way2pay_payout';
export const PAYIN_SUBJECT = 'way2pay_payin';
export const PAYOUT_SUBJECT = 'way2pay_payout';

export const JOB_PAYIN_TIMEOUT = 'way2pay.payin.timeout';
export const JOB_PAYOUT_PROCESS = 'way2pay.payout.process';
export const JOB_PAYOUT_TIMEOUT = 'way2pay.payout.timeout';

export interface Way2PayConfig {
  /** a pay-in not paid within this time becomes TIMEOUT */
  payInLifetimeMs: number;
  /** sandbox: a pay-out is executed (COMPLETED, or ERROR for a declining test card) this long after creation */
  payOutDelayMs: number;
  /** with automatic execution off, a pay-out not executed within this time becomes TIMEOUT */
  payOutLifetimeMs: number;
  autoProcessPayOuts: boolean;
  /** generation 3: how old the millisecond part of an 18-digit nonce may be (real time) */
  nonceWindowMs: number;
  /** serve the sandbox routes (/sandbox/...) */
  sandboxRoutes: boolean;
  /** callback retry delays; 1 attempt + 3 retries */
  callbackSchedule: number[];
  callbackMaxAttempts: number;
}

export const DEFAULT_CONFIG: Way2PayConfig = {
  payInLifetimeMs: 15 * MINUTE,
  payOutDelayMs: MINUTE,
  payOutLifetimeMs: 24 * HOUR,
  autoProcessPayOuts: true,
  nonceWindowMs: 5 * MINUTE,
  sandboxRoutes: true,
  callbackSchedule: [MINUTE, 5 * MINUTE, 15 * MINUTE],
  callbackMaxAttempts: 4,
};

/** Per-merchant overrides live in `merchant.settings.way2pay` (payInLifetimeMs, payOutDelayMs, ...). */
export function configFor(base: Way2PayConfig, merchant: Merchant | undefined): Way2PayConfig {
  const s = (merchant?.settings?.way2pay ?? {}) as Record<string, unknown>;
  const ms = (k: keyof Way2PayConfig) =>
    typeof s[k] === 'number' && Number.isFinite(s[k]) && (s[k] as number) >= 0 ? (s[k] as number) : (base[k] as number);
  return {
    ...base,
    payInLifetimeMs: ms('payInLifetimeMs'),
    payOutDelayMs: ms('payOutDelayMs'),
    payOutLifetimeMs: ms('payOutLifetimeMs'),
    autoProcessPayOuts: typeof s.autoProcessPayOuts === 'boolean' ? s.autoProcessPayOuts : base.autoProcessPayOuts,
  };
}

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

export interface BalanceView {
  currency: string;
  available: bigint;
  frozen: bigint;
}

// ---------------------------------------------------------------------------------------------- the demo pool

const DEMO_HOLDERS = [
  'Иванов Иван Иванович',
  'Петров Пётр Петрович',
  'Сидорова Анна Сергеевна',
  'Кузнецов Алексей Олегович',
  'Смирнова Мария Игоревна',
  'Попов Дмитрий Андреевич',
];

/** The demo requisites pool: a card, a phone and an account at each bank (the SBP bank: a phone). */
export function demoRequisites(): Array<{ bankId: number; kind: RequisiteKind; value: string; holder: string }> {
  const out: Array<{ bankId: number; kind: RequisiteKind; value: string; holder: string }> = [];
  for (const b of BANKS) {
    const n = String(b.id).padStart(3, '0');
    const holder = DEMO_HOLDERS[(b.id - 1) % DEMO_HOLDERS.length]!;
    if (b.key !== 'SBP') {
      const partial = `220070010000${n}`;
      out.push({ bankId: b.id, kind: 'card', value: partial + luhnCheckDigit(partial), holder });
      out.push({ bankId: b.id, kind: 'account', value: `40817810000000000${n}`, holder });
    }
    out.push({ bankId: b.id, kind: 'phone', value: `7999000${n.padStart(4, '0')}`, holder });
  }
  return out;
}

/** The demo commissions: pay-in 10.6 % (100–100 000), pay-out 2.5 % (100–50 000), per bank and method. */
export function demoCommissions(): Array<Omit<Commission, 'id' | 'merchantId'>> {
  const out: Array<Omit<Commission, 'id' | 'merchantId'>> = [];
  for (const b of BANKS) {
    const methods = b.key === 'SBP' ? ['SBP'] : ['CARD', 'SBP', 'ACCOUNT'];
    for (const method of methods) {
      out.push({ direction: 'payin', bankId: b.id, method, percentBp: 1060n, minAmount: 10_000n, maxAmount: 10_000_000n, isActive: true });
      out.push({ direction: 'payout', bankId: b.id, method, percentBp: 250n, minAmount: 10_000n, maxAmount: 5_000_000n, isActive: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- the service

export class Way2PayService {
  constructor(
    readonly engine: Engine,
    readonly config: Way2PayConfig = DEFAULT_CONFIG,
  ) {}

  private now(): number {
    return this.engine.clock.now();
  }

  // ---- setup: the requisites pool and commissions

  /** Gives a merchant the demo pool and commissions when it has none (merchants created before the face). */
  async ensureSetup(tx: Tx, merchantId: string): Promise<void> {
    if ((await S.countCommissions(tx, merchantId)) === 0) {
      for (const c of demoCommissions()) await S.insertCommissionIfMissing(tx, { ...c, merchantId });
    }
    if ((await S.countRequisites(tx, merchantId)) === 0) {
      for (const r of demoRequisites())
        await S.insertRequisite(tx, { merchantId, ...r, isActive: true, lastUsedAt: 0, createdAt: this.now() });
    }
  }

  /** Adds a requisite to a merchant's pool (operator); pay-ins waiting for one get it at once. */
  async addRequisite(
    tx: Tx,
    merchantId: string,
    r: { bank: number | string; kind: RequisiteKind; value: string; holder: string },
  ): Promise<Requisite> {
    const bank = findBank(r.bank);
    if (!bank) throw new Way2PayError(60014);
    if (!['card', 'phone', 'account', 'link'].includes(r.kind)) throw new Way2PayError(20000, 'kind must be card, phone, account or link');
    const value = r.value.trim();
    if (!value || value.length > 512) throw new Way2PayError(20000, 'value is required');
    await S.insertRequisite(tx, {
      merchantId,
      bankId: bank.id,
      kind: r.kind,
      value,
      holder: r.holder.trim(),
      isActive: true,
      lastUsedAt: 0,
      createdAt: this.now(),
    });
    const found = (await S.listRequisites(tx, merchantId)).find((x) => x.bankId === bank.id && x.kind === r.kind && x.value === value)!;
    if (!found.isActive) await S.setRequisiteActive(tx, merchantId, found.id, true);
    await this.assignWaiting(tx, merchantId);
    return { ...found, isActive: true };
  }

  listRequisites(tx: Tx, merchantId: string): Promise<Requisite[]> {
    return S.listRequisites(tx, merchantId);
  }

  async setRequisiteActive(tx: Tx, merchantId: string, id: number, active: boolean): Promise<void> {
    if (!(await S.setRequisiteActive(tx, merchantId, id, active))) throw new Way2PayError(60011);
    if (active) await this.assignWaiting(tx, merchantId);
  }

  /** Sets a commission row (operator): percent as "10.6", limits in major units. */
  async setCommission(
    tx: Tx,
    merchantId: string,
    c: {
      direction: 'payin' | 'payout';
      bank: number | string;
      method: string;
      percent: string | number;
      minAmount: string;
      maxAmount: string;
      isActive?: boolean;
    },
  ): Promise<void> {
    const bank = findBank(c.bank);
    if (!bank) throw new Way2PayError(60014);
    const method = c.method.toUpperCase();
    if (!(c.direction === 'payin' ? PAYIN_METHODS : PAYOUT_METHODS)[method]) throw new Way2PayError(60015);
    const percentBp = parseBasisPoints(c.percent);
    if (percentBp === undefined || percentBp > 10_000n)
      throw new Way2PayError(20000, 'percent must be a number from 0 to 100 with at most two decimals');
    const minAmount = parseMajor(c.minAmount, bank.currency);
    const maxAmount = parseMajor(c.maxAmount, bank.currency);
    if (minAmount < 0n || maxAmount < minAmount) throw new Way2PayError(20000, 'minAmount and maxAmount must satisfy 0 <= min <= max');
    await S.upsertCommission(tx, {
      merchantId,
      direction: c.direction,
      bankId: bank.id,
      method,
      percentBp,
      minAmount,
      maxAmount,
      isActive: c.isActive ?? true,
    });
  }

  listCommissions(tx: Tx, merchantId: string): Promise<Commission[]> {
    return S.listCommissions(tx, merchantId);
  }

  // ---- balances

  private account(tx: Tx, merchantId: string, currency: string, kind: string): Promise<LedgerAccount> {
    return this.engine.ledger.account(tx, merchantId, currency, kind);
  }

  /** The merchant's own counter-account for money from and to the outside world. */
  private network(tx: Tx, merchantId: string, currency: string): Promise<LedgerAccount> {
    return this.engine.ledger.systemAccount(tx, merchantId, currency, NETWORK_ACCOUNT);
  }

  /** The gateway's commission income from this merchant. */
  private fees(tx: Tx, merchantId: string, currency: string): Promise<LedgerAccount> {
    return this.engine.ledger.systemAccount(tx, merchantId, currency, FEES_ACCOUNT);
  }

  /** The payment and payout balances: available (spendable now) and frozen (held either way). */
  async balances(tx: Tx, merchantId: string, currency: string): Promise<{ payment: BalanceView; payout: BalanceView }> {
    const view = async (kind: string): Promise<BalanceView> => {
      const b = await this.engine.ledger.balance(tx, merchantId, currency, kind);
      return { currency, available: b.available, frozen: b.frozenIn + b.frozenOut };
    };
    return { payment: await view(PAYMENT_KIND), payout: await view(PAYOUT_KIND) };
  }

  /** Sandbox or operator top-up of a balance from outside (the network account). */
  async deposit(tx: Tx, merchantId: string, currency: string, amount: bigint, balance: 'payment' | 'payout' = 'payout'): Promise<void> {
    if (amount <= 0n) throw new Way2PayError(20000, 'amount must be greater than zero');
    if (amount > MAX_AMOUNT) throw new Way2PayError(30007);
    const to = await this.account(tx, merchantId, currency, balance === 'payment' ? PAYMENT_KIND : PAYOUT_KIND);
    await this.engine.ledger.post(tx, await this.network(tx, merchantId, currency), to, amount, {
      code: 'way2pay_deposit',
      refType: 'merchant',
      refId: merchantId,
    });
  }

  /** Moves collected pay-in money to the payout balance (operator). */
  async transferToPayout(tx: Tx, merchantId: string, currency: string, amount: bigint): Promise<void> {
    if (amount <= 0n) throw new Way2PayError(20000, 'amount must be greater than zero');
    const from = await this.account(tx, merchantId, currency, PAYMENT_KIND);
    const to = await this.account(tx, merchantId, currency, PAYOUT_KIND);
    await this.engine.ledger.post(
      tx,
      from,
      to,
      amount,
      { code: 'way2pay_balance_transfer', refType: 'merchant', refId: merchantId },
      { requireFunds: true },
    );
  }

  // ---- pay-ins

  async getPayIn(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    const p = await S.getPayIn(tx, id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new Way2PayError(60011);
    return p;
  }

  async createPayIn(tx: Tx, merchant: Merchant, generation: Generation, input: PayInInput): Promise<PayIn> {
    await this.ensureSetup(tx, merchant.id);
    const cfg = configFor(this.config, merchant);
    const kind = PAYIN_METHODS[input.method];
    if (!kind) throw new Way2PayError(genCode(generation, 20000, 60015), 'unknown method');
    const all = (await S.listCommissions(tx, merchant.id, 'payin')).filter((c) => c.isActive && c.method === input.method);
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
    const requisite = await S.takeRequisite(
      tx,
      merchant.id,
      fitting.map((c) => c.bankId),
      kind,
      now,
    );
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
    if (!(await S.insertPayIn(tx, p))) throw new Way2PayError(60010);
    for (const [k, ref] of [
      ['payin_id', p.id],
      ['payin_external_id', p.externalId],
      ['payin_tracker_id', p.trackerId],
    ] as const) {
      await tx.refs.insert({ face: 'way2pay', merchantId: merchant.id, kind: k, ref, subjectType: PAYIN_SUBJECT, subjectId: p.id });
    }
    await tx.jobs.schedule(JOB_PAYIN_TIMEOUT, p.id, p.expiresAt, {});
    await this.emitPayIn(tx, p, 'way2pay.payin.created', null);
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
      await this.movePayIn(tx, next, 'CREATED', 'PENDING');
      n++;
    }
    return n;
  }

  /** The payer reports the transfer (sandbox or operator): PENDING → PROCESSING, the expected money frozen. */
  async markPayInPaid(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    const p = await this.getPayIn(tx, id);
    this.expect(p.status, ['PENDING']);
    const next: PayIn = { ...p, paidAmount: amount ?? p.amount };
    await this.movePayIn(tx, next, 'PENDING', 'PROCESSING', async (q) => {
      const ref = { refType: PAYIN_SUBJECT, refId: q.id };
      const net = q.amount - q.commission;
      const network = await this.network(tx, q.merchantId, q.currency);
      if (net > 0n)
        q.holdNetId = await this.engine.ledger.hold(tx, network, await this.account(tx, q.merchantId, q.currency, PAYMENT_KIND), net, {
          code: 'way2pay_payin_hold',
          ...ref,
        });
      if (q.commission > 0n)
        q.holdFeeId = await this.engine.ledger.hold(tx, network, await this.fees(tx, q.merchantId, q.currency), q.commission, {
          code: 'way2pay_payin_fee_hold',
          ...ref,
        });
    });
    return next;
  }

  /**
   * The operator (or the sandbox) confirms the payer's transfer of `amount` (default: the expected amount).
   * The expected amount completes the pay-in and credits the payment balance (less the commission);
   * any other amount ends it in INCORRECT_AMOUNT with no credit.
   */
  async confirmPayIn(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    const p = await this.getPayIn(tx, id);
    this.expect(p.status, ['PENDING', 'PROCESSING']);
    const paid = amount ?? (p.status === 'PROCESSING' && p.paidAmount !== null ? p.paidAmount : p.amount);
    const exact = paid === p.amount;
    const next: PayIn = { ...p, paidAmount: paid };
    await this.movePayIn(tx, next, p.status, exact ? 'COMPLETED' : 'INCORRECT_AMOUNT', async (q) => {
      const ref = { refType: PAYIN_SUBJECT, refId: q.id };
      if (p.status === 'PROCESSING') {
        if (exact) await this.postHolds(tx, [q.holdNetId, q.holdFeeId], { code: 'way2pay_payin', ...ref });
        else await this.voidHolds(tx, [q.holdNetId, q.holdFeeId], { code: 'way2pay_payin_incorrect_amount', ...ref });
      } else if (exact) {
        const network = await this.network(tx, q.merchantId, q.currency);
        const net = q.amount - q.commission;
        if (net > 0n)
          await this.engine.ledger.post(tx, network, await this.account(tx, q.merchantId, q.currency, PAYMENT_KIND), net, {
            code: 'way2pay_payin',
            ...ref,
          });
        if (q.commission > 0n)
          await this.engine.ledger.post(tx, network, await this.fees(tx, q.merchantId, q.currency), q.commission, {
            code: 'way2pay_payin_fee',
            ...ref,
          });
      }
    });
    return next;
  }

  /** The operator marks a pay-in failed: ERROR (frozen money released). */
  async failPayIn(tx: Tx, id: string): Promise<PayIn> {
    return this.closePayIn(tx, await this.getPayIn(tx, id), 'ERROR', ['CREATED', 'PENDING', 'PROCESSING']);
  }

  /** The merchant (or operator) cancels: CANCELLED (frozen money released). */
  async cancelPayIn(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    return this.closePayIn(tx, await this.getPayIn(tx, id, merchantId), 'CANCELLED', ['CREATED', 'PENDING', 'PROCESSING']);
  }

  /** The lifetime job: a pay-in still waiting for requisites or for the payer's transfer becomes TIMEOUT. */
  async expirePayIn(tx: Tx, id: string): Promise<PayIn | null> {
    const p = await S.getPayIn(tx, id);
    if (!p || (p.status !== 'CREATED' && p.status !== 'PENDING')) return null;
    if (this.now() < p.expiresAt) return null;
    const next: PayIn = { ...p };
    try {
      await this.movePayIn(tx, next, p.status, 'TIMEOUT');
    } catch (e) {
      if (e instanceof Way2PayError) return null; // changed meanwhile
      throw e;
    }
    return next;
  }

  /** The operator reverses a completed pay-in: REFUNDED, the credit and the commission taken back. */
  async refundPayIn(tx: Tx, id: string): Promise<PayIn> {
    const p = await this.getPayIn(tx, id);
    this.expect(p.status, ['COMPLETED']);
    const next: PayIn = { ...p };
    await this.movePayIn(tx, next, 'COMPLETED', 'REFUNDED', async (q) => {
      const ref = { refType: PAYIN_SUBJECT, refId: q.id };
      const network = await this.network(tx, q.merchantId, q.currency);
      const net = q.amount - q.commission;
      if (net > 0n)
        await this.engine.ledger.post(
          tx,
          await this.account(tx, q.merchantId, q.currency, PAYMENT_KIND),
          network,
          net,
          { code: 'way2pay_payin_refund', ...ref },
          { requireFunds: true },
        );
      if (q.commission > 0n)
        await this.engine.ledger.post(tx, await this.fees(tx, q.merchantId, q.currency), network, q.commission, {
          code: 'way2pay_payin_fee_refund',
          ...ref,
        });
    });
    return next;
  }

  private async closePayIn(tx: Tx, p: PayIn, to: Way2PayStatus, from: Way2PayStatus[]): Promise<PayIn> {
    this.expect(p.status, from);
    const next: PayIn = { ...p };
    await this.movePayIn(tx, next, p.status, to, async (q) => {
      if (p.status === 'PROCESSING')
        await this.voidHolds(tx, [q.holdNetId, q.holdFeeId], { code: 'way2pay_payin_released', refType: PAYIN_SUBJECT, refId: q.id });
    });
    return next;
  }

  /**
   * One pay-in transition: a conditional update of the row (only one concurrent caller wins), then its
   * ledger transfers, then the outbox event. `next` is updated in place.
   */
  private async movePayIn(tx: Tx, next: PayIn, from: Way2PayStatus, to: Way2PayStatus, money?: (p: PayIn) => Promise<void>): Promise<void> {
    next.status = to;
    next.updatedAt = this.now();
    if (!(await S.updatePayIn(tx, next, from))) {
      const cur = await S.getPayIn(tx, next.id);
      throw new Way2PayError(cur && FINAL.has(cur.status) ? 60012 : 60002);
    }
    if (money) {
      await money(next);
      await S.updatePayIn(tx, next, to);
    }
    if (to !== 'CREATED' && to !== 'PENDING') await tx.jobs.cancel(JOB_PAYIN_TIMEOUT, next.id);
    await this.emitPayIn(tx, next, 'way2pay.payin.status', from);
  }

  private async emitPayIn(tx: Tx, p: PayIn, type: string, from: Way2PayStatus | null): Promise<void> {
    await this.engine.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: 'way2pay',
      type,
      subjectType: PAYIN_SUBJECT,
      subjectId: p.id,
      payload: { payin: serializePayIn(p), from } as JsonObject,
    });
  }

  // ---- pay-outs

  async getPayOut(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    const p = await S.getPayOut(tx, id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new Way2PayError(60011);
    return p;
  }

  /**
   * Creates a pay-out: the amount and its commission are frozen on the payout balance (30004 zero balance,
   * 30005 not enough balance), then it is PROCESSING until executed (debited) or failed (released).
   */
  async createPayOut(tx: Tx, merchant: Merchant, generation: Generation, input: PayOutInput): Promise<PayOut> {
    await this.ensureSetup(tx, merchant.id);
    const cfg = configFor(this.config, merchant);
    const kind = PAYOUT_METHODS[input.method];
    if (!kind) throw new Way2PayError(genCode(generation, 20000, 60015), 'unknown method');
    const commission = (await S.listCommissions(tx, merchant.id, 'payout')).find(
      (c) => c.isActive && c.method === input.method && c.bankId === input.bankId,
    );
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
    const from = await this.account(tx, merchant.id, p.currency, PAYOUT_KIND);
    const locked = await tx.ledger.lockAccount(from.id);
    const available = locked ? locked.creditsPosted - locked.debitsPosted - locked.debitsPending : 0n;
    if (available <= 0n) throw new Way2PayError(30004);
    if (available < p.amount + p.commission) throw new Way2PayError(30005);
    const ref = { refType: PAYOUT_SUBJECT, refId: p.id };
    p.holdAmountId = await this.engine.ledger.hold(
      tx,
      from,
      await this.network(tx, p.merchantId, p.currency),
      p.amount,
      { code: 'way2pay_payout_hold', ...ref },
      { requireFunds: true },
    );
    if (p.commission > 0n)
      p.holdFeeId = await this.engine.ledger.hold(
        tx,
        from,
        await this.fees(tx, p.merchantId, p.currency),
        p.commission,
        { code: 'way2pay_payout_fee_hold', ...ref },
        { requireFunds: true },
      );
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
    await this.emitPayOut(tx, p, 'way2pay.payout.created', null);
    return p;
  }

  /** The sandbox's execution: card pay-outs ask the simulated network (test cards decline), others succeed. */
  async processPayOut(tx: Tx, id: string): Promise<PayOut | null> {
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
      if (decision.outcome === 'declined') return this.failPayOut(tx, id, decision.reason);
      if (decision.outcome !== 'approved') return this.failPayOut(tx, id, 'processing_error');
    }
    return this.completePayOut(tx, id);
  }

  /** Executed: the frozen amount and commission are debited. */
  async completePayOut(tx: Tx, id: string): Promise<PayOut> {
    const p = await this.getPayOut(tx, id);
    this.expect(p.status, ['PROCESSING']);
    const next: PayOut = { ...p };
    await this.movePayOut(tx, next, 'PROCESSING', 'COMPLETED', () =>
      this.postHolds(tx, [p.holdAmountId, p.holdFeeId], { code: 'way2pay_payout', refType: PAYOUT_SUBJECT, refId: p.id }),
    );
    return next;
  }

  /** Failed: ERROR, the frozen money released. `reason` is a decline reason of the simulated network. */
  async failPayOut(tx: Tx, id: string, reason: string | null = null): Promise<PayOut> {
    const p = await this.getPayOut(tx, id);
    const to = reason && reason in DECLINE_STATUS ? DECLINE_STATUS[reason as keyof typeof DECLINE_STATUS] : 'ERROR';
    return this.closePayOut(tx, { ...p, declineReason: reason }, to, ['CREATED', 'PROCESSING']);
  }

  async cancelPayOut(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    return this.closePayOut(tx, await this.getPayOut(tx, id, merchantId), 'CANCELLED', ['CREATED', 'PROCESSING']);
  }

  /** The lifetime job (automatic execution off): not executed in time → TIMEOUT, money released. */
  async expirePayOut(tx: Tx, id: string): Promise<PayOut | null> {
    const p = await S.getPayOut(tx, id);
    if (!p || p.status !== 'PROCESSING' || this.now() < p.expiresAt) return null;
    try {
      return await this.closePayOut(tx, p, 'TIMEOUT', ['PROCESSING']);
    } catch (e) {
      if (e instanceof Way2PayError) return null;
      throw e;
    }
  }

  /** The operator records a returned pay-out: REFUNDED, amount and commission back on the payout balance. */
  async refundPayOut(tx: Tx, id: string): Promise<PayOut> {
    const p = await this.getPayOut(tx, id);
    this.expect(p.status, ['COMPLETED']);
    const next: PayOut = { ...p };
    await this.movePayOut(tx, next, 'COMPLETED', 'REFUNDED', async () => {
      const ref = { refType: PAYOUT_SUBJECT, refId: p.id };
      const to = await this.account(tx, p.merchantId, p.currency, PAYOUT_KIND);
      await this.engine.ledger.post(tx, await this.network(tx, p.merchantId, p.currency), to, p.amount, {
        code: 'way2pay_payout_refund',
        ...ref,
      });
      if (p.commission > 0n)
        await this.engine.ledger.post(tx, await this.fees(tx, p.merchantId, p.currency), to, p.commission, {
          code: 'way2pay_payout_fee_refund',
          ...ref,
        });
    });
    return next;
  }

  private async closePayOut(tx: Tx, p: PayOut, to: Way2PayStatus, from: Way2PayStatus[]): Promise<PayOut> {
    this.expect(p.status, from);
    const next: PayOut = { ...p };
    await this.movePayOut(tx, next, p.status, to, () =>
      this.voidHolds(tx, [p.holdAmountId, p.holdFeeId], { code: 'way2pay_payout_released', refType: PAYOUT_SUBJECT, refId: p.id }),
    );
    return next;
  }

  private async movePayOut(tx: Tx, next: PayOut, from: Way2PayStatus, to: Way2PayStatus, money?: () => Promise<void>): Promise<void> {
    next.status = to;
    next.updatedAt = this.now();
    if (!(await S.updatePayOut(tx, next, from))) {
      const cur = await S.getPayOut(tx, next.id);
      throw new Way2PayError(cur && FINAL.has(cur.status) ? 60012 : 60002);
    }
    if (money) await money();
    await tx.jobs.cancel(JOB_PAYOUT_PROCESS, next.id);
    await tx.jobs.cancel(JOB_PAYOUT_TIMEOUT, next.id);
    await this.emitPayOut(tx, next, 'way2pay.payout.status', from);
  }

  private async emitPayOut(tx: Tx, p: PayOut, type: string, from: Way2PayStatus | null): Promise<void> {
    await this.engine.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: 'way2pay',
      type,
      subjectType: PAYOUT_SUBJECT,
      subjectId: p.id,
      payload: { payout: serializePayOut(p), from } as JsonObject,
    });
  }

  // ---- helpers

  private expect(status: Way2PayStatus, allowed: Way2PayStatus[]): void {
    if (allowed.includes(status)) return;
    throw new Way2PayError(FINAL.has(status) ? 60012 : 60002);
  }

  private async postHolds(tx: Tx, ids: Array<number | null>, ref: { code: string; refType: string; refId: string }): Promise<void> {
    for (const id of ids) if (id !== null) await this.engine.ledger.postPending(tx, id, null, ref);
  }

  private async voidHolds(tx: Tx, ids: Array<number | null>, ref: { code: string; refType: string; refId: string }): Promise<void> {
    for (const id of ids) if (id !== null) await this.engine.ledger.voidPending(tx, id, ref);
  }
}

// One service per engine (the face's routes, jobs and the admin API share it).
const services = new WeakMap<Engine, Way2PayService>();

/** The Way2Pay operations of a gateway's engine (created with the face's configuration on first use). */
export function way2payService(engine: Engine, config?: Way2PayConfig): Way2PayService {
  let s = services.get(engine);
  if (!s) {
    s = new Way2PayService(engine, config ?? DEFAULT_CONFIG);
    services.set(engine, s);
  }
  return s;
}
