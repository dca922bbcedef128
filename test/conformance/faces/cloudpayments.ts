// CloudPayments through its typed client (HTTP Basic PublicId:ApiSecret, cryptograms encrypted to the gateway's
// published key). A payment is a cryptogram charge (or auth, two-stage); it is read back with /payments/get.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'vitest';
import { CloudPaymentsClient, type Transaction } from '../../../src/faces/cloudpayments/client.js';
import { CP, MERCHANT_A } from '../../reliability/faces.js';
import type { Received } from '../../helpers/receiver.js';
import type { DeclineReason, Env, FaceAdapter, Made, State } from './adapter.js';
import { answerAcs, findSubject, headerOf, majorOf, minorOf, paymentCount } from './common.js';

type Who = keyof typeof CP;
interface Tx extends Made {
  id: number;
  /** the refund transactions made of it */
  refunds: number[];
}

const client = (e: Env, who: Who = 'A') =>
  new CloudPaymentsClient({ endpoint: `${e.h.url}/cloudpayments`, publicId: CP[who].publicId, apiSecret: CP[who].apiSecret });

const TERM_URL = 'https://merchant.example/post3ds';
let invoice = 0;

/**
 * The ReasonCode of each reason, from CloudPayments' reason-code list; the reasons the list has no code of their
 * own for take the documented code nearest in meaning (any of those listed).
 */
const REASON_CODES: Record<DeclineReason, number[]> = {
  refer_to_issuer: [5001],
  invalid_merchant: [5003],
  pick_up_card: [5004],
  do_not_honor: [5005],
  processing_error: [5006],
  pick_up_card_special: [5007],
  invalid_transaction: [5012],
  amount_error: [5013],
  invalid_card_number: [5014],
  no_such_issuer: [5015],
  customer_cancellation: [5017],
  transaction_error: [5019],
  format_error: [5030],
  bank_not_supported: [5031],
  expired_card_pickup: [5033],
  suspected_fraud: [5034],
  restricted_card: [5036],
  lost_card: [5041],
  stolen_card: [5043],
  insufficient_funds: [5051],
  expired_card: [5054],
  invalid_pin: [5055],
  transaction_not_permitted: [5057],
  transaction_not_permitted_terminal: [5058],
  suspected_fraud_issuer: [5059],
  exceeds_amount_limit: [5061],
  restricted_card_issuer: [5062],
  security_violation: [5063],
  exceeds_frequency_limit: [5065],
  incorrect_cvv: [5082],
  timeout: [5091],
  cannot_reach_network: [5092],
  system_error: [5096],
  unable_to_process: [5204],
  authentication_failed: [5206],
  authentication_unavailable: [5207],
  antifraud: [5300],
  card_not_found: [5014, 5015],
  card_record_not_found: [5014, 5015],
  invalid_card: [5012, 5014],
  payout_not_permitted: [5057],
  limit_exceeded: [5061, 5065],
  expired_authentication: [5206, 5207],
};

/** The documented `Reason` names of the codes (5058, 5059 and 5062 have none: any CamelCase name). */
const REASON_NAMES: Record<number, string> = {
  5001: 'ReferToCardIssuer',
  5003: 'InvalidMerchant',
  5004: 'PickUpCard',
  5005: 'DoNotHonor',
  5006: 'Error',
  5007: 'PickUpCardSpecialConditions',
  5012: 'InvalidTransaction',
  5013: 'AmountError',
  5014: 'InvalidCardNumber',
  5015: 'NoSuchIssuer',
  5017: 'CustomerCancellation',
  5019: 'TransactionError',
  5030: 'FormatError',
  5031: 'BankNotSupportedBySwitch',
  5033: 'ExpiredCardPickup',
  5034: 'SuspectedFraud',
  5036: 'RestrictedCard',
  5041: 'LostCard',
  5043: 'StolenCard',
  5051: 'InsufficientFunds',
  5054: 'ExpiredCard',
  5055: 'InvalidPIN',
  5057: 'TransactionNotPermitted',
  5061: 'ExceedsApprovalAmount',
  5063: 'SecurityViolation',
  5065: 'ExceedWithdrawalFrequency',
  5082: 'IncorrectCVV',
  5091: 'Timeout',
  5092: 'CannotReachNetwork',
  5096: 'SystemError',
  5204: 'UnableToProcess',
  5206: 'AuthenticationFailed',
  5207: 'AuthenticationUnavailable',
  5300: 'AntiFraud',
};

/** Transaction statuses of CloudPayments' documents. */
const STATE_OF: Record<Transaction['Status'], State> = {
  AwaitingAuthentication: 'pending',
  Authorized: 'held',
  Completed: 'approved',
  Cancelled: 'voided',
  Declined: 'declined',
};

async function cryptogramPayment(e: Env, pan: string, amount: bigint, twoStage: boolean, requestId?: string) {
  const c = client(e);
  const packet = await c.cryptogram({ number: pan, expMonth: 12, expYear: 2030, cvv: '123' });
  const body = {
    Amount: Number(majorOf(amount)),
    Currency: 'RUB',
    InvoiceId: `conf-${++invoice}`,
    AccountId: 'payer_a',
    Name: 'CARDHOLDER NAME',
    CardCryptogramPacket: packet,
  };
  const opts = requestId ? { requestId } : {};
  return twoStage ? c.authCryptogram(body, opts) : c.chargeCryptogram(body, opts);
}

const made = (id: number): Tx => ({ ref: String(id), id, refunds: [] });

async function get(e: Env, id: number, who: Who = 'A') {
  const r = await client(e, who).get({ TransactionId: id });
  if (!r.Model) throw new Error(`/payments/get ${id}: ${r.raw}`);
  return r.Model;
}

