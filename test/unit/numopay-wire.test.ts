// Numopay's wire mapping with literal expectations: the documented state-code table (0 spelled as in the documented
// example response), the status object for every payment and refill state, the state code each decline reason
// gets, and the HTTP status and message of each coded error.
import { describe, expect, it } from 'vitest';
import { draftPayment } from '../../src/core/payments.js';
import type { Payment, PaymentStatus, Payout, PayoutStatus } from '../../src/core/model.js';
import type { DeclineReason } from '../../src/core/network/reasons.js';
import type { ErrorCode } from '../../src/core/errors.js';
import { API_VERSION, paymentStatusObject, payoutStatusObject, STATE_CODES, STATE_DESCRIPTIONS } from '../../src/faces/numopay/wire.js';
import { wireError } from '../../src/faces/numopay/http.js';

const DESCRIPTIONS: Record<number, string> = {
  0: 'Нет ошибки',
  10: 'Недостаточно средств',
  11: 'Карта не найдена',
  12: 'Недействительная карта',
  13: 'Транзакция недоступна для держателя карты',
  14: 'Срок действия карты истек',
  15: 'Карта утеряна',
  16: 'Превышены лимиты карты',
  17: 'Отказ эмитента или платежной системы',
  18: 'Операции по карте ограничены',
  19: 'Карта изъята',
  20: 'Недействительный номер карты',
  21: 'Не найден бин',
  22: 'Операции пополнения недоступны по карте',
  23: 'Неверный ввод CVV2',
  24: 'Карта украдена',
  25: 'Карта изъята',
  26: 'Карта не найдена',
};

/** Which state code each core decline reason is reported with: the gateway maps each to the closest documented code. */
const CODE_OF: Record<DeclineReason, number> = {
  insufficient_funds: 10,
  card_not_found: 11,
  invalid_card: 12,
  format_error: 12,
  invalid_pin: 12,
  transaction_not_permitted: 13,
  transaction_not_permitted_terminal: 13,
  invalid_transaction: 13,
  invalid_merchant: 13,
  expired_card: 14,
  expired_card_pickup: 14,
  lost_card: 15,
  limit_exceeded: 16,
  exceeds_amount_limit: 16,
  exceeds_frequency_limit: 16,
  amount_error: 16,
  refer_to_issuer: 17,
  do_not_honor: 17,
  processing_error: 17,
  customer_cancellation: 17,
  transaction_error: 17,
  timeout: 17,
  cannot_reach_network: 17,
  system_error: 17,
  unable_to_process: 17,
  authentication_failed: 17,
  authentication_unavailable: 17,
  expired_authentication: 17,
  restricted_card: 18,
  restricted_card_issuer: 18,
  suspected_fraud: 18,
  suspected_fraud_issuer: 18,
  security_violation: 18,
  antifraud: 18,
  pick_up_card: 19,
  invalid_card_number: 20,
  no_such_issuer: 21,
  bank_not_supported: 21,
  payout_not_permitted: 22,
  incorrect_cvv: 23,
  stolen_card: 24,
  pick_up_card_special: 25,
  card_record_not_found: 26,
};

const CARD = { cardId: 'c', first6: '444455', last4: '7777', brand: 'Visa' as const, expMonth: 12, expYear: 2030, holder: null };
const payment = (status: PaymentStatus, more: Partial<Payment> = {}): Payment => ({
  ...draftPayment({ id: 9, merchantId: 'm', face: 'numopay', amount: 100n, currency: 'RUB', captureMode: 'auto' }, 0),
  status,
  ...more,
});
const payout = (status: PayoutStatus, more: Partial<Payout> = {}): Payout => ({
  id: 3,
  merchantId: 'm',
  face: 'numopay',
  status,
  amount: 2500n,
  currency: 'RUB',
  card: null,
  declineReason: null,
  holdTransferId: null,
  metadata: {},
  expiresAt: null,
  createdAt: 0,
  updatedAt: 0,
  completedAt: null,
  ...more,
});

