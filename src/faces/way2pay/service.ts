// The Way2Pay service: the one place the face changes state (pay-ins, pay-outs, balances, the requisites pool and
// commissions), each method in the caller's transaction (run it in `engine.transaction`), throwing `Way2PayError`.
// The merchant API (routes/), the sandbox routes, the scheduler's jobs, the admin API and the P2P desk all call it.
// The work is in service/: pay-ins.ts (its ledger transfers in pay-in-ledger.ts), pay-outs.ts, balances.ts (ledger
// accounts and holds), pool.ts (requisites and commissions), config.ts.
import type { Engine } from '../../core/engine.js';
import { parseMajor } from '../../core/money.js';
import type { Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { RequisiteKind } from './reference-data.js';
import { way2payStore as S, type Commission, type Requisite } from './store.js';
import type { Generation, PayIn, PayOut } from './wire.js';
import { Balances, type BalanceName, type BalanceView } from './service/balances.js';
import { DEFAULT_CONFIG, type Way2PayConfig } from './service/config.js';
import { PayIns, type PayInInput } from './service/pay-ins.js';
import { PayOuts, type PayOutInput } from './service/pay-outs.js';
import { Pool, type CommissionInput } from './service/pool.js';

export type { PayInInput, PayOutInput, BalanceView, Way2PayConfig };

/** The merchant's `way2pay` section of a seed file. */
export interface Way2PaySeed {
  publicKey?: string;
  secretKey?: string;
  /** 1 (the original README's HMAC-SHA256 auth, the default), 2 (HMAC-SHA512 with `Expires`) or 3 (the current HMAC-SHA512 auth) */
  generation?: 1 | 2 | 3 | '1' | '2' | '3';
  /** signs callbacks (default: the secret key) */
  callbackSecret?: string;
  /** opening balances in major units: "10000.00" (RUB) or { RUB: "10000", USD: "50" } */
  payoutBalance?: string | number | Record<string, string | number>;
  paymentBalance?: string | number | Record<string, string | number>;
  /** the requisites pool (default: the demo pool) */
  requisites?: Array<{ bank: string | number; kind?: RequisiteKind; method?: string; value: string; holder: string; active?: boolean }>;
  /** commissions (default: the demo commissions) */
  commissions?: Array<{
    direction: string;
    bank: string | number;
    method: string;
    percent: string | number;
    minAmount: string | number;
    maxAmount: string | number;
    isActive?: boolean;
  }>;
}

function openingBalances(v: Way2PaySeed['payoutBalance']): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string' || typeof v === 'number') return [['RUB', String(v)]];
  return Object.entries(v).map(([cur, amount]) => [cur.toUpperCase(), String(amount)]);
}

export class Way2PayService {
  private readonly money: Balances;
  private readonly pool: Pool;
  private readonly payIns: PayIns;
  private readonly payOuts: PayOuts;

  constructor(
    readonly engine: Engine,
    readonly config: Way2PayConfig = DEFAULT_CONFIG,
  ) {
    this.money = new Balances(engine);
    this.pool = new Pool(() => engine.clock.now());
    this.payIns = new PayIns(engine, config, this.money, this.pool);
    this.payOuts = new PayOuts(engine, config, this.money, this.pool);
  }

  // ---- a new merchant, the requisites pool and commissions

  /** A new merchant's commissions, pool and opening balances from its seed section (the demo set by default). */
  async applySeed(tx: Tx, merchantId: string, s: Way2PaySeed): Promise<void> {
    for (const c of s.commissions ?? []) {
      const direction = c.direction.toLowerCase() === 'payout' ? 'payout' : 'payin';
      await this.pool.setCommission(tx, merchantId, { ...c, direction, minAmount: String(c.minAmount), maxAmount: String(c.maxAmount) });
    }
    if (!s.commissions?.length) await this.pool.addDemoCommissions(tx, merchantId);
    for (const r of s.requisites ?? []) await this.pool.insertSeedRequisite(tx, merchantId, r);
    if (!s.requisites?.length) await this.pool.addDemoRequisites(tx, merchantId);
    for (const [currency, amount] of openingBalances(s.payoutBalance))
      await this.money.deposit(tx, merchantId, currency, parseMajor(amount, currency), 'payout');
    for (const [currency, amount] of openingBalances(s.paymentBalance))
      await this.money.deposit(tx, merchantId, currency, parseMajor(amount, currency), 'payment');
  }

  /** Gives a merchant the demo pool and commissions when it has none (merchants created before the face). */
  ensureSetup(tx: Tx, merchantId: string): Promise<void> {
    return this.pool.ensureSetup(tx, merchantId);
  }