/** Content-HMAC: base64 HMAC-SHA256 keyed with the API Secret over the raw body; X-Content-HMAC over its decoded form. */
function signatureHolds(secret: string, signed: string, header: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(signed, 'utf8').digest('base64'));
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
const formDecoded = (body: string) => decodeURIComponent(body.replace(/\+/g, ' '));

/** CloudPayments' documented refusal of an unknown transaction. */
const notFound = { status: 200, body: { Success: false, Message: 'Not found' } };

export const cloudpayments: FaceAdapter<Tx> = {
  face: 'cloudpayments',
  skip: [],
  knownFailures: [],

  async pay(e, o) {
    const r = await cryptogramPayment(e, o.pan, o.amount, o.hold === true);
    const m = r.Model as Transaction | undefined;
    if (!m?.TransactionId) throw new Error(`no transaction: ${r.raw}`);
    return made(m.TransactionId);
  },

  async pay3ds(e, o) {
    const r = await cryptogramPayment(e, o.pan, o.amount, false);
    const m = r.Model as { TransactionId: number; PaReq: string; AcsUrl: string };
    expect(m.AcsUrl, 'a 3-D Secure answer').toEqual(expect.any(String));
    const term = await answerAcs(
      { action: m.AcsUrl, fields: { PaReq: m.PaReq, MD: String(m.TransactionId), TermUrl: TERM_URL } },
      o.approve,
    );
    expect(term.action).toBe(TERM_URL);
    await client(e).post3ds({ TransactionId: Number(term.fields.MD), PaRes: term.fields.PaRes! });
    return made(m.TransactionId);
  },

  async read(e, m) {
    const t = await get(e, m.id);
    const amount = minorOf(t.Amount);
    let state = STATE_OF[t.Status];
    if (state === 'approved' && m.refunds.length) {
      let refunded = 0n;
      for (const id of m.refunds) refunded += minorOf((await get(e, id)).Amount);
      state = refunded >= amount ? 'refunded' : 'partially_refunded';
    }
    return { state, amount };
  },

  async declineOf(e, m) {
    const t = await get(e, m.id);
    return { ReasonCode: t.ReasonCode, Reason: t.Reason };
  },

  expectedDecline(reason) {
    const codes = REASON_CODES[reason];
    return expect.toSatisfy(
      (d: { ReasonCode: number; Reason: string }) =>
        codes.includes(d.ReasonCode) && (REASON_NAMES[d.ReasonCode] ?? /^[A-Z][A-Za-z0-9]+$/.exec(d.Reason)?.[0]) === d.Reason,
      `ReasonCode one of ${codes.join('/')} with its documented Reason`,
    );
  },

  async refund(e, m, amount) {
    const r = await client(e).refund({ TransactionId: m.id, Amount: Number(majorOf(amount)) });
    expect(r.Success, r.raw).toBe(true);
    m.refunds.push(r.Model!.TransactionId);
  },

  async capture(e, m, amount) {
    const r = await client(e).confirm({ TransactionId: m.id, Amount: Number(majorOf(amount)) });
    expect(r.Success, r.raw).toBe(true);
  },

  async void(e, m) {
    const r = await client(e).void({ TransactionId: m.id });
    expect(r.Success, r.raw).toBe(true);
  },

  webhook: {
    async make(e, url) {
      const s = await client(e).updateNotificationSettings('pay', { IsEnabled: true, Address: url, HttpMethod: 'POST' });
      expect(s.Success, s.raw).toBe(true);
      return cloudpayments.pay(e, { pan: '4000000000003055', amount: 12_345n });
    },
    isFor: (r: Received, m: Tx) => new URLSearchParams(r.body).get('TransactionId') === m.ref,
    async verify(_e, r) {
      const secret = CP.A.apiSecret;
      return (
        signatureHolds(secret, r.body, headerOf(r.headers, 'content-hmac')) &&
        signatureHolds(secret, formDecoded(r.body), headerOf(r.headers, 'x-content-hmac'))
      );
    },
  },

  async replay(e) {
    // X-Request-ID: a repeat gets the kept answer, byte for byte, and nothing is done again
    const before = await paymentCount(e, MERCHANT_A);
    const c = client(e);
    const packet = await c.cryptogram({ number: '4000000000003055', expMonth: 12, expYear: 2030, cvv: '123' });
    const body = {
      Amount: 150,
      Currency: 'RUB',
      InvoiceId: `conf-replay-${++invoice}`,
      AccountId: 'payer_a',
      CardCryptogramPacket: packet,
    };
    const first = await c.chargeCryptogram(body, { requestId: `conf-${invoice}` });
    const second = await c.chargeCryptogram(body, { requestId: `conf-${invoice}` });
    expect(first.Success, first.raw).toBe(true);
    return {
      mode: 'replayed',
      first: { status: first.status, raw: first.raw },
      second: { status: second.status, raw: second.raw },
      made: (await paymentCount(e, MERCHANT_A)) - before,
    };
  },

  async crossMerchant(e, m) {
    const b = client(e, 'B');
    const answer = (r: { status: number; raw: string }) => ({ status: r.status, body: JSON.parse(r.raw) as unknown });
    return [
      { what: "B reads A's transaction", answer: answer(await b.get({ TransactionId: m.id })), expected: notFound },
      { what: "B refunds A's transaction", answer: answer(await b.refund({ TransactionId: m.id, Amount: 1 })), expected: notFound },
      { what: "B voids A's transaction", answer: answer(await b.void({ TransactionId: m.id })), expected: notFound },
    ];
  },

  creatingRequest: /^\/cloudpayments\/payments\/cards\/(charge|auth)$/,
  subject: (e, m) => findSubject(e, m.ref, 'payment'),
};
