// The Way2Pay service's configuration (face options, per-merchant overrides), its scheduler jobs and the names its
// ledger transfers and outbox events carry.
import { HOUR, MINUTE } from '../../../core/clock.js';
import type { Merchant } from '../../../core/model.js';

/** Ledger account kinds of a merchant's two Way2Pay balances. */
export const PAYMENT_KIND = 'way2pay_payment';
export const PAYOUT_KIND = 'way2pay_payout';
/** The subject types of pay-ins and pay-outs (outbox events, references, transfers, the request log). */
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
