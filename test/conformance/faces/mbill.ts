// Mbill through its typed client (the API token as the HTTP Basic username). A payment is a transfer from the
// payer's card to a recipient card; the sender always authenticates: a 3-D Secure card on the ACS, any other card
// with a lookup code (the simulated issuer's fixed test code). It is read back with the transfer's own token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'vitest';
import { FIXED_TEST_OTP } from '../../../src/core/network/test-cards.js';
import { MbillClient, type TransferView } from '../../../src/faces/mbill/client.js';
import { MB, MERCHANT_A } from '../../reliability/faces.js';
import { postForm } from '../../helpers/browser-lite.js';
import type { Received } from '../../helpers/receiver.js';
import type { DeclineReason, Env, FaceAdapter, Made, State } from './adapter.js';
import { answerAcs, answerOf, findSubject, headerOf, majorOf, minorOf, paymentCount } from './common.js';

type Who = keyof typeof MB;
interface Transfer extends Made {
  token: string;
  externalId: string;
}

const client = (e: Env, who: Who = 'A') => new MbillClient({ baseUrl: `${e.h.url}/mbill`, apiToken: MB[who] });
const RECIPIENT = '5555555555554444';

/**
 * The fee Mbill demands, from its documented rule: max(amount × 1 %, 5 UAH), rounded half up to three significant
 * digits. Computed in ten-thousandths of a hryvnia, so 1 % of any kopeck amount is exact.
 */
export function documentedFee(amountMinor: bigint): string {
  let x = amountMinor > 50_000n ? amountMinor : 50_000n; // 1 % of a kopeck amount, in 1/10000 UAH
  const digits = x.toString().length;
  if (digits > 3) {
    const p = 10n ** BigInt(digits - 3);
    x = ((x + p / 2n) / p) * p;
  }
  const frac = String(x % 10_000n)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return `${x / 10_000n}${frac ? '.' + frac : ''}`;
}

function body(pan: string, amount: bigint) {
  return {
    amount: Number(majorOf(amount)),
    fee: Number(documentedFee(amount)),
    description: 'conformance transfer',
    sender: {
      phone: '+380631112233',
      credential: { type: 'card' as const, number: pan, expiration_month: '12', expiration_year: '2030', cvv: '123' },
    },
    recipient: { credential: { type: 'card-number' as const, number: RECIPIENT } },
  };
}

const made = (t: TransferView): Transfer => ({ ref: t.id, token: t.token, externalId: t.external_id });

/**
 * The reference server's groups of the processing partner's codes (a decline's `reason` is the group of its `code`),
 * with the groups whose meaning fits each core reason.
 */
