// Every error is a coded constant; each face maps the code to its own wire error.

export const ERROR_CODES = {
  // input
  VALIDATION: 'invalid request',
  AMOUNT_INVALID: 'invalid amount',
  AMOUNT_PRECISION: 'amount has too many fractional digits',
  AMOUNT_TOO_SMALL: 'amount is too small',
  AMOUNT_TOO_LARGE: 'amount is too large',
  CURRENCY_UNSUPPORTED: 'unsupported currency',
  CARD_NUMBER_INVALID: 'invalid card number',
  CARD_BRAND_UNSUPPORTED: 'card brand not supported',
  CARD_EXPIRY_INVALID: 'invalid card expiry',
  CARD_CVV_INVALID: 'invalid cvv',
  // auth
  UNAUTHENTICATED: 'unauthenticated',
  SIGNATURE_INVALID: 'signature is invalid',
  TIMESTAMP_OUT_OF_WINDOW: 'request timestamp outside the allowed window',
  NONCE_REUSED: 'nonce already used',
  FORBIDDEN: 'forbidden',
  // lookups
  MERCHANT_NOT_FOUND: 'merchant not found',
  ACCOUNT_NOT_FOUND: 'account not found',
  PAYMENT_NOT_FOUND: 'payment not found',
  PAYOUT_NOT_FOUND: 'payout not found',
  TOKEN_NOT_FOUND: 'token not found',
  TOKEN_EXPIRED: 'token expired',
  TOKEN_USED: 'token already used',
  CHECKOUT_EXPIRED: 'checkout expired',
  CHECKOUT_USED: 'checkout attempt already used',
  CHECKOUT_PAID: 'checkout already paid',
  CHECKOUT_CANCELLED: 'checkout cancelled',
  CHECKOUT_BUSY: 'a payment of the checkout is waiting for authentication',
  CHALLENGE_NOT_FOUND: 'authentication not found',
  CHALLENGE_EXPIRED: 'authentication expired',
  CHALLENGE_ALREADY_COMPLETED: 'authentication already completed',
  NOT_FOUND: 'not found',
  // state
  INVALID_STATE: 'operation not allowed in the current state',
  AMOUNT_EXCEEDS_AVAILABLE: 'amount exceeds the available amount',
  INSUFFICIENT_BALANCE: 'insufficient balance',
  ZERO_BALANCE: 'zero balance',
  REFUND_WINDOW_PASSED: 'refund window has passed',
  DUPLICATE: 'already exists',
  IDEMPOTENCY_CONFLICT: 'idempotency key reused with a different request',
  // system
  LEDGER_INVARIANT: 'ledger invariant violated',
  CONFLICT: 'conflict',
  INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }
}

export function isCoreError(e: unknown, code?: ErrorCode): e is CoreError {
  return e instanceof CoreError && (code === undefined || e.code === code);
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CoreError('LEDGER_INVARIANT', message);
}
