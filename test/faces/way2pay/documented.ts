// Way2Pay's documented error table, transcribed from the provider's documents (an independent oracle: the tests
// compare the face's answers and its table with it, and never import the face's own table).

/**
 * The documented error table: code → [message, HTTP status]. The first block is the original API's table; the
 * later documentation adds 2004, 2005, 2007 and 60013–60015 (answered to generation 3 merchants).
 */
export const ERROR_TABLE = {
  10000: ['unauthorized', 401],
  20000: ['wrong input', 400],
  20001: ["can't bind body to request model", 422],
  20002: ["can't bind query parameters", 422],
  20003: ['failed to parse key', 422],
  20004: ['signature header value missing or malformed', 400],
  20005: ['public-Key header value missing or malformed', 400],
  20006: ['nonce header value missing or outdated', 400],
  30000: ['forbidden', 403],
  30001: ["user doesn't exists", 403],
  30003: ["user doesn't exists", 403],
  30004: ['zero balance', 403],
  30005: ['not enough balance', 402],
  30006: ['amount less than min', 400],
  30007: ['amount greater than max', 400],
  40000: ['internal error', 500],
  60000: ['ticker doesnt exists', 400],
  60001: ['ticker type doesnt exists', 400],
  60002: ['invalid status', 400],
  60003: ['empty Public-Key', 401],
  60004: ['empty Nonce', 401],
  60005: ['empty Signature', 401],
  60006: ['invalid Signature', 401],
  60007: ['request timeout', 408],
  60008: ['invalid Public-Key', 400],
  60009: ['empty externalID', 400],
  60010: ['externalID already exists', 409],
  60011: ["payment doesn't exists", 404],
  60012: ['payment is finalized', 409],
  2004: ['request timeout', 401],
  2005: ['invalid Signature', 401],
  2007: ['invalid NONCE', 401],
  60013: ['commission doesnt exists', 400],
  60014: ['bank doesnt exists', 400],
  60015: ['method doesnt exists', 400],
} as const satisfies Record<number, readonly [string, number]>;
