// Numopay through its typed client (NP-ACCESS-TOKEN signing) and raw signed requests. A payment is a charge token
// and a charge; its status (`status`, `state_code`, `state_description`) is read back by its order slug.
import { NumopayClient, type PaymentStatus } from '../../../src/faces/numopay/client.js';
import { call, errorShape, MERCHANT_A, NP, sign } from '../../reliability/faces.js';
import { expect } from 'vitest';
import type { Attempt, DeclineReason, Env, FaceAdapter, Made, State } from './adapter.js';
import { findSubject, passAcsFrom, paymentCount } from './common.js';

type Who = keyof typeof NP;
interface Charge extends Made {
  chargeLink: string;
}

const CARD = { month: '12', year: '2030', cvv: '123', holder: 'IVAN IVANOV' };
/**
 * Each order's own redirect_url: two identical writes in one second would share a signature (refused as a replay),
 * and the client then signs them a second ahead each time, beyond the ±30 s window after about thirty of them;
 * Numopay's advice is to make the bodies differ.
 */
let order = 0;
const redirect = () => `https://merchant.example/done?order=${++order}`;

/** The state-code table of Numopay's documents: code → state_description. */
const STATE_DESCRIPTION: Record<number, string> = {
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

/**
 * The documented codes whose meaning fits each reason. A reason the table names has its code (two codes where the
 * table lists one meaning twice: 11/26 card not found, 19/25 card seized); a reason it does not name may take the
 * table's catch-all 17 (refused by the issuer or the payment system) or the nearest meaning, where one is close.
 * 22 (refills unavailable) belongs to refills, never to a charge.
 */
const STATE_CODES: Record<DeclineReason, number[]> = {
  insufficient_funds: [10],
  card_not_found: [11, 26],
  card_record_not_found: [11, 26],
  invalid_card: [12],
  transaction_not_permitted: [13],
  transaction_not_permitted_terminal: [13, 17],
  expired_card: [14],
  expired_card_pickup: [14, 19, 25],
  lost_card: [15],
  limit_exceeded: [16],
  exceeds_amount_limit: [16],
  exceeds_frequency_limit: [16],
  restricted_card: [18],
  restricted_card_issuer: [18],
  pick_up_card: [19, 25],
  pick_up_card_special: [19, 25],
  invalid_card_number: [20],
  no_such_issuer: [21],
  incorrect_cvv: [23],
  stolen_card: [24],
  refer_to_issuer: [17],
  do_not_honor: [17],
  processing_error: [17],
  customer_cancellation: [17],
  transaction_error: [17],
  timeout: [17],
  cannot_reach_network: [17],
  system_error: [17],
  unable_to_process: [17],
  authentication_failed: [17],
  authentication_unavailable: [17],
  expired_authentication: [17],
  invalid_merchant: [17, 13],
  invalid_transaction: [17, 13],
  amount_error: [17, 16],
  format_error: [17, 12],
  invalid_pin: [17, 12, 23],
  bank_not_supported: [17, 21],
  suspected_fraud: [17, 18],
  suspected_fraud_issuer: [17, 18],
  security_violation: [17, 18],
  antifraud: [17, 18],
  payout_not_permitted: [22],
};

/** The `status` values of Numopay's documents. */
const STATE_OF: Record<PaymentStatus['status'], State> = {
  new: 'pending',
  pending: 'pending',
  hold: 'held',
  success: 'approved',
  error: 'declined',
  expired: 'declined',
  canceled: 'voided',
};

const client = (e: Env, who: Who = 'A') =>
  new NumopayClient({ baseUrl: `${e.h.url}/numopay`, apiKey: NP[who].apiKey, secret: NP[who].secret });

/** A signed request as merchant `who`, the answer kept whatever its status. */
async function raw(e: Env, who: Who, method: 'GET' | 'POST', path: string, body?: unknown, ts = Math.floor(Date.now() / 1000)) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...sign.numopay(NP[who], method, path, '', text, ts) };
  const r = await call(`${e.h.url}/numopay${path}`, method, headers, method === 'GET' ? undefined : text);
  return { status: r.status, body: r.json ?? r.text };
}

