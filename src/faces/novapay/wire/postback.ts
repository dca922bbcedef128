// The NovaPay postback body of a session, as the outbox event of each status change carries it.
import { toWireNumber } from '../../../core/money.js';
import type { Json, JsonObject, Payment } from '../../../core/model.js';
import type { NovapaySession } from '../store.js';
import { CARD_TYPES, CURRENCY, effectiveStatus, isoTime, maskedPan, paidAmount, processingResultOf, sessionTotal } from '../wire.js';

/**
 * The postback body: the original SDK README's schema first (id, status, metadata, client_*, external_id, delivery,
 * products, delivery_amount, delivery_status_code, delivery_status_text), then the fields of the later
 * API generations (created_at, amount, paytype, terminal_name, RRN, APPROVAL, client_email, client_ip,
 * processing_result, card_details, payments).
 */
export function postbackBody(
  s: NovapaySession,
  p: Payment | undefined,
  terminalName: string,
  names?: { city?: string | null; warehouse?: string | null },
): JsonObject {
  const status = effectiveStatus(s, p);
  const amountMinor = p ? paidAmount(p) : sessionTotal(s);
  const amount = amountMinor === null ? null : toWireNumber(amountMinor, CURRENCY);
  let delivery: JsonObject | null = null;
  if (s.delivery) {
    delivery = { recipient_city: s.delivery.recipient_city, recipient_warehouse: s.delivery.recipient_warehouse };
    if (s.kind === 'checkout') {
      delivery.recipient_city_description = names?.city ?? null;
      delivery.recipient_warehouse_description = names?.warehouse ?? null;
      delivery.express_waybills = s.expressWaybill ? [s.expressWaybill] : [];
      delivery.ew_fail_reason = [];
      delivery.recipient_phone = s.clientPhone;
      delivery.recipient_last_name = s.clientLastName;
      delivery.recipient_first_name = s.clientFirstName;
      delivery.recipient_patronymic = s.clientPatronymic;
    }
  }
  const products = (s.products ?? []) as Json[];
  return {
    id: s.id,
    status,
    metadata: s.metadata,
    client_first_name: s.clientFirstName,
    client_last_name: s.clientLastName,
    client_patronymic: s.clientPatronymic,
    client_phone: s.clientPhone,
    external_id: s.externalId,
    delivery,
    products,
    delivery_amount: s.deliveryAmount === null ? null : toWireNumber(s.deliveryAmount, CURRENCY),
    delivery_status_code: s.deliveryStatusCode,
    delivery_status_text: s.deliveryStatusText,
    created_at: isoTime(s.createdAt),
    amount,
    paytype: p?.card ? 'card' : '',
    terminal_name: terminalName,
    RRN: p?.rrn ?? null,
    APPROVAL: p?.authCode ?? null,
    client_email: s.clientEmail,
    client_ip: s.clientIp,
    processing_result:
      status === 'failed' && s.processingResult === null
        ? processingResultOf(p?.declineReason ?? 'expired_authentication')
        : s.processingResult,
    card_details: p?.card
      ? { pan: maskedPan(p), card_bank: 'Polypay Test Bank', card_country: 'UA', card_type: CARD_TYPES[p.card.brand] }
      : null,
    payments: p ? [{ external_id: s.externalId, amount, products }] : [],
  };
}
