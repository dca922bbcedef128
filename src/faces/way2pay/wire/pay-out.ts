// The Way2Pay pay-out object, its callback body, and its snapshot in outbox payloads.
import { iso, type Generation, type PayOut } from '../wire.js';
import { operationFields } from './operation.js';

export function payOutView(p: PayOut, generation: Generation, opts: { created?: boolean } = {}) {
  const v = { ...operationFields(p, generation, 'trackerID'), createdAt: iso(p.createdAt) };
  return opts.created ? v : { ...v, updatedAt: iso(p.updatedAt) };
}

/** The callback body for a pay-out (the documentation spells its tracker key `trackerId`). */
export function payOutCallback(p: PayOut, generation: Generation, at: number) {
  return { ...operationFields(p, generation, 'trackerId'), timestamp: iso(at) };
}

// snapshots carried in outbox payloads (bigints as strings)

export function serializePayOut(p: PayOut): Record<string, string | number | null> {
  return { ...p, amount: p.amount.toString(), commission: p.commission.toString() };
}

export function deserializePayOut(j: Record<string, unknown>): PayOut {
  const o = j as unknown as PayOut & { amount: string; commission: string };
  return { ...o, amount: BigInt(o.amount), commission: BigInt(o.commission) };
}
