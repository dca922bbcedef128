// The subscription Model (recurrent payments): statuses, interval codes and every key, always present.
import { stringifyWithBigints } from '../../../core/bigint-json.js';
import type { Json, JsonObject } from '../../../core/model.js';
import { amountNumber, cpDate, cpIso, currencyCode } from './formats.js';

export type SubscriptionStatus = 'Active' | 'PastDue' | 'Cancelled' | 'Rejected' | 'Expired';
/** Active 0 and Cancelled 3 are documented; the others are our choice (CloudPayments documents no others). */
export const SUBSCRIPTION_STATUS_CODES: Record<SubscriptionStatus, number> = {
  Active: 0,
  PastDue: 1,
  Rejected: 2,
  Cancelled: 3,
  Expired: 4,
};

export type Interval = 'Day' | 'Week' | 'Month';
/** Month 1 and Day 2 are documented; Week 0 is inferred from the docs' example. */
export const INTERVAL_CODES: Record<Interval, number> = { Week: 0, Month: 1, Day: 2 };

export const SUBSCRIPTION_KEYS = [
  'Id',
  'AccountId',
  'Description',
  'Email',
  'Amount',
  'CurrencyCode',
  'Currency',
  'RequireConfirmation',
  'StartDate',
  'StartDateIso',
  'IntervalCode',
  'Interval',
  'Period',
  'MaxPeriods',
  'CultureName',
  'StatusCode',
  'Status',
  'SuccessfulTransactionsNumber',
  'FailedTransactionsNumber',
  'LastTransactionDate',
  'LastTransactionDateIso',
  'NextTransactionDate',
  'NextTransactionDateIso',
  'Receipt',
  'FailoverSchemeId',
] as const;

export interface SubscriptionView {
  id: string;
  accountId: string;
  description: string;
  email: string | null;
  amount: bigint;
  currency: string;
  requireConfirmation: boolean;
  startDate: number;
  interval: Interval;
  period: number;
  maxPeriods: number | null;
  cultureName: string | null;
  status: SubscriptionStatus;
  successful: number;
  failed: number;
  lastTransactionAt: number | null;
  nextTransactionAt: number | null;
  receipt: Json;
}

export function subscriptionModel(s: SubscriptionView): Record<(typeof SUBSCRIPTION_KEYS)[number], Json> {
  return {
    Id: s.id,
    AccountId: s.accountId,
    Description: s.description,
    Email: s.email,
    Amount: amountNumber(s.amount, s.currency),
    CurrencyCode: currencyCode(s.currency),
    Currency: s.currency,
    RequireConfirmation: s.requireConfirmation,
    StartDate: cpDate(s.startDate),
    StartDateIso: cpIso(s.startDate),
    IntervalCode: INTERVAL_CODES[s.interval],
    Interval: s.interval,
    Period: s.period,
    MaxPeriods: s.maxPeriods,
    CultureName: s.cultureName,
    StatusCode: SUBSCRIPTION_STATUS_CODES[s.status],
    Status: s.status,
    SuccessfulTransactionsNumber: s.successful,
    FailedTransactionsNumber: s.failed,
    LastTransactionDate: cpDate(s.lastTransactionAt),
    LastTransactionDateIso: cpIso(s.lastTransactionAt),
    NextTransactionDate: cpDate(s.nextTransactionAt),
    NextTransactionDateIso: cpIso(s.nextTransactionAt),
    Receipt: s.receipt ?? null,
    FailoverSchemeId: null,
  };
}

/** The subject type of a subscription's outbox events (and of requests that touch it). */
export const SUBSCRIPTION_SUBJECT = 'cloudpayments_subscription';

/** A subscription as an outbox event carries it (the amount as its decimal string). */
export function serializeSubscription<S extends { amount: bigint }>(sub: S): JsonObject {
  return JSON.parse(stringifyWithBigints(sub)) as JsonObject;
}

export function deserializeSubscription<S extends { amount: bigint }>(j: JsonObject): S {
  const o = j as unknown as Omit<S, 'amount'> & { amount: string };
  return { ...o, amount: BigInt(o.amount) } as unknown as S;
}