  /** Adds a requisite to a merchant's pool (operator); pay-ins waiting for one get it at once. */
  async addRequisite(
    tx: Tx,
    merchantId: string,
    r: { bank: number | string; kind: RequisiteKind; value: string; holder: string },
  ): Promise<Requisite> {
    const added = await this.pool.addRequisite(tx, merchantId, r);
    await this.payIns.assignWaiting(tx, merchantId);
    return added;
  }

  listRequisites(tx: Tx, merchantId: string): Promise<Requisite[]> {
    return S.listRequisites(tx, merchantId);
  }

  async setRequisiteActive(tx: Tx, merchantId: string, id: number, active: boolean): Promise<void> {
    await this.pool.setRequisiteActive(tx, merchantId, id, active);
    if (active) await this.payIns.assignWaiting(tx, merchantId);
  }

  /** Sets a commission row (operator): percent as "10.6", limits in major units. */
  setCommission(tx: Tx, merchantId: string, c: CommissionInput): Promise<void> {
    return this.pool.setCommission(tx, merchantId, c);
  }

  listCommissions(tx: Tx, merchantId: string): Promise<Commission[]> {
    return S.listCommissions(tx, merchantId);
  }

  // ---- balances

  balances(tx: Tx, merchantId: string, currency: string): Promise<{ payment: BalanceView; payout: BalanceView }> {
    return this.money.balances(tx, merchantId, currency);
  }

  /** Sandbox or operator top-up of a balance from outside. */
  deposit(tx: Tx, merchantId: string, currency: string, amount: bigint, balance: BalanceName = 'payout'): Promise<void> {
    return this.money.deposit(tx, merchantId, currency, amount, balance);
  }

  /** Moves collected pay-in money to the payout balance (operator). */
  transferToPayout(tx: Tx, merchantId: string, currency: string, amount: bigint): Promise<void> {
    return this.money.transferToPayout(tx, merchantId, currency, amount);
  }

  // ---- pay-ins

  getPayIn(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    return this.payIns.get(tx, id, merchantId);
  }
  createPayIn(tx: Tx, merchant: Merchant, generation: Generation, input: PayInInput): Promise<PayIn> {
    return this.payIns.create(tx, merchant, generation, input);
  }
  /** The payer reports the transfer: PENDING → PROCESSING, the expected money frozen. */
  markPayInPaid(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    return this.payIns.markPaid(tx, id, amount);
  }
  /** The operator confirms the transfer of `amount` (default: the expected one; another gives INCORRECT_AMOUNT). */
  confirmPayIn(tx: Tx, id: string, amount?: bigint): Promise<PayIn> {
    return this.payIns.confirm(tx, id, amount);
  }
  failPayIn(tx: Tx, id: string): Promise<PayIn> {
    return this.payIns.fail(tx, id);
  }
  cancelPayIn(tx: Tx, id: string, merchantId?: string): Promise<PayIn> {
    return this.payIns.cancel(tx, id, merchantId);
  }
  expirePayIn(tx: Tx, id: string): Promise<PayIn | null> {
    return this.payIns.expire(tx, id);
  }
  refundPayIn(tx: Tx, id: string): Promise<PayIn> {
    return this.payIns.refund(tx, id);
  }

  // ---- pay-outs

  getPayOut(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    return this.payOuts.get(tx, id, merchantId);
  }
  createPayOut(tx: Tx, merchant: Merchant, generation: Generation, input: PayOutInput): Promise<PayOut> {
    return this.payOuts.create(tx, merchant, generation, input);
  }
  processPayOut(tx: Tx, id: string): Promise<PayOut | null> {
    return this.payOuts.process(tx, id);
  }
  completePayOut(tx: Tx, id: string): Promise<PayOut> {
    return this.payOuts.complete(tx, id);
  }
  failPayOut(tx: Tx, id: string, reason: string | null = null): Promise<PayOut> {
    return this.payOuts.fail(tx, id, reason);
  }
  cancelPayOut(tx: Tx, id: string, merchantId?: string): Promise<PayOut> {
    return this.payOuts.cancel(tx, id, merchantId);
  }
  expirePayOut(tx: Tx, id: string): Promise<PayOut | null> {
    return this.payOuts.expire(tx, id);
  }
  refundPayOut(tx: Tx, id: string): Promise<PayOut> {
    return this.payOuts.refund(tx, id);
  }
}

// One service per engine (the face's routes, jobs and the admin API share it).
const services = new WeakMap<Engine, Way2PayService>();

/** The Way2Pay service of a gateway's engine (created with the face's configuration on first use). */
export function way2payService(engine: Engine, config?: Way2PayConfig): Way2PayService {
  let s = services.get(engine);
  if (!s) {
    s = new Way2PayService(engine, config ?? DEFAULT_CONFIG);
    services.set(engine, s);
  }
  return s;
}
