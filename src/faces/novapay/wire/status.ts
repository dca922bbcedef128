// The NovaPay `/get-status` body of a session, with the core payment's transaction as its one operation.
import { formatMajor } from '../../../core/money.js';
import type { JsonObject, Payment } from '../../../core/model.js';
import type { NovapaySession, SessionStatus } from '../store.js';
import { CARD_TYPES, CURRENCY, effectiveStatus, isoTime, maskedPan, paidAmount, processingResultOf, sessionTotal } from '../wire.js';

function transactionStatus(p: Payment | undefined): string | null {
  if (!p) return null;
  switch (p.status) {
    case 'authorized':
    case 'captured':
    case 'partially_refunded':
      return 'APPROVED';
    case 'voided':
    case 'refunded':
      return p.authorizedAt !== null ? 'REFUNDED' : null;
    case 'expired':
      return p.authorizedAt !== null ? 'REFUNDED' : null;
    case 'declined':
    case 'failed':
      return 'DECLINED';
    case 'created':
    case 'requires_authentication':
      return null;
  }
}

export interface Operation {
  transaction_id: string;
  external_id: string | null;
  amount: string;
  refunded_amount: null;
  status: SessionStatus;
}

export interface StatusBody {
  id: string;
  metadata: JsonObject | null;
  status: SessionStatus;
  created_at: string;
  client_phone: string | null;
  client_first_name: string | null;
  client_last_name: string | null;
  client_patronymic: string | null;
  pan: string | null;
  rrn: null;
  paytype: string;
  approval_code: string | null;
  card_type: string | null;
  transaction_status: string | null;
  amount: string | null;
  processing_result: string | null;
  operations: Operation[];
  delivery_amount?: string | null;
  express_waybill?: string | null;
  delivery_status_code?: string | null;
  delivery_status_text?: string | null;
}

/** The `/get-status` body, in the shape recorded from NovaPay's QE host (docs/novapay.md, `/get-status`). */
export function statusBody(s: NovapaySession, p: Payment | undefined): StatusBody {
  const status = effectiveStatus(s, p);
  const total = sessionTotal(s);
  const amount = p ? formatMajor(paidAmount(p), p.currency) : total !== null ? formatMajor(total, CURRENCY) : null;
  const out: StatusBody = {
    id: s.id,
    metadata: s.metadata,
    status,
    created_at: isoTime(s.createdAt),
    client_phone: s.clientPhone,
    client_first_name: s.clientFirstName,
    client_last_name: s.clientLastName,
    client_patronymic: s.clientPatronymic,
    pan: maskedPan(p),
    // the QE host leaves rrn null even after a real payment
    rrn: null,
    paytype: p?.card ? 'card' : '',
    approval_code: p?.authCode ?? null,
    card_type: p?.card ? CARD_TYPES[p.card.brand] : null,
    transaction_status: transactionStatus(p),
    amount,
    processing_result:
      status === 'failed' && s.processingResult === null
        ? processingResultOf(p?.declineReason ?? 'expired_authentication')
        : s.processingResult,
    operations: p
      ? [
          {
            transaction_id: String(p.id),
            external_id: s.externalId,
            amount: formatMajor(paidAmount(p), p.currency),
            refunded_amount: null,
            status,
          },
        ]
      : [],
  };
  if (s.delivery) {
    out.delivery_amount = s.deliveryAmount === null ? null : formatMajor(s.deliveryAmount, CURRENCY);
    out.express_waybill = s.expressWaybill;
    out.delivery_status_code = s.deliveryStatusCode;
    out.delivery_status_text = s.deliveryStatusText;
  }
  return out;
}