describe('Numopay wire', () => {
  it('speaks API version 2019-12-22 and the documented state codes', () => {
    expect(API_VERSION).toBe('2019-12-22');
    expect(STATE_DESCRIPTIONS).toEqual(DESCRIPTIONS);
    expect(STATE_CODES).toEqual(CODE_OF);
  });

  it('shows a charge in every state as the documented status object', () => {
    const cases: Array<[PaymentStatus, string, boolean]> = [
      ['created', 'new', false],
      ['requires_authentication', 'pending', false],
      ['authorized', 'hold', false],
      ['captured', 'success', true],
      ['partially_refunded', 'success', true],
      ['refunded', 'canceled', true],
      ['voided', 'canceled', true],
      ['declined', 'error', true],
      ['expired', 'expired', true],
      ['failed', 'error', true],
    ];
    for (const [status, wire, completed] of cases)
      expect(paymentStatusObject(payment(status), 'slug_1'), status).toEqual({
        order_slug: 'slug_1',
        is_completed: completed,
        status: wire,
        type: 'charge_unregistered',
        amount: '100',
        currency: 'RUB',
        card_number: null,
        state_code: 0,
        state_description: 'Нет ошибки',
        checkout_session_id: null,
        original_amount: '100',
        original_currency: 'RUB',
      });
    expect(paymentStatusObject(payment('captured', { card: CARD }), 's').card_number).toBe('4444********7777');
  });

  it('gives a declined charge the state code of its reason, and 17 to a reason it does not know', () => {
    for (const [reason, code] of Object.entries(CODE_OF)) {
      const o = paymentStatusObject(payment('declined', { declineReason: reason }), 's');
      expect([o.state_code, o.state_description], reason).toEqual([code, DESCRIPTIONS[code]]);
    }
    expect(paymentStatusObject(payment('declined', { declineReason: 'something_new' }), 's')).toMatchObject({ state_code: 17 });
    expect(paymentStatusObject(payment('declined', { declineReason: null }), 's')).toMatchObject({ state_code: 0 });
    // only an error carries one: an expired charge with a reason is still state 0
    expect(paymentStatusObject(payment('expired', { declineReason: 'expired_authentication' }), 's')).toMatchObject({ state_code: 0 });
  });

  it('shows the checkout session and the original amount of a charge made through one or converted', () => {
    expect(paymentStatusObject(payment('captured', { metadata: { checkoutSessionId: 'cs_1' } }), 's')).toMatchObject({
      checkout_session_id: 'cs_1',
      original_amount: '100',
      original_currency: 'RUB',
    });
    const converted = paymentStatusObject(payment('captured', { metadata: { originalAmount: '150', originalCurrency: 'EUR' } }), 's');
    expect([converted.checkout_session_id, converted.original_amount, converted.original_currency]).toEqual([null, '150', 'EUR']);
    // without both halves of a conversion, the charge's own amount and currency
    const half = paymentStatusObject(payment('captured', { metadata: { originalAmount: '150' } }), 's');
    expect([half.checkout_session_id, half.original_amount, half.original_currency]).toEqual([null, '100', 'RUB']);
  });

  it('shows a refill in every state', () => {
    const cases: Array<[PayoutStatus, string, boolean]> = [
      ['created', 'new', false],
      ['processing', 'pending', false],
      ['completed', 'success', true],
      ['declined', 'error', true],
      ['expired', 'expired', true],
      ['cancelled', 'canceled', true],
      ['failed', 'error', true],
    ];
    for (const [status, wire, completed] of cases)
      expect(payoutStatusObject(payout(status), 'r_1'), status).toEqual({
        order_slug: 'r_1',
        is_completed: completed,
        status: wire,
        type: 'refill_unregistered',
        amount: '2500',
        currency: 'RUB',
        card_number: null,
        state_code: 0,
        state_description: 'Нет ошибки',
        checkout_session_id: null,
        original_amount: '2500',
        original_currency: 'RUB',
      });
    const declined = payoutStatusObject(payout('declined', { declineReason: 'payout_not_permitted', card: CARD }), 'r');
    expect([declined.state_code, declined.state_description, declined.card_number]).toEqual([
      22,
      'Операции пополнения недоступны по карте',
      '4444********7777',
    ]);
  });

  it('answers each coded error with its status and message', () => {
    const cases: Array<[ErrorCode, number, string]> = [
      ['UNAUTHENTICATED', 401, 'm'],
      ['SIGNATURE_INVALID', 401, 'm'],
      ['TIMESTAMP_OUT_OF_WINDOW', 401, 'm'],
      ['FORBIDDEN', 403, 'm'],
      ['ACCOUNT_NOT_FOUND', 404, 'Account not found'],
      ['PAYMENT_NOT_FOUND', 404, 'Payment not found'],
      ['PAYOUT_NOT_FOUND', 404, 'Payment not found'],
      ['NOT_FOUND', 404, 'm'],
      ['TOKEN_NOT_FOUND', 400, 'Token not found'],
      ['TOKEN_EXPIRED', 400, 'Token expired'],
      ['TOKEN_USED', 400, 'Token already used'],
      ['CARD_NUMBER_INVALID', 400, 'Invalid card number'],
      ['CARD_BRAND_UNSUPPORTED', 400, 'Card type is not supported'],
      ['CARD_EXPIRY_INVALID', 400, 'Invalid card expiration date'],
      ['CARD_CVV_INVALID', 400, 'Invalid cvv'],
      ['INSUFFICIENT_BALANCE', 400, 'Insufficient funds on the account balance'],
      ['ZERO_BALANCE', 400, 'Insufficient funds on the account balance'],
      ['CURRENCY_UNSUPPORTED', 400, 'Unsupported currency'],
      ['AMOUNT_INVALID', 400, 'm'],
      ['AMOUNT_PRECISION', 400, 'm'],
      ['AMOUNT_TOO_SMALL', 400, 'm'],
      ['AMOUNT_TOO_LARGE', 400, 'm'],
      ['INVALID_STATE', 409, 'm'],
      ['CONFLICT', 409, 'm'],
      ['INTERNAL', 500, 'Internal server error'],
      ['LEDGER_INVARIANT', 500, 'Internal server error'],
      ['VALIDATION', 400, 'm'],
      ['DUPLICATE', 400, 'm'],
      ['IDEMPOTENCY_CONFLICT', 400, 'm'],
    ];
    for (const [code, status, error] of cases) expect(wireError(code, 'm'), code).toEqual({ status, error });
  });
});