async function charge(e: Env, pan: string, amount: bigint): Promise<Charge> {
  const c = client(e);
  const t = await c.createChargeToken(NP.A.account, { amount: String(amount), redirect_url: redirect() });
  const { charge_link } = await c.charge(NP.A.account, { token: t.token, card_info: { number: pan, ...CARD } });
  return { ref: t.order_slug, chargeLink: charge_link };
}

/** Numopay's documented error answer: `{"error": "<message>"}` with a 4xx status. */
const refusal = {
  status: expect.toSatisfy((s: number) => s >= 400 && s < 500, 'a 4xx'),
  body: expect.toSatisfy(errorShape.numopay, '{"error": "..."}'),
};

export const numopay: FaceAdapter<Charge> = {
  face: 'numopay',
  skip: [
    {
      reason: "Numopay's API has no refunds: its documents list accounts, balances, charges, refills, webhook endpoints and time only",
      scenarios: ['partial refund', 'full refund'],
    },
    {
      reason: 'Numopay charges are one-stage: a charge completes once the card (and 3-D Secure) pass; there is no capture or void',
      scenarios: ['hold then capture', 'hold then void'],
    },
    {
      reason: "Numopay's webhook events are unsigned: its documents put a secret in the endpoint's URL path instead",
      scenarios: ['signed webhook'],
    },
  ],
  knownFailures: [],

  async pay(e, o) {
    return charge(e, o.pan, o.amount);
  },

  async pay3ds(e, o) {
    const m = await charge(e, o.pan, o.amount);
    const page = await fetch(m.chargeLink);
    await passAcsFrom(await page.text(), m.chargeLink, o.approve);
    return m;
  },

  async read(e, m) {
    const s = await client(e).paymentStatus(NP.A.account, m.ref);
    return { state: STATE_OF[s.status], amount: BigInt(s.amount) };
  },

  async declineOf(e, m) {
    const s = await client(e).paymentStatus(NP.A.account, m.ref);
    return { state_code: s.state_code, state_description: s.state_description };
  },

  expectedDecline(reason) {
    const codes = STATE_CODES[reason];
    return expect.toSatisfy(
      (d: { state_code: number; state_description: string }) =>
        codes.includes(d.state_code) && d.state_description === STATE_DESCRIPTION[d.state_code],
      `state_code one of ${codes.join('/')} with its documented description`,
    );
  },

  async replay(e) {
    // the charge token: "Number of attempts - 1"
    const before = await paymentCount(e, MERCHANT_A);
    const t = await client(e).createChargeToken(NP.A.account, { amount: '15000', redirect_url: redirect() });
    const body = { token: t.token, card_info: { number: '4000000000003055', ...CARD } };
    const ts = Math.floor(Date.now() / 1000);
    const first = await raw(e, 'A', 'POST', `/v2/accounts/${NP.A.account}/charge`, body, ts);
    // the same charge signed a second later: a new signature, so what refuses it is the used token
    const second = await raw(e, 'A', 'POST', `/v2/accounts/${NP.A.account}/charge`, body, ts + 1);
    expect(first.status).toBe(200);
    expect((await client(e).paymentStatus(NP.A.account, t.order_slug)).status).toBe('success');
    return { mode: 'refused', first, second, expectedSecond: refusal, made: (await paymentCount(e, MERCHANT_A)) - before };
  },

  async crossMerchant(e, m) {
    const token = (await client(e).createChargeToken(NP.A.account, { amount: '100', redirect_url: redirect() })).token;
    const attempts: Attempt[] = [
      {
        what: "B reads A's order under its own account",
        answer: await raw(e, 'B', 'GET', `/v2/accounts/${NP.B.account}/payment/${m.ref}`),
        expected: refusal,
      },
      {
        what: "B reads A's order under A's account",
        answer: await raw(e, 'B', 'GET', `/v2/accounts/${NP.A.account}/payment/${m.ref}`),
        expected: refusal,
      },
      {
        what: "B charges a card with A's charge token",
        answer: await raw(e, 'B', 'POST', `/v2/accounts/${NP.B.account}/charge`, {
          token,
          card_info: { number: '4000000000003055', ...CARD },
        }),
        expected: refusal,
      },
    ];
    return attempts;
  },

  creatingRequest: /^\/numopay\/v2\/accounts\/[^/]+\/charge(\/token)?$/,
  subject: (e, m) => findSubject(e, m.ref, 'payment'),
};
