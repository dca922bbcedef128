// Way2Pay's wire mapping with literal expectations: the documented error table (codes, messages, HTTP statuses) and
// the later codes, how core errors map onto it, the sandbox's reference data, statuses, money and percentages as
// the API writes them, and the objects each API generation shows.
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errors.js';
import { ALL_DECLINE_REASONS } from '../../src/core/network/reasons.js';
import { coreToWay2Pay, errorBody, ERRORS, genCode, isWay2PayError, Way2PayError } from '../../src/faces/way2pay/http.js';
import { BANKS, CURRENCIES, findBank, PAYIN_METHODS, PAYOUT_METHODS } from '../../src/faces/way2pay/reference-data.js';
import {
  bankLabel,
  DECLINE_STATUS,
  FINAL,
  isStatus,
  MERCHANT_SETTABLE,
  money,
  parseBasisPoints,
  percentNumber,
  STATUSES,
  type PayIn,
  type PayOut,
} from '../../src/faces/way2pay/wire.js';
import { statusChangeView } from '../../src/faces/way2pay/wire/operation.js';
import { deserializePayIn, payInCallback, payInView, serializePayIn } from '../../src/faces/way2pay/wire/pay-in.js';
import { deserializePayOut, payOutCallback, payOutView, serializePayOut } from '../../src/faces/way2pay/wire/pay-out.js';
import { ERROR_TABLE } from '../faces/way2pay/documented.js';

const T0 = Date.UTC(2030, 0, 2, 3, 4, 5, 6);
const payIn = (more: Partial<PayIn> = {}): PayIn => ({
  id: 'pi_1',
  merchantId: 'm',
  externalId: 'ext-1',
  trackerId: 'tr-1',
  status: 'PENDING',
  amount: 104420n,
  commission: 1000n,
  currency: 'RUB',
  bankId: 1,
  bankFixed: false,
  method: 'CARD',
  requisiteId: 7,
  receiver: '2200000000000004',
  holder: 'IVAN',
  description: 'order 1',
  callbackUrl: 'http://127.0.0.1/cb',
  paidAmount: null,
  holdNetId: null,
  holdFeeId: null,
  expiresAt: T0 + 1,
  createdAt: T0,
  updatedAt: T0 + 1000,
  ...more,
});
const payOut = (more: Partial<PayOut> = {}): PayOut => ({
  id: 'po_1',
  merchantId: 'm',
  externalId: 'ext-2',
  trackerId: 'tr-2',
  status: 'PROCESSING',
  amount: 50000n,
  commission: 0n,
  currency: 'RUB',
  bankId: 2,
  method: 'SBP',
  receiver: '+79990000000',
  cardId: null,
  holder: 'ANNA',
  description: null,
  callbackUrl: 'http://127.0.0.1/cb',
  holdAmountId: null,
  holdFeeId: null,
  declineReason: null,
  expiresAt: T0 + 1,
  createdAt: T0,
  updatedAt: T0 + 2000,
  ...more,
});

describe('Way2Pay errors', () => {
  it('are the documented table', () => {
    expect(Object.fromEntries(Object.entries(ERRORS).map(([k, v]) => [k, [...v]]))).toEqual(ERROR_TABLE);
  });

  it('carry the table message and status; only 20000 adds what was wrong', () => {
    const e = new Way2PayError(60006);
    expect([e.code, e.message, e.status, e.name, isWay2PayError(e), isWay2PayError(new Error('x'))]).toEqual([
      60006,
      'invalid Signature',
      401,
      'Way2PayError',
      true,
      false,
    ]);
    expect(new Way2PayError(20000, 'amount is required').message).toBe('wrong input: amount is required');
    expect(new Way2PayError(20000).message).toBe('wrong input');
    expect(new Way2PayError(60011, 'ignored').message).toBe("payment doesn't exists");
    expect(errorBody(30005)).toEqual({ status: 402, body: { success: false, error: { message: 'not enough balance', code: 30005 } } });
    expect(errorBody(20000, 'wrong input: x')).toEqual({
      status: 400,
      body: { success: false, error: { message: 'wrong input: x', code: 20000 } },
    });
    expect([genCode(1, 60006, 2005), genCode(3, 60006, 2005)]).toEqual([60006, 2005]);
  });

  it('map each core error to its code, input errors by default', () => {
    const cases: Array<[ErrorCode, number]> = [
      ['VALIDATION', 20000],
      ['AMOUNT_INVALID', 20000],
      ['AMOUNT_PRECISION', 20000],
      ['AMOUNT_TOO_SMALL', 30006],
      ['AMOUNT_TOO_LARGE', 30007],
      ['CURRENCY_UNSUPPORTED', 60000],
      ['CARD_NUMBER_INVALID', 20000],
      ['CARD_BRAND_UNSUPPORTED', 20000],
      ['CARD_EXPIRY_INVALID', 20000],
      ['CARD_CVV_INVALID', 20000],
      ['UNAUTHENTICATED', 10000],
      ['SIGNATURE_INVALID', 60006],
      ['TIMESTAMP_OUT_OF_WINDOW', 60007],
      ['NONCE_REUSED', 20006],
      ['FORBIDDEN', 30000],
      ['MERCHANT_NOT_FOUND', 30003],
      ['ACCOUNT_NOT_FOUND', 30003],
      ['PAYMENT_NOT_FOUND', 60011],
      ['PAYOUT_NOT_FOUND', 60011],
      ['NOT_FOUND', 60011],
      ['INVALID_STATE', 60012],
      ['AMOUNT_EXCEEDS_AVAILABLE', 30005],
      ['INSUFFICIENT_BALANCE', 30005],
      ['ZERO_BALANCE', 30004],
      ['DUPLICATE', 60010],
      ['CONFLICT', 60012],
      ['LEDGER_INVARIANT', 40000],
      ['INTERNAL', 40000],
      ['TOKEN_EXPIRED', 20000],
      ['REFUND_WINDOW_PASSED', 20000],
    ];
    for (const [core, code] of cases) expect(coreToWay2Pay(core), core).toBe(code);
  });
});