const GROUP_CODES: Record<string, number[]> = {
  Internal_Error__Aquier: [-1, 500, 801, 809, 810, 811, 820, 880, 881, 882, 888, 897, 898, 899, 959],
  Internal_Error__P2Y: [
    1, 109, 118, 120, 291, 302, 306, 401, 402, 403, 404, 405, 407, 408, 409, 410, 438, 439, 440, 441, 450, 451, 452, 501, 502, 503, 504,
    505, 506, 507, 508, 509, 510, 511, 512, 601, 800, 902, 903, 904, 905, 909, 911, 912, 914, 915, 1001, 10050,
  ],
  Amount_Invalid: [4],
  CVV_Invalid: [5, 129, 210, 211, 580, 581],
  Card_Expired: [6, 101, 125, 201, 901],
  PAN_Invalid: [7],
  RecipientPAN_Invalid: [8],
  Declined__Aquier: [290, 411, 412, 413],
  Declined__Emitent: [100, 103, 104, 105, 107, 108, 110, 111, 430, 567, 568, 571, 910, 940],
  Declined__P2Y: [114, 119, 122, 124, 203, 204, 205, 207, 208, 209, 432, 435],
  Funds_Insufficient: [116],
  Limits_Exceeded__P2Y: [121, 123, 130, 406],
  Card_Invalid: [200, 202, 574, 908, 100500],
  Limits_Amount_Exceeded__P2Y: [420, 421, 433, 437],
  '3DS_Failed': [431],
  Limits_Crossborder__P2Y: [434],
  Limits_Count_Exceeded__P2Y: [436],
  Limits_Crossborder__Aquier: [906, 907],
};
const INTERNAL = ['Internal_Error__P2Y', 'Internal_Error__Aquier'];
const ISSUER = ['Declined__Emitent'];
const GROUPS: Record<DeclineReason, string[]> = {
  refer_to_issuer: ISSUER,
  pick_up_card: ISSUER,
  do_not_honor: ISSUER,
  pick_up_card_special: ISSUER,
  restricted_card: ISSUER,
  restricted_card_issuer: ISSUER,
  lost_card: ISSUER,
  stolen_card: ISSUER,
  invalid_pin: ISSUER,
  suspected_fraud_issuer: ISSUER,
  invalid_merchant: ['Declined__Aquier'],
  transaction_not_permitted_terminal: ['Declined__Aquier'],
  invalid_transaction: ['Declined__P2Y', 'Declined__Emitent', 'Declined__Aquier'],
  customer_cancellation: ['Declined__P2Y', 'Declined__Emitent'],
  suspected_fraud: ['Declined__P2Y', 'Declined__Emitent'],
  transaction_not_permitted: ['Declined__P2Y', 'Declined__Emitent'],
  security_violation: ['Declined__Emitent', 'Declined__P2Y'],
  antifraud: ['Declined__P2Y'],
  processing_error: INTERNAL,
  transaction_error: INTERNAL,
  format_error: INTERNAL,
  timeout: INTERNAL,
  cannot_reach_network: INTERNAL,
  system_error: INTERNAL,
  unable_to_process: INTERNAL,
  amount_error: ['Amount_Invalid'],
  invalid_card_number: ['PAN_Invalid'],
  no_such_issuer: ['Card_Invalid', 'PAN_Invalid'],
  card_not_found: ['Card_Invalid', 'PAN_Invalid'],
  card_record_not_found: ['Card_Invalid'],
  invalid_card: ['Card_Invalid'],
  bank_not_supported: ['Limits_Crossborder__Aquier', 'Limits_Crossborder__P2Y', 'Declined__Aquier'],
  expired_card: ['Card_Expired'],
  expired_card_pickup: ['Card_Expired'],
  insufficient_funds: ['Funds_Insufficient'],
  incorrect_cvv: ['CVV_Invalid'],
  exceeds_amount_limit: ['Limits_Exceeded__P2Y', 'Limits_Amount_Exceeded__P2Y'],
  exceeds_frequency_limit: ['Limits_Exceeded__P2Y', 'Limits_Count_Exceeded__P2Y'],
  limit_exceeded: ['Limits_Exceeded__P2Y', 'Limits_Amount_Exceeded__P2Y', 'Limits_Count_Exceeded__P2Y'],
  authentication_failed: ['3DS_Failed'],
  authentication_unavailable: ['3DS_Failed', 'Declined__P2Y'],
  expired_authentication: ['3DS_Failed', 'Declined__P2Y'],
  payout_not_permitted: ['RecipientPAN_Invalid'],
};

/** Transfer statuses of Mbill's blueprint and reference server. */
const STATE_OF: Record<TransferView['status'], State> = {
  authentication: 'pending',
  processing: 'pending',
  waiting_for_claim: 'pending',
  completed: 'approved',
  declined: 'declined',
  error: 'declined',
};

/** The API Manifest's refusal of a request whose token may not see the object. */
const accessDenied = { status: 401, body: { error: { type: 'access_denied' } } };

