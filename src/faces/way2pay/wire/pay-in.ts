// The Way2Pay pay-in object as each API generation shows it, its callback body, and its snapshot in outbox payloads.
import { PAYIN_METHODS } from '../reference-data.js';
import { bankLabel, iso, money, type Generation, type PayIn } from '../wire.js';
import { operationFields } from './operation.js';

/** The original README's pay-in object (generation 1), in its key order. */
function payInSeedView(p: PayIn) {
  return {
    id: p.id,
    externalID: p.externalId,
    currency: p.currency,
    amount: money(p.amount, p.currency),
    status: p.status,
    method: p.method,
    bank: bankLabel(p.bankId, 1),
    cardNumber: p.receiver,
    holder: p.holder,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** The current documentation's pay-in object (generation 3). */
function payInCurrentView(p: PayIn) {
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, 3),
    method: p.method,
    receiver: p.receiver,
    holder: p.holder,
    description: p.description,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** Generation 2's pay-in: the requisite under its kind's own key (a card, an account, a phone, a link), null in the others. */
function payInExpiresView(p: PayIn) {
  const kind = PAYIN_METHODS[p.method];
  const shown = (k: string) => (kind === k ? p.receiver : null);
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, 2),
    method: p.method,
    cardNumber: shown('card'),
    accountNumber: shown('account'),
    phoneNumber: shown('phone'),
    nspkURL: shown('link'),
    holder: p.holder,
    description: p.description,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function payInView(p: PayIn, generation: Generation) {
  return generation === 1 ? payInSeedView(p) : generation === 2 ? payInExpiresView(p) : payInCurrentView(p);
}

/** The callback body for a pay-in (documented keys; `timestamp` is when the status changed). */
export function payInCallback(p: PayIn, generation: Generation, at: number) {
  return { ...operationFields(p, generation, 'trackerID'), timestamp: iso(at) };
}

// snapshots carried in outbox payloads (bigints as strings)

export function serializePayIn(p: PayIn): Record<string, string | number | boolean | null> {
  return {
    ...p,
    amount: p.amount.toString(),
    commission: p.commission.toString(),
    paidAmount: p.paidAmount === null ? null : p.paidAmount.toString(),
  };
}

export function deserializePayIn(j: Record<string, unknown>): PayIn {
  const o = j as unknown as PayIn & { amount: string; commission: string; paidAmount: string | null };
  return {
    ...o,
    amount: BigInt(o.amount),
    commission: BigInt(o.commission),
    paidAmount: o.paidAmount === null ? null : BigInt(o.paidAmount),
  };
}
