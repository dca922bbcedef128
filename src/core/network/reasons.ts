// The one core list of decline reasons. Every face maps each of them to its own code table
// (Numopay state codes, CloudPayments reason codes, Mbill decline objects, Way2Pay error codes, ...).

export const DECLINE_REASONS = {
  refer_to_issuer: 'Refer to card issuer',
  invalid_merchant: 'Invalid merchant',
  pick_up_card: 'Pick up card',
  do_not_honor: 'Do not honor',
  processing_error: 'Processing error',
  pick_up_card_special: 'Pick up card, special conditions',
  invalid_transaction: 'Invalid transaction',
  amount_error: 'Invalid amount',
  invalid_card_number: 'Invalid card number',
  no_such_issuer: 'No such issuer (BIN not found)',
  customer_cancellation: 'Customer cancellation',
  transaction_error: 'Transaction error',
  format_error: 'Format error',
  bank_not_supported: 'Bank not supported by switch',
  expired_card_pickup: 'Expired card, pick up',
  suspected_fraud: 'Suspected fraud',
  restricted_card: 'Restricted card',
  lost_card: 'Lost card',
  stolen_card: 'Stolen card',
  insufficient_funds: 'Insufficient funds',
  expired_card: 'Expired card',
  invalid_pin: 'Incorrect PIN',
  transaction_not_permitted: 'Transaction not permitted to cardholder',
  transaction_not_permitted_terminal: 'Transaction not permitted to terminal',
  suspected_fraud_issuer: 'Suspected fraud (issuer)',
  exceeds_amount_limit: 'Exceeds withdrawal amount limit',
  restricted_card_issuer: 'Restricted card (issuer)',
  security_violation: 'Security violation',
  exceeds_frequency_limit: 'Exceeds withdrawal frequency limit',
  incorrect_cvv: 'Incorrect CVV',
  timeout: 'Issuer timeout',
  cannot_reach_network: 'Cannot reach network',
  system_error: 'System error',
  unable_to_process: 'Unable to process',
  authentication_failed: '3-D Secure authentication failed',
  authentication_unavailable: '3-D Secure authentication unavailable',
  antifraud: 'Declined by antifraud',
  card_not_found: 'Card not found',
  card_record_not_found: 'Card record not found at issuer',
  invalid_card: 'Invalid card',
  payout_not_permitted: 'Payouts to this card are not permitted',
  limit_exceeded: 'Card limits exceeded',
  expired_authentication: 'Authentication not completed in time',
} as const;

export type DeclineReason = keyof typeof DECLINE_REASONS;

export const ALL_DECLINE_REASONS = Object.keys(DECLINE_REASONS) as DeclineReason[];

export function isDeclineReason(x: unknown): x is DeclineReason {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DECLINE_REASONS, x);
}
