// The order Model (an invoice with a hosted payment page): statuses and every key, always present.
import type { Json } from '../../../core/model.js';
import { amountNumber, cpDate, cpIso, currencyCode } from './formats.js';

export type OrderStatus = 'Created' | 'Paid' | 'Cancelled';
/** Created 0 is documented; Paid and Cancelled are our choice. */
export const ORDER_STATUS_CODES: Record<OrderStatus, number> = { Created: 0, Paid: 2, Cancelled: 3 };

export const ORDER_KEYS = [
  'Id',
  'Number',
  'Amount',
  'Currency',
  'CurrencyCode',
  'Email',
  'Phone',
  'Description',
  'RequireConfirmation',
  'Url',
  'CultureName',
  'CreatedDate',
  'CreatedDateIso',
  'PaymentDate',
  'PaymentDateIso',
  'StatusCode',
  'Status',
  'InternalId',
] as const;

export interface OrderView {
  id: string;
  number: number;
  amount: bigint;
  currency: string;
  email: string | null;
  phone: string | null;
  description: string;
  requireConfirmation: boolean;
  cultureName: string | null;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
}

export function orderModel(o: OrderView, url: string): Record<(typeof ORDER_KEYS)[number], Json> {
  return {
    Id: o.id,
    Number: o.number,
    Amount: amountNumber(o.amount, o.currency),
    Currency: o.currency,
    CurrencyCode: currencyCode(o.currency),
    Email: o.email,
    Phone: o.phone,
    Description: o.description,
    RequireConfirmation: o.requireConfirmation,
    Url: url,
    CultureName: o.cultureName,
    CreatedDate: cpDate(o.createdAt),
    CreatedDateIso: cpIso(o.createdAt),
    PaymentDate: cpDate(o.paidAt),
    PaymentDateIso: cpIso(o.paidAt),
    StatusCode: ORDER_STATUS_CODES[o.status],
    Status: o.status,
    InternalId: o.number,
  };
}
