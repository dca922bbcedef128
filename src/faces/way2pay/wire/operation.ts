// What Way2Pay's pay-ins and pay-outs show alike: the answer of a status change, and the fields both objects and
// their callbacks share, in the documented order.
import { bankLabel, iso, money, type Generation, type PayIn, type PayOut, type Way2PayStatus } from '../wire.js';

/** The answer of `PUT /pay-in|pay-out/{id}/status/{status}`. */
export function statusChangeView(p: PayIn | PayOut) {
  return {
    id: p.id,
    externalID: p.externalId,
    trackerID: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    currency: p.currency,
    method: p.method,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** The fields pay-ins and pay-outs share on the wire, in the documented order. */
export function operationFields(p: PayIn | PayOut, generation: Generation, trackerKey: 'trackerID' | 'trackerId') {
  return {
    id: p.id,
    externalID: p.externalId,
    [trackerKey]: p.trackerId,
    status: p.status,
    amount: money(p.amount, p.currency),
    commission: money(p.commission, p.currency),
    currency: p.currency,
    bank: bankLabel(p.bankId, generation),
    method: p.method,
    receiver: p.receiver,
    holder: p.holder,
    description: p.description,
  } as {
    id: string;
    externalID: string;
    trackerID?: string;
    trackerId?: string;
    status: Way2PayStatus;
    amount: string;
    commission: string;
    currency: string;
    bank: string;
    method: string;
    receiver: string | null;
    holder: string | null;
    description: string | null;
  };
}
