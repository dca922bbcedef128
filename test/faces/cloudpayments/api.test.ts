// The CloudPayments face over real HTTP, on SQLite and PostgreSQL, driven by the npm `cloudpayments` 6.x client
// (every ClientApi method, ping, the ReceiptApi) and by raw requests: the seed's examples as golden wire shapes,
// every test card and reason code, 3-D Secure, two-stage payments, refunds, payouts, lists, idempotency, and bad
// input (always the documented `{"Success":false,"Message":…}`, never a 500).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientResponse } from 'cloudpayments';
import { TEST_CARDS, FIXED_TEST_OTP, declineCardPan } from '../../../src/core/network/test-cards.js';
import type { DeclineReason } from '../../../src/core/network/reasons.js';
import { buildCryptogram } from '../../../src/faces/cloudpayments/client.js';
import { eventually } from '../../helpers/eventually.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { STORES } from '../../helpers/stores.js';
import {
  APPROVED,
  CODES_WITHOUT_A_DOCUMENTED_NAME,
  DECLINE_EXAMPLE_KEY_ORDER,
  reasonName,
  russianMessage,
  STATUS_CODES,
  THREE_DS_MODEL_KEYS,
  TRANSACTION_MODEL_KEYS,
} from './documented.js';
import {
  card,
  client,
  cpSeed,
  LISTS,
  npmApi,
  npmService,
  OTHER,
  raw,
  SHOP,
  startCpGateway,
  threeDs,
  VISA_3DS,
  VISA_NO_3DS,
} from './helpers.js';

const DATE_RE = /^\/Date\(\d+\)\/$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
/** The card-payment reason codes CloudPayments documents (5001…5300). */
const DOC_CODES = [
  5001, 5003, 5004, 5005, 5006, 5007, 5012, 5013, 5014, 5015, 5017, 5019, 5030, 5031, 5033, 5034, 5036, 5041, 5043, 5051, 5054, 5055, 5057,
  5058, 5059, 5061, 5062, 5063, 5065, 5082, 5091, 5092, 5096, 5204, 5206, 5207, 5300,
];
/**
 * The code the face answers for a core decline reason. A decline card embeds CloudPayments' code in its digits
 * (`4000 00CC CC00 000K`, docs/test-cards.md); the reasons CloudPayments has no code of its own for (9xxx cards)
 * take the nearest documented code, as listed here.
 */
const NEAREST_CODE: Partial<Record<DeclineReason, number>> = {
  card_not_found: 5014, // InvalidCardNumber
  card_record_not_found: 5015, // NoSuchIssuer
  invalid_card: 5012, // InvalidTransaction
  payout_not_permitted: 5057, // TransactionNotPermitted
  limit_exceeded: 5061, // ExceedsApprovalAmount
  expired_authentication: 5206, // AuthenticationFailed
};
function expectedCode(reason: DeclineReason): number {
  const embedded = Number(declineCardPan(reason).slice(6, 10));
  return embedded < 9000 ? embedded : NEAREST_CODE[reason]!;
}

/** The Model's keys: the documented set, in the order of the API reference's decline example. */
function expectTransactionKeys(model: Record<string, unknown>) {
  const keys = Object.keys(model);
  expect([...keys].sort()).toEqual([...TRANSACTION_MODEL_KEYS].sort());
  expect(keys.filter((k) => DECLINE_EXAMPLE_KEY_ORDER.includes(k))).toEqual(DECLINE_EXAMPLE_KEY_ORDER);
}

/** Reason, ReasonCode and CardHolderMessage of a declined Model, from the documented tables. */
function expectDeclineReason(model: Record<string, unknown>, code: number, what: string) {
  expect(model.ReasonCode, what).toBe(code);
  const name = reasonName(code);
  if (name) expect(model.Reason, what).toBe(name);
  else {
    expect(CODES_WITHOUT_A_DOCUMENTED_NAME, what).toContain(code);
    expect(model.Reason, what).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  }
  const message = russianMessage(code);
  if (message) expect(model.CardHolderMessage, what).toBe(message);
  else expect(model.CardHolderMessage, what).toMatch(/\S/);
}