export const mbill: FaceAdapter<Transfer> = {
  face: 'mbill',
  skip: [
    {
      reason: "Mbill's tokenization service has no refund: a transfer's sender is refunded only when the payout to the recipient fails",
      scenarios: ['partial refund', 'full refund'],
    },
    {
      reason: 'Mbill transfers have no holds: once the sender authenticates, the transfer is paid out to the recipient',
      scenarios: ['hold then capture', 'hold then void'],
    },
  ],
  knownFailures: [],

  async pay(e, o) {
    const t = (await client(e).createTransfer(body(o.pan, o.amount))).data;
    expect(t.auth, 'a card without 3-D Secure authenticates with a lookup code').toMatchObject({ type: 'lookup-code' });
    await client(e).authenticateTransfer(t.id, t.token, FIXED_TEST_OTP);
    return made(t);
  },

  async pay3ds(e, o) {
    const t = (await client(e).createTransfer(body(o.pan, o.amount))).data;
    const auth = t.auth as { type: string; acs_url: string; pa_req: string; md: string; terminal_url: string };
    expect(auth.type).toBe('3d-secure');
    const term = await answerAcs(
      { action: auth.acs_url, fields: { PaReq: auth.pa_req, MD: auth.md, TermUrl: auth.terminal_url } },
      o.approve,
    );
    expect(term.action).toBe(auth.terminal_url);
    await postForm(term.action, term.fields);
    return made(t);
  },

  async read(e, m) {
    const t = (await client(e).getTransfer(m.ref, m.token)).data;
    return { state: STATE_OF[t.status], amount: minorOf(t.amount) };
  },

  async declineOf(e, m) {
    const d = (await client(e).getTransfer(m.ref, m.token)).data.decline;
    return d ? { code: d.code, reason: d.reason } : null;
  },

  expectedDecline(reason) {
    const groups = GROUPS[reason];
    return expect.toSatisfy(
      (d: { code: number; reason: string }) => groups.includes(d.reason) && (GROUP_CODES[d.reason] ?? []).includes(d.code),
      `a code of ${groups.join('/')}, with its group as the reason`,
    );
  },

  webhook: {
    async make(e, url) {
      expect((await client(e).setWebhook(url)).data.url).toBe(url);
      return mbill.pay(e, { pan: '4000000000003055', amount: 12_345n });
    },
    isFor: (r: Received, m: Transfer) => (JSON.parse(r.body) as { data?: { id?: string } }).data?.id === m.ref,
    async verify(_e, r) {
      // X-Mbill-Signature: sha256=<hex HMAC-SHA256 keyed with the API token over the raw body>
      const expected = Buffer.from('sha256=' + createHmac('sha256', MB.A).update(r.body, 'utf8').digest('hex'));
      const got = Buffer.from(headerOf(r.headers, 'x-mbill-signature'));
      return got.length === expected.length && timingSafeEqual(got, expected);
    },
  },

  async replay(e) {
    // X-Idempotency-Key: a repeat with the same method, path and body gets the first answer again
    const before = await paymentCount(e, MERCHANT_A);
    const key = `conf-${Date.now()}-${Math.random()}`;
    const first = await client(e).createTransfer(body('4000000000003055', 15_000n), { idempotencyKey: key });
    const second = await client(e).createTransfer(body('4000000000003055', 15_000n), { idempotencyKey: key });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    return { mode: 'replayed', first: first.data, second: second.data, made: (await paymentCount(e, MERCHANT_A)) - before };
  },

  async crossMerchant(e, m) {
    const as = async (method: string, path: string, b?: unknown) =>
      answerOf(
        await fetch(`${e.h.url}/mbill${path}`, {
          method,
          headers: { authorization: 'Basic ' + Buffer.from(`${MB.B}:`).toString('base64'), 'content-type': 'application/json' },
          ...(b !== undefined ? { body: JSON.stringify(b) } : {}),
        }),
      );
    return [
      { what: "B reads A's transfer", answer: await as('GET', `/transfers/${m.ref}`), expected: accessDenied },
      {
        what: "B authenticates A's transfer",
        answer: await as('POST', `/transfers/${m.ref}/auth`, { code: FIXED_TEST_OTP }),
        expected: accessDenied,
      },
    ];
  },

  creatingRequest: /^\/mbill\/transfers$/,
  subject: (e, m) => findSubject(e, m.externalId, 'payment'),
};