describe('Way2Pay reference data', () => {
  it('has the sandbox banks, found by id, key or name in any case', () => {
    expect(BANKS.map((b) => [b.id, b.name, b.key, b.currency])).toEqual([
      [1, 'Сбер', 'SBER', 'RUB'],
      [2, 'Т-Банк', 'TBANK', 'RUB'],
      [3, 'Альфа-Банк', 'ALFA', 'RUB'],
      [4, 'ВТБ', 'VTB', 'RUB'],
      [5, 'Озон Банк (Ozon)', 'OZON', 'RUB'],
      [6, 'СБП', 'SBP', 'RUB'],
    ]);
    expect(findBank(3)?.key).toBe('ALFA');
    expect(findBank(' 4 ')?.key).toBe('VTB');
    expect(findBank('tbank')?.id).toBe(2);
    expect(findBank('альфа-банк')?.id).toBe(3);
    expect(findBank(' sber ')?.id).toBe(1);
    for (const none of [7, '7', '1234567', 'nobank', null, undefined, {}, true]) expect(findBank(none), String(none)).toBeUndefined();
    expect([bankLabel(1, 1), bankLabel(1, 3), bankLabel(99, 1), bankLabel(99, 3)]).toEqual(['SBER', 'Сбер', '99', '99']);
  });

  it('has the currencies and the methods with the requisite each shows', () => {
    expect(CURRENCIES).toEqual([
      { id: 1, name: 'Рубль', key: 'RUB', isActive: true },
      { id: 2, name: 'Доллар США', key: 'USD', isActive: true },
      { id: 3, name: 'Тенге', key: 'KZT', isActive: false },
    ]);
    expect(PAYIN_METHODS).toEqual({
      CARD: 'card',
      SBP: 'phone',
      ACCOUNT: 'account',
      NSPK: 'link',
      CROSSBORDER_CARD: 'card',
      CROSSBORDER_SBP: 'phone',
      M2ARM_SBP: 'phone',
      M2ABH_SBP: 'phone',
      M2TJS_SBP: 'phone',
      M2ABH_C2C: 'card',
      M2ARM_C2C: 'card',
      M2TJS_C2C: 'card',
      PAYMENT_LINK: 'link',
      C2C_WT: 'card',
      SBP_WT: 'phone',
      SBER2SBER: 'card',
      ALFA2ALFA: 'card',
      VTB2VTB: 'card',
      TBANK2TBANK: 'card',
      OZON2OZON: 'card',
      SIM: 'phone',
      ALFA_QR: 'link',
    });
    expect(PAYOUT_METHODS).toEqual({ CARD: 'card', SBP: 'phone', ACCOUNT: 'account' });
  });

  it('has the statuses, the final ones, and what a merchant may set', () => {
    expect([...STATUSES]).toEqual([
      'CREATED',
      'PENDING',
      'PROCESSING',
      'COMPLETED',
      'TIMEOUT',
      'CANCELLED',
      'ERROR',
      'INCORRECT_AMOUNT',
      'REFUNDED',
    ]);
    expect([isStatus('COMPLETED'), isStatus('completed'), isStatus('DONE')]).toEqual([true, false, false]);
    expect([...FINAL].sort()).toEqual(['CANCELLED', 'COMPLETED', 'ERROR', 'INCORRECT_AMOUNT', 'REFUNDED', 'TIMEOUT']);
    expect([...MERCHANT_SETTABLE]).toEqual(['CANCELLED']);
    expect(Object.keys(DECLINE_STATUS)).toEqual(ALL_DECLINE_REASONS);
    for (const r of ALL_DECLINE_REASONS) expect(DECLINE_STATUS[r], r).toBe('ERROR');
  });
});