describe.each(STORES)('CloudPayments API on %s', (store) => {
  let h: TestGateway;
  const term = 'https://merchant.example/post3ds';

  beforeAll(async () => {
    // some tests send 10 and 20 requests of one terminal at once: the face's concurrent request limit
    // (default 5, answered 429; tested in test/reliability/limits.test.ts) is raised to 20 for them
    h = await startCpGateway(store, cpSeed(), { concurrency: 20 });
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  const cp = () => client(h);

  async function charge(number: string, extra: Record<string, unknown> = {}, path: 'charge' | 'auth' = 'charge') {
    const c = cp();
    const packet = await c.cryptogram(card(number));
    const body = {
      Amount: 10,
      Currency: 'RUB',
      IpAddress: '195.91.194.13',
      Name: 'CARDHOLDER NAME',
      CardCryptogramPacket: packet,
      AccountId: 'user_x',
      ...extra,
    };
    return path === 'charge' ? c.chargeCryptogram(body) : c.authCryptogram(body);
  }

  /** A Completed payment of `amount` (funds the merchant for payouts). */
  async function paid(amount = 10, extra: Record<string, unknown> = {}) {
    const r = await charge(VISA_NO_3DS, { Amount: amount, ...extra });
    expect(r.Success).toBe(true);
    return r.Model as any;
  }

  describe('the seed examples, as golden wire shapes', () => {
    it('POST /test needs no auth and answers {Success:true, Message:<guid>} (npm ping)', async () => {
      const r = await npmApi(h).ping();
      expect(r.isSuccess()).toBe(true);
      expect(Object.keys(r.getResponse())).toEqual(['Success', 'Message']);
      expect(r.getMessage()).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a bad request: {"Success":false,"Message":"Amount is required"}', async () => {
      const r = await raw(h, '/payments/cards/charge', JSON.stringify({ Currency: 'RUB', CardCryptogramPacket: 'x' }));
      expect(r.status).toBe(200);
      expect(r.text).toBe('{"Success":false,"Message":"Amount is required"}');
    });

    it("the seed's request example (no IpAddress) with a cryptogram for this gateway is accepted", async () => {
      const c = cp();
      const r = await c.chargeCryptogram({
        Amount: 10,
        Currency: 'RUB',
        InvoiceId: '1234567',
        Description: 'Оплата товаров в example.com',
        AccountId: 'user_x',
        Name: 'CARDHOLDER NAME',
        CardCryptogramPacket: await c.cryptogram(card('4111111111111111', { expMonth: 5, expYear: 2035 }), 'legacy'),
      });
      expect(Object.keys(r.raw ? JSON.parse(r.raw) : {})).toEqual(['Model', 'Success', 'Message']);
      expect(r.Success).toBe(true);
      expect(r.Message).toBeNull();
      const m = r.Model as any;
      expectTransactionKeys(m);
      expect(m).toMatchObject({
        Amount: 10,
        Currency: 'RUB',
        CurrencyCode: 0,
        InvoiceId: '1234567',
        AccountId: 'user_x',
        Email: null,
        Description: 'Оплата товаров в example.com',
        JsonData: null,
        TestMode: true,
        CardFirstSix: '411111',
        CardLastFour: '1111',
        CardExpDate: '05/35',
        CardType: 'Visa',
        CardTypeCode: 0,
        Status: 'Completed',
        StatusCode: 3,
        Reason: 'Approved',
        ReasonCode: 0,
        CardHolderMessage: 'Оплата успешно проведена',
        Name: 'CARDHOLDER NAME',
        PublicId: SHOP.publicId,
      });
      expect(typeof m.TransactionId).toBe('number');
      for (const k of ['CreatedDate', 'AuthDate', 'ConfirmDate']) expect(m[k]).toMatch(DATE_RE);
      for (const k of ['CreatedDateIso', 'AuthDateIso', 'ConfirmDateIso']) expect(m[k]).toMatch(ISO_RE);
      expect(m.CreatedDateIso).toBe(new Date(Number(/\d+/.exec(m.CreatedDate)![0])).toISOString().slice(0, 19));
      expect(m.AuthCode).toMatch(/^[A-Z0-9]{6}$/);
      expect(m.Token).toMatch(/^tk_[0-9a-f]{29}$/);
      // what real clients check
      const npm = new (await import('cloudpayments')).PaymentClientResponse(JSON.parse(r.raw));
      expect(npm.isPaymentSuccessResponse()).toBe(true);
    });

    it('a decline: Success false, Message null, a Model with ReasonCode 5051 and its messages', async () => {
      const r = await charge('4000056655665556', { InvoiceId: '1234567', Description: 'Оплата товаров в example.com' });
      const body = JSON.parse(r.raw);
      expect(Object.keys(body)).toEqual(['Model', 'Success', 'Message']);
      expect(body.Success).toBe(false);
      expect(body.Message).toBeNull();
      expectTransactionKeys(body.Model);
      expect(body.Model).toMatchObject({
        Status: 'Declined',
        StatusCode: 5,
        Reason: 'InsufficientFunds',
        ReasonCode: 5051,
        CardHolderMessage: 'Недостаточно средств на карте',
        AuthCode: null,
        Token: null,
        CardFirstSix: '400005',
        CardLastFour: '5556',
        PaymentAmount: 10,
        PaymentCurrency: 'RUB',
        PaymentCurrencyCode: 0,
      });
      expect(body.Model.AuthDate).toBeNull();
    });

    it('3-D Secure: Success false, Message null, a Model with TransactionId, PaReq and AcsUrl and no ReasonCode', async () => {
      const r = await charge(VISA_3DS);
      const body = JSON.parse(r.raw);
      expect(body.Success).toBe(false);
      expect(body.Message).toBeNull();
      expect(Object.keys(body.Model)).toEqual(THREE_DS_MODEL_KEYS);
      expect(body.Model).not.toHaveProperty('ReasonCode');
      expect(body.Model.AcsUrl).toBe(`${h.url}/acs`);
      expect(typeof body.Model.PaReq).toBe('string');
      const npm = new (await import('cloudpayments')).PaymentWith3DSClientResponse(body);
      expect(npm.isPayment3DSResponse()).toBe(true);
      const got = await cp().get({ TransactionId: body.Model.TransactionId });
      expect(got.Model).toMatchObject({ Status: 'AwaitingAuthentication', StatusCode: 1, ReasonCode: null });
    });

    it("refuses the seed's own packet (made for CloudPayments' key) as an invalid cryptogram", async () => {
      const r = await raw(
        h,
        '/payments/cards/charge',
        JSON.stringify({
          Amount: 10,
          Currency: 'RUB',
          Name: 'CARDHOLDER NAME',
          CardCryptogramPacket:
            '01492500008719030128SMfLeYdKp5dSQVIiO5l6ZCJiPdel4uDjdFTTz1UnXY+3QaZcNOW8lmXg0H670MclS4lI+qLkujKF4pR5Ri+T/E04Ufq3t5ntMUVLuZ998DLm+OVHV7FxIGR7snckpg47A73v7/y88Q5dxxvVZtDVi0qCcJAiZrgKLyLCqypnMfhjsgCEPF6d4OMzkgNQiynZvKysI2q+xc9cL0+CMmQTUPytnxX52k9qLNZ55cnE8kuLvqSK+TOG7Fz03moGcVvbb9XTg1oTDL4pl9rgkG3XvvTJOwol3JDxL1i6x+VpaRxpLJg0Zd9/9xRJOBMGmwAxo8/xyvGuAj85sxLJL6fA==',
        }),
      );
      expect(r.json).toEqual({ Success: false, Message: 'Invalid CardCryptogramPacket' });
    });

    it('publishes the gateway key at /payments/publickey as {Pem, Version}, the same after a restart', async () => {
      const res = await fetch(`${h.url}/cloudpayments/payments/publickey`);
      const k = (await res.json()) as { Pem: string; Version: number };
      expect(Object.keys(k)).toEqual(['Pem', 'Version']);
      expect(k.Pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(k.Version).toBe(1);
      await h.restart();
      const again = (await (await fetch(`${h.url}/cloudpayments/payments/publickey`, { method: 'POST' })).json()) as { Pem: string };
      expect(again.Pem).toBe(k.Pem);
    });
  });

  describe('every ClientApi method of the npm package', () => {
    it('charges and authorizes by cryptogram, confirms 3-D Secure, pays by token, confirms, voids, refunds', async () => {
      const api = npmApi(h);
      const c = cp();
      const base = { Currency: 'RUB' as const, IpAddress: '10.0.0.1', Name: 'NPM CLIENT', AccountId: 'npm_user' };

      const charged = await api.chargeCryptogramPayment({
        ...base,
        Amount: 12.34,
        CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
        InvoiceId: 'npm-1',
      });
      expect(charged.isPaymentSuccessResponse()).toBe(true);
      const token = (charged.getResponse().Model as any).Token as string;

      const authorized = await api.authorizeCryptogramPayment({
        ...base,
        Amount: 20,
        CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
      });
      expect(authorized.isPaymentSuccessResponse()).toBe(true);
      const authModel = authorized.getResponse().Model as any;
      expect(authModel.Status).toBe('Authorized');
      expect((await api.confirmPayment({ TransactionId: authModel.TransactionId, Amount: 15.5 })).getResponse()).toEqual({
        Success: true,
        Message: null,
      });
      // a partial confirmation shows the confirmed amount
      expect((await c.get({ TransactionId: authModel.TransactionId })).Model).toMatchObject({
        Status: 'Completed',
        Amount: 15.5,
        PaymentAmount: 15.5,
      });

      const secure = await api.chargeCryptogramPayment({ ...base, Amount: 5, CardCryptogramPacket: await c.cryptogram(card(VISA_3DS)) });
      expect(secure.isPayment3DSResponse()).toBe(true);
      const m3 = secure.getResponse().Model as any;
      const acs = await threeDs(m3, { approve: true }, term);
      expect(acs.MD).toBe(String(m3.TransactionId));
      const confirmed = await api.confirm3DSPayment({ TransactionId: acs.MD, PaRes: acs.PaRes });
      expect(confirmed.isPaymentSuccessResponse()).toBe(true);
      expect(confirmed.getResponse().Model).toMatchObject({ TransactionId: m3.TransactionId, Status: 'Completed' });

      const byToken = await api.chargeTokenPayment({ ...base, Amount: 3, Token: token });
      expect(byToken.isPaymentSuccessResponse()).toBe(true);
      expect(byToken.getResponse().Model).toMatchObject({ Token: token, Status: 'Completed' });
      const tokenAuth = await api.authorizeTokenPayment({ ...base, Amount: 4, Token: token });
      expect(tokenAuth.getResponse().Model).toMatchObject({ Status: 'Authorized' });
      expect((await api.voidPayment({ TransactionId: (tokenAuth.getResponse().Model as any).TransactionId })).isSuccess()).toBe(true);
      expect((await c.get({ TransactionId: (tokenAuth.getResponse().Model as any).TransactionId })).Model).toMatchObject({
        Status: 'Cancelled',
        StatusCode: 4,
      });

      const refund = await api.refundPayment({ TransactionId: (charged.getResponse().Model as any).TransactionId, Amount: 2.34 });
      expect(refund.isSuccess()).toBe(true);
      expect(Object.keys((refund.getResponse() as any).Model)).toEqual(['TransactionId']);

      const got = await api.getPayment({ TransactionId: (charged.getResponse().Model as any).TransactionId });
      expect(got.getResponse().Model).toMatchObject({ Amount: 12.34, Refunded: true, Status: 'Completed' });
      const found = await api.findPaymentByInvoiceId({ InvoiceId: 'npm-1' });
      expect(found.isPaymentSuccessResponse()).toBe(true);
      const today = new Date(h.gw.clock.now()).toISOString().slice(0, 10);
      const list = await api.getPaymentsList({ Date: today, TimeZone: 'UTC' });
      expect(list.getPayments().some((p: any) => p.InvoiceId === 'npm-1')).toBe(true);
      const listOld = await api.getPaymentList({ Date: today });
      expect(listOld.isSuccess()).toBe(true);
    });

    it('creates an order, and creates, reads, lists, updates and cancels a subscription', async () => {
      const api = npmApi(h);
      const order = await api.createOrder({
        Amount: 10,
        Currency: 'RUB',
        Description: 'Оплата на сайте example.com',
        email: 'client@test.local',
      });
      expect(order.isSuccess()).toBe(true);
      const om = (order.getResponse() as any).Model;
      expect(om).toMatchObject({
        Number: expect.any(Number),
        Amount: 10,
        Currency: 'RUB',
        CurrencyCode: 0,
        Email: 'client@test.local',
        Description: 'Оплата на сайте example.com',
        RequireConfirmation: false,
        Status: 'Created',
        StatusCode: 0,
      });
      expect(om.Id).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(om.Url).toBe(`${h.url}/cloudpayments/orders/${om.Id}`);

      const token = (await paid(10, { AccountId: 'sub_user' })).Token;
      const start = new Date(h.gw.clock.now() + 86_400_000).toISOString();
      const created = await api.createSubscription({
        Token: token,
        AccountId: 'sub_user',
        Description: 'Monthly',
        Email: 'user@example.com',
        Amount: 1.02,
        Currency: 'RUB',
        RequireConfirmation: false,
        StartDate: start,
        Interval: 'Month',
        Period: 1,
      });
      expect(created.isSuccess()).toBe(true);
      const sm = (created.getResponse() as any).Model;
      expect(sm).toMatchObject({
        AccountId: 'sub_user',
        Amount: 1.02,
        CurrencyCode: 0,
        IntervalCode: 1,
        Interval: 'Month',
        Period: 1,
        MaxPeriods: null,
        StatusCode: 0,
        Status: 'Active',
        SuccessfulTransactionsNumber: 0,
        FailedTransactionsNumber: 0,
        LastTransactionDate: null,
        LastTransactionDateIso: null,
      });
      expect(sm.Id).toMatch(/^sc_[0-9a-f]{29}$/);
      expect(sm.StartDateIso).toBe(start.slice(0, 19));
      expect(sm.NextTransactionDateIso).toBe(start.slice(0, 19));
      expect((await api.getSubscription({ Id: sm.Id })).getResponse()).toMatchObject({ Success: true, Model: { Id: sm.Id } });
      const listed = (await api.getSubscriptionsList({ accountId: 'sub_user' })).getResponse() as any;
      expect(listed.Model.map((s: any) => s.Id)).toContain(sm.Id);
      const updated = (await api.updateSubscription({ Id: sm.Id, Description: 'Rate №5', Amount: 1200 })).getResponse() as any;
      expect(updated.Model).toMatchObject({ Description: 'Rate №5', Amount: 1200, Status: 'Active' });
      expect((await api.cancelSubscription({ Id: sm.Id })).getResponse()).toEqual({ Success: true, Message: null });
      expect(((await api.getSubscription({ Id: sm.Id })).getResponse() as any).Model).toMatchObject({ Status: 'Cancelled', StatusCode: 3 });
    });

    it('pays out by cryptogram and by token (the client asks for "/payments/token/topup ")', async () => {
      const api = npmApi(h);
      const c = cp();
      const funded = await paid(500, { AccountId: 'payee' });
      const out = await api.chargeCryptogramPayout({
        Name: 'CARDHOLDER NAME',
        CardCryptogramPacket: await c.cryptogram(card('5555555555554444')),
        Amount: 1,
        AccountId: 'user@example.com',
        Currency: 'RUB',
        InvoiceId: 'payout-1',
      });
      expect(out.isPayoutSuccessResponse()).toBe(true);
      expect(out.getResponse().Model).toMatchObject({
        Type: 2,
        Status: 'Completed',
        StatusCode: 3,
        Amount: 1,
        CardFirstSix: '555555',
        CardType: 'MasterCard',
        PublicId: SHOP.publicId,
      });
      const byToken = await api.chargeTokenPayout({ Token: funded.Token, Amount: 2, AccountId: 'payee', Currency: 'RUB' });
      expect(byToken.isPayoutSuccessResponse()).toBe(true);
      expect(byToken.getResponse().Model).toMatchObject({ Type: 2, Status: 'Completed', Token: funded.Token });
      // the literal path with a trailing space (%20) is served too
      const spaced = await raw(
        h,
        '/payments/token/topup%20',
        JSON.stringify({ Token: funded.Token, Amount: 1, AccountId: 'payee', Currency: 'RUB' }),
      );
      expect(spaced.json).toMatchObject({ Success: true, Model: { Type: 2 } });
    });

    it('creates a CloudKassir receipt with the ReceiptApi (idempotent by its object hash)', async () => {
      const receipts = npmService(h).getReceiptApi();
      const r = await receipts.createReceipt(
        { Type: 'Income' as never, InvoiceId: 'rc-1', AccountId: 'user_x' },
        { Items: [{ label: 'Товар', price: 100, quantity: 1, amount: 100, vat: 20 }], taxationSystem: 0, email: 'user@example.com' },
      );
      expect(r.isSuccess()).toBe(true);
      expect(Object.keys((r.getResponse() as any).Model)).toEqual(['Id', 'ErrorCode', 'ReceiptLocalUrl']);
      const again = await receipts.createReceipt(
        { Type: 'Income' as never, InvoiceId: 'rc-1', AccountId: 'user_x' },
        { Items: [{ label: 'Товар', price: 100, quantity: 1, amount: 100, vat: 20 }], taxationSystem: 0, email: 'user@example.com' },
      );
      expect((again.getResponse() as any).Model.Id).toBe((r.getResponse() as any).Model.Id);
      const bad = await raw(h, '/kkt/receipt', JSON.stringify({ Type: 'Income', Inn: '7708806063', CustomerReceipt: { Items: [] } }));
      expect(bad.json).toEqual({ Success: false, Message: 'CustomerReceipt.Items is required' });
    });

    it('also works with an endpoint ending in "/" (the client then requests //payments/…)', async () => {
      const svc = new (await import('cloudpayments')).ClientService({
        publicId: SHOP.publicId,
        privateKey: SHOP.apiSecret,
        endpoint: `${h.url}/cloudpayments/`,
      });
      const api = svc.getClientApi();
      expect((await api.ping()).isSuccess()).toBe(true);
      const r = await api.chargeCryptogramPayment({
        Amount: 1,
        Currency: 'RUB',
        IpAddress: '1.1.1.1',
        CardCryptogramPacket: await cp().cryptogram(card(VISA_NO_3DS)),
      });
      expect(r.isPaymentSuccessResponse()).toBe(true);
    });
  });

  describe('test cards and reason codes', () => {
    it('every test card behaves as published; every documented reason code is reachable, with its documented name and message', async () => {
      // CloudPayments' published cards: [payment, token payment], 5051 = insufficient funds
      const PUBLISHED: Record<string, [number, number]> = {
        '4242424242424242': [0, 0],
        '5555555555554444': [0, 0],
        '2200000000000004': [0, 0],
        '4012888888881881': [5051, 5051],
        '5105105105105100': [5051, 5051],
        '2202202202202200': [5051, 5051],
        '4000000000003055': [0, 0],
        '5205000000003055': [0, 0],
        '2202000000003055': [0, 0],
        '4111111111111111': [0, 5051],
        '5200828282828210': [0, 5051],
        '2200000022222222': [0, 5051],
        '4000056655665556': [5051, 5051],
        '5404000000000043': [5051, 5051],
        '2203000000000043': [5051, 5051],
      };
      expect(
        TEST_CARDS.filter((tc) => tc.group === 'published')
          .map((tc) => tc.pan)
          .sort(),
      ).toEqual(Object.keys(PUBLISHED).sort());
      const codeOf = (outcome: 'approve' | DeclineReason) => (outcome === 'approve' ? 0 : expectedCode(outcome));
      const seen = new Set<number>();
      await paid(100_000); // funds for the payout cases
      for (const tc of TEST_CARDS) {
        const [payment, tokenPayment] = PUBLISHED[tc.pan] ?? [codeOf(tc.payment), codeOf(tc.tokenPayment)];
        let r = await charge(tc.pan, { AccountId: `cards_${tc.pan}` });
        if (tc.challenge !== 'none') {
          expect(r.Model, tc.label).toHaveProperty('AcsUrl');
          const acs = await threeDs(r.Model as any, tc.challenge === 'otp' ? { otp: FIXED_TEST_OTP } : { approve: true }, term);
          r = await cp().post3ds({ TransactionId: Number(acs.MD), PaRes: acs.PaRes });
        }
        const m = r.Model as any;
        if (payment === 0) {
          expect(r.Success, tc.label).toBe(true);
          expect(m, tc.label).toMatchObject({ Status: 'Completed', StatusCode: STATUS_CODES.Completed, ...APPROVED });
          const t = await cp().chargeToken({
            Amount: 1,
            Currency: 'RUB',
            AccountId: `cards_${tc.pan}`,
            Token: m.Token,
            TrInitiatorCode: 0,
          });
          if (tokenPayment === 0) expect(t.Success, `${tc.label}: token`).toBe(true);
          else {
            expect(t.Success, `${tc.label}: token`).toBe(false);
            expectDeclineReason(t.Model as any, tokenPayment, `${tc.label}: token`);
            seen.add((t.Model as any).ReasonCode);
          }
          if (tc.payout !== 'approve') {
            const po = await cp().payoutToken({ Token: m.Token, Amount: 1, AccountId: `cards_${tc.pan}`, Currency: 'RUB' });
            expect(po.Success, `${tc.label}: payout`).toBe(false);
            expect(po.Model).toMatchObject({ Status: 'Declined', StatusCode: STATUS_CODES.Declined });
            expectDeclineReason(po.Model as any, codeOf(tc.payout), `${tc.label}: payout`);
            seen.add((po.Model as any).ReasonCode);
          }
        } else {
          expect(r.Success, tc.label).toBe(false);
          expect(r.Message).toBeNull();
          expect(m, tc.label).toMatchObject({ Status: 'Declined', StatusCode: STATUS_CODES.Declined });
          expectDeclineReason(m, payment, tc.label);
          seen.add(m.ReasonCode);
        }
      }
      for (const code of DOC_CODES) expect(seen.has(code), `reason code ${code}`).toBe(true);
      expect([...seen].filter((c) => !DOC_CODES.includes(c))).toEqual([]);
    });

    it('an expired card is declined with 5054 (ExpiredCard)', async () => {
      const c = cp();
      const r = await c.chargeCryptogram({
        Amount: 1,
        Currency: 'RUB',
        CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS, { expMonth: 1, expYear: 2020 })),
      });
      expect(r.Model).toMatchObject({ ReasonCode: 5054, Reason: 'ExpiredCard', CardExpDate: '01/20' });
    });

    it('CultureName en-US gives English cardholder messages', async () => {
      const r = await charge('4000056655665556', { CultureName: 'en-US' });
      expect(r.Model).toMatchObject({ CultureName: 'en-US', CardHolderMessage: 'Insufficient funds' });
    });
  });

  describe('3-D Secure, two-stage payments, refunds', () => {
    it('passes 3-D Secure and completes with post3ds; the PaRes cannot be used twice', async () => {
      const r = await charge('5555555555554444', { Amount: 77.7 });
      const acs = await threeDs(r.Model as any, { approve: true }, term);
      const done = await cp().post3ds({ TransactionId: Number(acs.MD), PaRes: acs.PaRes });
      expect(done.Success).toBe(true);
      expect(done.Model).toMatchObject({ Amount: 77.7, Status: 'Completed', CardType: 'MasterCard' });
      const again = await cp().post3ds({ TransactionId: Number(acs.MD), PaRes: acs.PaRes });
      expect(again.Success).toBe(false);
      expect(again.Message).toMatch(/not awaiting 3-D Secure/);
    });

    it('a failed 3-D Secure declines with 5206; a forged PaRes is refused', async () => {
      const r = await charge(VISA_3DS);
      const m = r.Model as any;
      const forged = await cp().post3ds({ TransactionId: m.TransactionId, PaRes: 'eyJ2IjoxfQ.forged' });
      expect(forged).toMatchObject({ Success: false, Message: 'Invalid PaRes' });
      const acs = await threeDs(m, { approve: false }, term);
      const done = await cp().post3ds({ TransactionId: Number(acs.MD), PaRes: acs.PaRes });
      expect(done.Success).toBe(false);
      expect(done.Message).toBeNull();
      expect(done.Model).toMatchObject({ Status: 'Declined', ReasonCode: 5206, Reason: 'AuthenticationFailed' });
    });

    it('3-D Secure with a one-time code; a 3-D Secure card declined afterwards for insufficient funds', async () => {
      const otp = await charge('4000000000000101');
      const a = await threeDs(otp.Model as any, { otp: FIXED_TEST_OTP }, term);
      expect((await cp().post3ds({ TransactionId: Number(a.MD), PaRes: a.PaRes })).Success).toBe(true);
      const dnh = await charge('4012888888881881');
      const b = await threeDs(dnh.Model as any, { approve: true }, term);
      expect((await cp().post3ds({ TransactionId: Number(b.MD), PaRes: b.PaRes })).Model).toMatchObject({ ReasonCode: 5051 });
    });

    it('two-stage: authorizes (no capture), confirms a part, or voids; the balance follows', async () => {
      const balance = async () => (await h.gw.engine.read((tx) => h.gw.engine.ledger.balance(tx, SHOP.id, 'RUB'))).available;
      const before = await balance();
      const a = (await charge(VISA_NO_3DS, { Amount: 100 }, 'auth')).Model as any;
      expect(a).toMatchObject({ Status: 'Authorized', StatusCode: 2, ConfirmDate: null, ConfirmDateIso: null });
      expect(await balance()).toBe(before);
      expect(await cp().confirm({ TransactionId: a.TransactionId, Amount: 60.5 })).toMatchObject({ Success: true, Message: null });
      expect(await balance()).toBe(before + 6050n);
      expect((await cp().get({ TransactionId: a.TransactionId })).Model).toMatchObject({
        Status: 'Completed',
        ConfirmDateIso: expect.stringMatching(ISO_RE),
      });
      const again = await cp().confirm({ TransactionId: a.TransactionId, Amount: 1 });
      expect(again).toMatchObject({
        Success: false,
        Message: `Transaction ${a.TransactionId} cannot be confirmed: its status is Completed`,
      });
      const b = (await charge(VISA_NO_3DS, { Amount: 50 }, 'auth')).Model as any;
      expect(await cp().confirm({ TransactionId: b.TransactionId, Amount: 50.01 })).toMatchObject({
        Success: false,
        Message: 'Amount exceeds the available amount',
      });
      expect(await cp().void({ TransactionId: b.TransactionId })).toMatchObject({ Success: true });
      expect(await balance()).toBe(before + 6050n);
      const c = (await paid(5)).TransactionId;
      expect(await cp().void({ TransactionId: c })).toMatchObject({
        Success: false,
        Message: `Transaction ${c} cannot be cancelled: its status is Completed`,
      });
    });

    it('refunds partly and in full, as transactions of their own; not more than was paid', async () => {
      const p = await paid(100, { InvoiceId: 'refund-1' });
      const r1 = await cp().refund({ TransactionId: p.TransactionId, Amount: 30.25 });
      expect(r1.Success).toBe(true);
      const refundId = (r1.Model as any).TransactionId;
      expect(refundId).not.toBe(p.TransactionId);
      const refundTx = await cp().get({ TransactionId: refundId });
      expect(refundTx.Model).toMatchObject({ Type: 1, Amount: 30.25, OriginalTransactionId: p.TransactionId, Status: 'Completed' });
      expect((await cp().get({ TransactionId: p.TransactionId })).Model).toMatchObject({ Refunded: true, Status: 'Completed' });
      expect(await cp().refund({ TransactionId: p.TransactionId, Amount: 70 })).toMatchObject({
        Success: false,
        Message: 'Amount exceeds the available amount',
      });
      expect((await cp().refund({ TransactionId: p.TransactionId, Amount: 69.75 })).Success).toBe(true);
      expect(await cp().refund({ TransactionId: p.TransactionId, Amount: 1 })).toMatchObject({ Success: false });
      // /v2/payments/find also finds the refunds: the latest operation of the invoice
      const v2 = await cp().findV2({ InvoiceId: 'refund-1' });
      expect(v2.Model).toMatchObject({ Type: 1, Amount: 69.75 });
      const v1 = await cp().find({ InvoiceId: 'refund-1' });
      expect(v1.Model).toMatchObject({ Type: 0, TransactionId: p.TransactionId });
    });
  });

  describe('payouts, tokens, lists', () => {
    it('a payout beyond the balance is refused; a payout decline card declines', async () => {
      const c = client(h, OTHER);
      const packet = await c.cryptogram(card('5555555555554444'));
      expect(await c.payoutCryptogram({ CardCryptogramPacket: packet, Amount: 1, Currency: 'RUB', AccountId: 'a' })).toMatchObject({
        Success: false,
        Message: 'Insufficient funds on the balance',
      });
      await c.chargeCryptogram({ Amount: 10, Currency: 'RUB', CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)) });
      const declined = await c.payoutCryptogram({
        CardCryptogramPacket: await c.cryptogram(card(declineCardPan('stolen_card'))),
        Amount: 1,
        Currency: 'RUB',
        AccountId: 'a',
        InvoiceId: 'po-declined',
      });
      expect(declined).toMatchObject({
        Success: false,
        Message: null,
        Model: { Type: 2, Status: 'Declined', ReasonCode: 5043, Reason: 'StolenCard', AuthCode: null },
      });
      expect((await c.findV2({ InvoiceId: 'po-declined' })).Model).toMatchObject({ Type: 2, ReasonCode: 5043 });
      expect(
        await c.payoutCryptogram({ CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)), Amount: 10.01, Currency: 'RUB' }),
      ).toMatchObject({ Success: false, Message: 'Insufficient funds on the balance' });
    });

    it('lists saved tokens; a token of another payer or merchant is not found', async () => {
      const p = await paid(1, { AccountId: 'token_owner' });
      const again = await paid(1, { AccountId: 'token_owner' });
      expect(again.Token).toBe(p.Token);
      const list = await cp().tokens();
      const entry = (list.Model as any[]).find((t) => t.Token === p.Token);
      expect(entry).toEqual({
        Token: p.Token,
        AccountId: 'token_owner',
        CardMask: '4000 00****** 3055',
        ExpirationDateMonth: 12,
        ExpirationDateYear: 2035,
      });
      expect(await cp().chargeToken({ Amount: 1, Currency: 'RUB', AccountId: 'someone_else', Token: p.Token })).toEqual(
        expect.objectContaining({ Success: false, Message: 'Token not found' }),
      );
      expect(await client(h, OTHER).chargeToken({ Amount: 1, Currency: 'RUB', AccountId: 'token_owner', Token: p.Token })).toEqual(
        expect.objectContaining({ Success: false, Message: 'Token not found' }),
      );
    });

    it('/payments/list takes a day in a time zone; /v2/payments/list pages by 100, oldest first, filtered by status', async () => {
      const c = client(h, LISTS);
      const now = h.gw.clock.now();
      const day = new Date(now).toISOString().slice(0, 10);
      const first = (
        await c.chargeCryptogram({
          Amount: 1,
          Currency: 'RUB',
          CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
          InvoiceId: 'list-first',
          AccountId: 'lister',
        })
      ).Model as any;
      const utc = await c.list({ Date: day });
      const msk = await c.list({ Date: day, TimeZone: 'MSK' });
      const inUtc = (utc.Model as any[]).find((x) => x.TransactionId === first.TransactionId);
      expect(inUtc.CreatedDateIso).toBe(first.CreatedDateIso);
      const inMsk = [
        ...((msk.Model as any[]) ?? []),
        ...((await c.list({ Date: new Date(now + 86_400_000).toISOString().slice(0, 10), TimeZone: 'MSK' })).Model as any[]),
      ].find((x) => x.TransactionId === first.TransactionId);
      expect(inMsk.CreatedDateIso).toBe(new Date(Number(/\d+/.exec(first.CreatedDate)![0]) + 3 * 3_600_000).toISOString().slice(0, 19));
      expect(await c.list({ Date: day, TimeZone: 'XYZ' })).toMatchObject({ Success: false, Message: 'Invalid TimeZone value' });

      const token = first.Token;
      for (let i = 0; i < 10; i++)
        await Promise.all(
          Array.from({ length: 10 }, () => c.chargeToken({ Amount: 1, Currency: 'RUB', Token: token, AccountId: 'lister' })),
        );
      const declined = (
        await c.chargeCryptogram({ Amount: 1, Currency: 'RUB', CardCryptogramPacket: await c.cryptogram(card('4000056655665556')) })
      ).Model as any;
      const from = new Date(now - 60_000).toISOString().slice(0, 19);
      const to = new Date(h.gw.clock.now() + 60_000).toISOString().slice(0, 19);
      const page1 = await c.listV2({ CreatedDateGte: from, CreatedDateLte: to, PageNumber: 1 });
      const page2 = await c.listV2({ CreatedDateGte: from, CreatedDateLte: to, PageNumber: 2 });
      expect((page1.Model as any[]).length).toBe(100);
      expect((page1.Model as any[])[0].TransactionId).toBe(first.TransactionId);
      const all = [...(page1.Model as any[]), ...(page2.Model as any[])];
      expect(all.length).toBe(102);
      const ids = all.map((x) => Number(/\d+/.exec(x.CreatedDate)![0]));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const onlyDeclined = await c.listV2({ CreatedDateGte: from, CreatedDateLte: to, Statuses: ['Declined'] });
      expect((onlyDeclined.Model as any[]).map((x) => x.TransactionId)).toEqual([declined.TransactionId]);
      const form = await c.call(
        '/v2/payments/list',
        { CreatedDateGte: from, CreatedDateLte: to, Statuses: ['Declined', 'Cancelled'] },
        { form: true },
      );
      expect((form.Model as any[]).map((x) => x.TransactionId)).toEqual([declined.TransactionId]);
      expect(await c.listV2({ CreatedDateGte: from, CreatedDateLte: to, Statuses: ['Bogus'] })).toMatchObject({
        Success: false,
        Message: 'Invalid Statuses value',
      });
      expect(await c.chargebacks({ CreatedDateGte: from, CreatedDateLte: to, PageNumber: 1 })).toMatchObject({ Success: true, Model: [] });
    });
  });

  describe('idempotency by X-Request-ID', () => {
    it('replays a success byte for byte, without a second payment', async () => {
      const c = cp();
      const body = JSON.stringify({
        Amount: 15,
        Currency: 'RUB',
        CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
        InvoiceId: 'idem-1',
      });
      const a = await raw(h, '/payments/cards/charge', body, { requestId: 'req-idem-1' });
      const b = await raw(h, '/payments/cards/charge', body, { requestId: 'req-idem-1' });
      expect(a.json.Success).toBe(true);
      expect(b.text).toBe(a.text);
      const list = await h.gw.engine.read((tx) => tx.payments.list({ invoiceId: 'idem-1', limit: 10 }));
      expect(list.length).toBe(1);
      // kept for an hour (of the gateway's clock)
      h.gw.clock.advance(61 * 60_000);
      const c2 = await raw(h, '/payments/cards/charge', body, { requestId: 'req-idem-1' });
      expect(c2.json.Model.TransactionId).not.toBe(a.json.Model.TransactionId);
    });

    it('does not keep failures', async () => {
      const c = cp();
      const body = JSON.stringify({ Amount: 15, Currency: 'RUB', CardCryptogramPacket: await c.cryptogram(card('4000056655665556')) });
      const a = await raw(h, '/payments/cards/charge', body, { requestId: 'req-idem-2' });
      const b = await raw(h, '/payments/cards/charge', body, { requestId: 'req-idem-2' });
      expect(a.json.Success).toBe(false);
      expect(b.json.Model.TransactionId).not.toBe(a.json.Model.TransactionId);
      const bad = await raw(h, '/payments/cards/charge', '{"Currency":"RUB"}', { requestId: 'req-idem-3' });
      expect(bad.json).toEqual({ Success: false, Message: 'Amount is required' });
      const goodBody = JSON.stringify({ Amount: 15, Currency: 'RUB', CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)) });
      const good = await raw(h, '/payments/cards/charge', goodBody, { requestId: 'req-idem-3' });
      expect(good.json).toMatchObject({ Success: true, Message: null });
    });

    it('twenty concurrent requests with one X-Request-ID make one payment and twenty identical answers', async () => {
      const c = cp();
      const body = JSON.stringify({
        Amount: 33,
        Currency: 'RUB',
        CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
        InvoiceId: 'idem-concurrent',
      });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => raw(h, '/payments/cards/charge', body, { requestId: 'req-concurrent' })),
      );
      for (const a of answers) expect(a.status).toBe(200);
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
      expect(answers[0]!.json.Success).toBe(true);
      const list = await h.gw.engine.read((tx) => tx.payments.list({ invoiceId: 'idem-concurrent', limit: 100 }));
      expect(list.length).toBe(1);
    });
  });

  describe('wire rules: bodies, parameter names, auth', () => {
    it('takes form-urlencoded bodies and case-insensitive parameter names', async () => {
      const c = cp();
      const packet = await c.cryptogram(card(VISA_NO_3DS));
      // an amount has at most two decimals: 10.555 is refused, not rounded
      const tooPrecise = new URLSearchParams({ amount: '10.555', currency: 'rub', cardcryptogrampacket: packet }).toString();
      expect((await raw(h, '/payments/cards/charge', tooPrecise, { type: 'application/x-www-form-urlencoded' })).json).toEqual({
        Success: false,
        Message: 'Invalid Amount value',
      });
      const form = new URLSearchParams({
        amount: '10.550',
        currency: 'rub',
        cardcryptogrampacket: packet,
        invoiceid: 'form-1',
        jsondata: '{"name":"Ivan"}',
        'Payer[FirstName]': 'Ivan',
      }).toString();
      const r = await raw(h, '/payments/cards/charge', form, { type: 'application/x-www-form-urlencoded' });
      expect(r.json.Success).toBe(true);
      expect(r.json.Model).toMatchObject({ Amount: 10.55, Currency: 'RUB', InvoiceId: 'form-1', JsonData: { name: 'Ivan' } });
      // fractional numbers in integer fields are rounded
      const lower = await raw(h, '/payments/get', JSON.stringify({ transactionId: r.json.Model.TransactionId + 0.4 }));
      expect(lower.json.Model.TransactionId).toBe(r.json.Model.TransactionId);
      const viaClientForm = await c.call('/payments/get', { TransactionId: r.json.Model.TransactionId }, { form: true });
      expect(viaClientForm.Model).toMatchObject({ InvoiceId: 'form-1' });
    });

    it('answers 401 with a JSON body for missing, malformed or wrong credentials', async () => {
      const expected = { Success: false, Message: 'Authorization has been denied for this request.' };
      for (const auth of [
        null,
        'Bearer abc',
        'Basic !!!',
        'Basic ' + Buffer.from(`${SHOP.publicId}:wrong`).toString('base64'),
        'Basic ' + Buffer.from(`pk_nobody:${SHOP.apiSecret}`).toString('base64'),
        'Basic ' + Buffer.from('nocolon').toString('base64'),
      ]) {
        const r = await raw(h, '/payments/get', '{"TransactionId":1}', { auth });
        expect(r.status, String(auth)).toBe(401);
        expect(r.headers.get('content-type')).toContain('application/json');
        expect(r.json).toEqual(expected);
      }
      const npm = new (await import('cloudpayments')).ClientService({
        publicId: SHOP.publicId,
        privateKey: 'wrong',
        endpoint: `${h.url}/cloudpayments`,
      });
      const res = await npm.getClientApi().getPayment({ TransactionId: 1 });
      expect(res.isSuccess()).toBe(false);
      expect(res.getMessage()).toBe(expected.Message);
    });

    it('answers bad JSON, bad forms, wrong types and missing fields with {Success:false, Message}', async () => {
      const cases: Array<[string, string, string, number, string]> = [
        ['/payments/cards/charge', '{"Amount":', 'application/json', 400, 'Invalid JSON in the request body'],
        ['/payments/cards/charge', '[1,2]', 'application/json', 400, 'The request body must be a JSON object'],
        [
          '/payments/cards/charge',
          'Amount=%ZZ&Currency=RUB',
          'application/x-www-form-urlencoded',
          400,
          'Invalid form-urlencoded request body',
        ],
        ['/payments/cards/charge', '=1&Amount=2', 'application/x-www-form-urlencoded', 400, 'Invalid form-urlencoded request body'],
        ['/payments/cards/charge', '{}', 'application/json', 200, 'Amount is required'],
        ['/payments/cards/charge', '{"Amount":"abc"}', 'application/json', 200, 'Invalid Amount value'],
        ['/payments/cards/charge', '{"Amount":0}', 'application/json', 200, 'Invalid Amount value'],
        ['/payments/cards/charge', '{"Amount":-5}', 'application/json', 200, 'Invalid Amount value'],
        ['/payments/cards/charge', '{"Amount":0.004}', 'application/json', 200, 'Invalid Amount value'],
        ['/payments/cards/charge', '{"Amount":{"a":1}}', 'application/json', 200, 'Invalid Amount value'],
        ['/payments/cards/charge', '{"Amount":10,"Currency":"XXX"}', 'application/json', 200, 'Invalid Currency value'],
        ['/payments/cards/charge', '{"Amount":10}', 'application/json', 200, 'CardCryptogramPacket is required'],
        [
          '/payments/cards/charge',
          '{"Amount":10,"CardCryptogramPacket":"garbage"}',
          'application/json',
          200,
          'Invalid CardCryptogramPacket',
        ],
        [
          '/payments/cards/charge',
          '{"Amount":10,"CardCryptogramPacket":["x"]}',
          'application/json',
          200,
          'Invalid CardCryptogramPacket value',
        ],
        ['/payments/tokens/charge', '{"Amount":10,"Token":"tk_nope"}', 'application/json', 200, 'AccountId is required'],
        ['/payments/tokens/charge', '{"Amount":10,"Token":"tk_nope","AccountId":"a"}', 'application/json', 200, 'Token not found'],
        ['/payments/cards/post3ds', '{"TransactionId":1}', 'application/json', 200, 'PaRes is required'],
        ['/payments/cards/post3ds', '{"PaRes":"x"}', 'application/json', 200, 'TransactionId is required'],
        ['/payments/confirm', '{"TransactionId":"abc"}', 'application/json', 200, 'Invalid TransactionId value'],
        ['/payments/confirm', '{"TransactionId":999999999,"Amount":1}', 'application/json', 200, 'Not found'],
        ['/payments/void', '{"TransactionId":999999999}', 'application/json', 200, 'Not found'],
        ['/payments/refund', '{"TransactionId":999999999,"Amount":1}', 'application/json', 200, 'Not found'],
        ['/payments/cards/post3ds', '{"TransactionId":999999999,"PaRes":"x"}', 'application/json', 200, 'Not found'],
        ['/payments/get', '{"TransactionId":999999999}', 'application/json', 200, 'Not found'],
        ['/payments/find', '{"InvoiceId":"no-such-invoice"}', 'application/json', 200, 'Not found'],
        ['/v2/payments/find', '{"InvoiceId":"no-such-invoice"}', 'application/json', 200, 'Not found'],
        ['/payments/find', '{}', 'application/json', 200, 'InvoiceId is required'],
        ['/payments/list', '{}', 'application/json', 200, 'Date is required'],
        ['/payments/list', '{"Date":"yesterday"}', 'application/json', 200, 'Invalid Date value'],
        ['/v2/payments/list', '{"CreatedDateGte":"2020-01-01"}', 'application/json', 200, 'CreatedDateLte is required'],
        ['/subscriptions/get', '{"Id":"sc_nope"}', 'application/json', 200, 'Not found'],
        [
          '/subscriptions/create',
          '{"Token":"tk_x","AccountId":"a","Description":"d","Amount":1,"StartDate":"2030-01-01","Interval":"Year","Period":1}',
          'application/json',
          200,
          'Invalid Interval value',
        ],
        [
          '/subscriptions/create',
          '{"Token":"tk_x","AccountId":"a","Description":"d","Amount":1,"StartDate":"2030-01-01","Interval":"Day","Period":0}',
          'application/json',
          200,
          'Invalid Period value',
        ],
        [
          '/subscriptions/create',
          '{"Token":"tk_x","AccountId":"a","Description":"d","Amount":1,"StartDate":"2030-01-01","Interval":"Day","Period":1}',
          'application/json',
          200,
          'Token not found',
        ],
        ['/orders/create', '{"Amount":1}', 'application/json', 200, 'Description is required'],
        [
          '/orders/create',
          '{"Amount":1,"Description":"x","SuccessRedirectUrl":"javascript:alert(1)"}',
          'application/json',
          200,
          'Invalid SuccessRedirectUrl value',
        ],
        ['/orders/cancel', '{"Id":"nope"}', 'application/json', 200, 'Not found'],
        ['/site/notifications/bogus/get', '{}', 'application/json', 200, 'Invalid notification type'],
        ['/site/notifications/pay/update', '{"IsEnabled":true}', 'application/json', 200, 'Address is required'],
        ['/site/notifications/pay/update', '{"HttpMethod":"PUT"}', 'application/json', 200, 'Invalid HttpMethod value'],
        [
          '/site/notifications/check/update',
          '{"IsEnabled":false}',
          'application/json',
          200,
          'The Check notification cannot be changed through the API',
        ],
        ['/kkt/receipt', '{"Inn":"7708806063"}', 'application/json', 200, 'Type is required'],
      ];
      for (const [path, body, type, status, message] of cases) {
        const r = await raw(h, path, body, { type });
        expect(r.status, `${path} ${body}`).toBe(status);
        expect(r.json, `${path} ${body}`).toEqual({ Success: false, Message: message });
      }
      // another merchant's transaction does not exist for this one
      const theirs = (
        await client(h, OTHER).chargeCryptogram({
          Amount: 1,
          Currency: 'RUB',
          CardCryptogramPacket: await client(h, OTHER).cryptogram(card(VISA_NO_3DS)),
        })
      ).Model as any;
      expect((await cp().get({ TransactionId: theirs.TransactionId })).Message).toBe('Not found');
      expect((await cp().refund({ TransactionId: theirs.TransactionId, Amount: 1 })).Message).toBe('Not found');
    });

    it('refuses cryptograms that are not right, all with the same answer', async () => {
      const c = cp();
      const key = await c.publicKey();
      const good = await c.cryptogram(card(VISA_NO_3DS));
      const json = JSON.parse(Buffer.from(good, 'base64').toString());
      const flipped = Buffer.from(json.Value, 'base64');
      flipped[10] = flipped[10]! ^ 1;
      const variants = [
        buildCryptogram(card(VISA_NO_3DS), OTHER.publicId, key.pem), // made for another merchant
        Buffer.from(JSON.stringify({ ...json, Value: flipped.toString('base64') })).toString('base64'), // tampered
        Buffer.from(JSON.stringify({ ...json, Value: flipped.subarray(1).toString('base64') })).toString('base64'), // short
        Buffer.from(JSON.stringify({ ...json, Value: Buffer.alloc(256, 0xff).toString('base64') })).toString('base64'), // not below the modulus
        Buffer.from(JSON.stringify({ ...json, CardInfo: { ...json.CardInfo, LastFourDigits: '0000' } })).toString('base64'), // header disagrees
        'eyJUeXBlIjoiQ2xvdWRDYXJkIn0=',
        '01400000305512350' + 'A'.repeat(10),
        '%%%',
      ];
      for (const v of variants) {
        const r = await raw(h, '/payments/cards/charge', JSON.stringify({ Amount: 1, CardCryptogramPacket: v }));
        expect(r.json, v.slice(0, 40)).toEqual({ Success: false, Message: 'Invalid CardCryptogramPacket' });
      }
      // the legacy "01" packet and the JSON packet both work
      for (const format of ['legacy', 'json'] as const) {
        const r = await c.chargeCryptogram({ Amount: 1, CardCryptogramPacket: await c.cryptogram(card('2202000000003055'), format) });
        expect(r.Model, format).toMatchObject({ Status: 'Completed', CardType: 'MIR', CardTypeCode: 2 });
      }
    });

    it('answers an oversized body, an unknown path and a wrong method with JSON, never a 500', async () => {
      const big = await raw(h, '/payments/cards/charge', JSON.stringify({ Amount: 1, pad: 'x'.repeat(1_100_000) }));
      expect(big.status).toBe(413);
      expect(big.json).toEqual({ Success: false, Message: 'The request body is too large' });
      const unknown = await raw(h, '/payments/nothing', '{}');
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({ Success: false, Message: 'Not found' });
      expect((await raw(h, '/payments/get', undefined, { method: 'GET' })).json).toEqual({ Success: false, Message: 'Not found' });
      const paths = [
        '/payments/cards/charge',
        '/payments/cards/auth',
        '/payments/cards/post3ds',
        '/payments/tokens/charge',
        '/payments/tokens/auth',
        '/payments/confirm',
        '/payments/void',
        '/payments/refund',
        '/payments/cards/topup',
        '/payments/token/topup',
        '/payments/get',
        '/payments/find',
        '/v2/payments/find',
        '/payments/list',
        '/v2/payments/list',
        '/payments/tokens/list',
        '/chargebacks/list',
        '/subscriptions/create',
        '/subscriptions/get',
        '/subscriptions/find',
        '/subscriptions/update',
        '/subscriptions/cancel',
        '/orders/create',
        '/orders/cancel',
        '/site/notifications/pay/get',
        '/site/notifications/pay/update',
        '/kkt/receipt',
      ];
      const bodies: Array<[string, string]> = [
        [
          '{"TransactionId":{"a":1},"Amount":[1],"Token":{},"Id":[],"InvoiceId":{},"Date":5,"CreatedDateGte":[],"AccountId":{},"StartDate":{},"CustomerReceipt":7,"JsonData":{"x":[1,{"y":null}]}}',
          'application/json',
        ],
        ['{"TransactionId":1e308,"Amount":1e308,"PageNumber":-1,"Currency":"","Statuses":{"0":1}}', 'application/json'],
        ['\u0000\u0001\u0002', 'application/octet-stream'],
        ['a[b][c][][d]=1&a[b]=2&__proto__[x]=1&constructor[prototype][y]=2', 'application/x-www-form-urlencoded'],
        ['{"Amount":"1","Currency":"RUB","CardCryptogramPacket":"MDE0MDAwMDAzMDU1MTIzNTAx' + 'A'.repeat(344) + '"}', 'application/json'],
      ];
      for (const path of paths) {
        for (const [body, type] of bodies) {
          const r = await raw(h, path, body, { type });
          expect(r.status, `${path} ${body.slice(0, 30)}`).toBeLessThan(500);
          expect(typeof r.json?.Success, `${path} ${body.slice(0, 30)}`).toBe('boolean');
        }
      }
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(ClientResponse).toBeDefined();
    });
  });

  describe('expiry', () => {
    it('an authorization not confirmed within 7 days expires, its hold released; a charge or a decline leaves no expiry job', async () => {
      const DAY = 86_400_000;
      const expiryJobs = (id: number) =>
        h.gw.engine.read((tx) =>
          tx
            .db<{ jobs: { kind: string; ref: string; status: string; run_at: number | bigint } }>()
            .selectFrom('jobs')
            .select(['status', 'run_at'])
            .where('kind', '=', 'payment.expire')
            .where('ref', '=', String(id))
            .execute(),
        );
      const account = () => h.gw.engine.read((tx) => h.gw.engine.ledger.balance(tx, SHOP.id, 'RUB'));
      // a one-stage charge is captured at once, a declined payment is over: neither waits for anything
      const charged = await paid(5);
      expect(await expiryJobs(charged.TransactionId)).toEqual([]);
      const declined = (await charge(declineCardPan('insufficient_funds'))).Model as any;
      expect(declined).toMatchObject({ Status: 'Declined', ReasonCode: 5051 });
      expect(await expiryJobs(declined.TransactionId)).toEqual([]);
      // a payment waiting for 3-D Secure, and an authorization waiting for its confirmation, each have one
      const waiting = (await charge(VISA_3DS)).Model as any;
      expect(await expiryJobs(waiting.TransactionId)).toHaveLength(1);
      const before = await account();
      const start = h.gw.clock.now();
      const a = (await charge(VISA_NO_3DS, { Amount: 40 }, 'auth')).Model as any;
      expect(a).toMatchObject({ Status: 'Authorized', StatusCode: 2 });
      const end = h.gw.clock.now();
      const jobs = await expiryJobs(a.TransactionId);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.status).toBe('pending');
      // seven days after the authorization
      expect(Number(jobs[0]!.run_at)).toBeGreaterThanOrEqual(start + 7 * DAY);
      expect(Number(jobs[0]!.run_at)).toBeLessThanOrEqual(end + 7 * DAY);
      expect((await account()).pendingIn).toBe(before.pendingIn + 4000n);

      h.gw.clock.advance(7 * DAY + 60_000);
      await eventually(async () =>
        expect((await cp().get({ TransactionId: a.TransactionId })).Model).toMatchObject({ Status: 'Declined', StatusCode: 5 }),
      );
      await eventually(async () =>
        expect((await cp().get({ TransactionId: waiting.TransactionId })).Model).toMatchObject({ Status: 'Declined' }),
      );
      expect(await account()).toEqual(before);
      expect(await cp().confirm({ TransactionId: a.TransactionId, Amount: 40 })).toMatchObject({ Success: false });
    });
  });

  describe('the refund window', () => {
    it('refuses refunds of payments older than one year (gateway clock)', async () => {
      const p = await paid(10);
      h.gw.clock.advance(366 * 86_400_000);
      expect(await cp().refund({ TransactionId: p.TransactionId, Amount: 1 })).toMatchObject({
        Success: false,
        Message: 'Refunds are not possible for transactions older than one year',
      });
    });
  });
});