describe('Way2Pay numbers', () => {
  it('writes money in major units without trailing zeros', () => {
    expect([money(100000n, 'RUB'), money(104420n, 'RUB'), money(0n, 'RUB'), money(5n, 'RUB'), money(7n, 'JPY')]).toEqual([
      '1000',
      '1044.2',
      '0',
      '0.05',
      '7',
    ]);
  });

  it('reads percentages to basis points exactly, and writes them back as numbers', () => {
    expect([
      parseBasisPoints('10.6'),
      parseBasisPoints(10.6),
      parseBasisPoints(' 3 '),
      parseBasisPoints('0.05'),
      parseBasisPoints('999.99'),
    ]).toEqual([1060n, 1060n, 300n, 5n, 99999n]);
    for (const bad of ['1000', '1.234', '-1', '', 'x', '1.', '.5', Number.NaN, Number.POSITIVE_INFINITY, null, {}, 1e21])
      expect(parseBasisPoints(bad), String(bad)).toBeUndefined();
    expect([percentNumber(1060n), percentNumber(300n), percentNumber(5n), percentNumber(0n), percentNumber(1234n)]).toEqual([
      10.6, 3, 0.05, 0, 12.34,
    ]);
  });
});

describe('Way2Pay objects', () => {
  it('show a pay-in as the original README does (generation 1), in its key order', () => {
    const v = payInView(payIn(), 1);
    expect(v).toEqual({
      id: 'pi_1',
      externalID: 'ext-1',
      currency: 'RUB',
      amount: '1044.2',
      status: 'PENDING',
      method: 'CARD',
      bank: 'SBER',
      cardNumber: '2200000000000004',
      holder: 'IVAN',
      createdAt: '2030-01-02T03:04:05.006Z',
      updatedAt: '2030-01-02T03:04:06.006Z',
    });
    expect(Object.keys(v)).toEqual([
      'id',
      'externalID',
      'currency',
      'amount',
      'status',
      'method',
      'bank',
      'cardNumber',
      'holder',
      'createdAt',
      'updatedAt',
    ]);
  });

  it('show a pay-in as the current documentation does (generation 3)', () => {
    const v = payInView(payIn(), 3);
    expect(v).toEqual({
      id: 'pi_1',
      externalID: 'ext-1',
      trackerID: 'tr-1',
      status: 'PENDING',
      amount: '1044.2',
      commission: '10',
      currency: 'RUB',
      bank: 'Сбер',
      method: 'CARD',
      receiver: '2200000000000004',
      holder: 'IVAN',
      description: 'order 1',
      createdAt: '2030-01-02T03:04:05.006Z',
      updatedAt: '2030-01-02T03:04:06.006Z',
    });
    expect(Object.keys(v)[2]).toBe('trackerID');
  });

  it('show a status change, a pay-out and the callbacks', () => {
    expect(statusChangeView(payOut())).toEqual({
      id: 'po_1',
      externalID: 'ext-2',
      trackerID: 'tr-2',
      status: 'PROCESSING',
      amount: '500',
      currency: 'RUB',
      method: 'SBP',
      createdAt: '2030-01-02T03:04:05.006Z',
      updatedAt: '2030-01-02T03:04:07.006Z',
    });
    const shared = {
      id: 'po_1',
      externalID: 'ext-2',
      trackerID: 'tr-2',
      status: 'PROCESSING',
      amount: '500',
      commission: '0',
      currency: 'RUB',
      bank: 'TBANK',
      method: 'SBP',
      receiver: '+79990000000',
      holder: 'ANNA',
      description: null,
      createdAt: '2030-01-02T03:04:05.006Z',
    };
    expect(payOutView(payOut(), 1, { created: true })).toEqual(shared);
    expect(payOutView(payOut(), 3)).toEqual({ ...shared, bank: 'Т-Банк', updatedAt: '2030-01-02T03:04:07.006Z' });
    const { createdAt: _c, trackerID: _t, ...rest } = shared;
    expect(payOutCallback(payOut(), 1, T0)).toEqual({ ...rest, trackerId: 'tr-2', timestamp: '2030-01-02T03:04:05.006Z' });
    expect(Object.keys(payOutCallback(payOut(), 1, T0))[2]).toBe('trackerId');
    expect(payInCallback(payIn(), 3, T0 + 60_000)).toMatchObject({
      trackerID: 'tr-1',
      bank: 'Сбер',
      commission: '10',
      timestamp: '2030-01-02T03:05:05.006Z',
    });
  });

  it('travel in outbox payloads with their amounts as strings', () => {
    const p = payIn({ paidAmount: 104400n });
    const j = serializePayIn(p);
    expect([j.amount, j.commission, j.paidAmount]).toEqual(['104420', '1000', '104400']);
    expect(deserializePayIn(JSON.parse(JSON.stringify(j)))).toEqual(p);
    expect(serializePayIn(payIn()).paidAmount).toBeNull();
    expect(deserializePayIn(JSON.parse(JSON.stringify(serializePayIn(payIn()))))).toEqual(payIn());
    const o = payOut();
    const k = serializePayOut(o);
    expect([k.amount, k.commission]).toEqual(['50000', '0']);
    expect(deserializePayOut(JSON.parse(JSON.stringify(k)))).toEqual(o);
  });
});
