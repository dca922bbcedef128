// The OpenAPI 3.0 document of the CloudPayments face: every API method (docs/cloudpayments.md), the public key
// and checkout script, the hosted order page, and the notifications (Check, Pay, Fail, Confirm, Refund,
// Recurrent, Cancel). Examples are answers the gateway gave (test/server/reference.test.ts checks them).
import {
  callbackOf,
  json,
  jsonExamples,
  jsonOrFormBody,
  nullable,
  p,
  s,
  type OpenApiDocument,
  type Operation,
  type PathItem,
  type Schema,
} from '../kit/openapi.js';
import type { ConnectionField } from '../face.js';
import { TIME_ZONES } from './wire/formats.js';
import { ORDER_KEYS } from './wire/order.js';
import { SUBSCRIPTION_KEYS } from './wire/subscription.js';
import { THREE_DS_KEYS, TRANSACTION_KEYS } from './wire/transaction.js';

const PUBLIC_ID = 'pk_2f3c4d5e6f708192a3b4c5d6e7f80';
const CASE_NOTE =
  'Parameters go in a JSON body or a form (`application/x-www-form-urlencoded`, nested as `Payer[FirstName]=…`); their names are case-insensitive (`accountId` works as `AccountId`), fractional numbers in integer fields are rounded; an amount with more than two decimals (`1.005`) is refused with `Invalid Amount value`.';

// ---- the Transaction Model

const INTEGER_KEYS = new Set([
  'TransactionId',
  'CurrencyCode',
  'PaymentCurrencyCode',
  'StatusCode',
  'CardTypeCode',
  'ReasonCode',
  'OriginalTransactionId',
  'FallBackScenarioDeclinedTransactionId',
  'Type',
]);
const NUMBER_KEYS = new Set([
  'Amount',
  'PaymentAmount',
  'PayoutAmount',
  'IpLatitude',
  'IpLongitude',
  'TotalFee',
  'VatAboveTotalFee',
  'ProcessorAndPartnerFee',
  'VatWithinProcessorFee',
]);
const BOOLEAN_KEYS = new Set(['TestMode', 'Refunded', 'AndroidPay']);
const NEVER_NULL = new Set([
  'TransactionId',
  'Amount',
  'Currency',
  'PaymentAmount',
  'PaymentCurrency',
  'CreatedDate',
  'CreatedDateIso',
  'TestMode',
  'Status',
  'StatusCode',
  'Type',
  'Refunded',
  'GatewayName',
  'AndroidPay',
  'TotalFee',
  'PublicId',
]);
const DESCRIPTIONS: Record<string, string> = {
  TransactionId: 'Transaction number (= MD for 3-D Secure)',
  Amount: 'Amount in major units',
  CurrencyCode: 'Currency code (RUB = 0)',
  JsonData: 'Whatever was sent as JsonData',
  CreatedDate: '`/Date(<ms>)/`',
  CreatedDateIso: "UTC, `yyyy-MM-ddTHH:mm:ss` (in the list's TimeZone for lists)",
  AuthCode: 'Authorization code (accepted transactions)',
  TestMode: 'Always true in the sandbox',
  OriginalTransactionId: 'For a refund: the payment it refunds',
  CardExpDate: '`MM/YY`',
  CardType: 'Visa, MasterCard, Mir',
  CardTypeCode: 'Visa 0, MasterCard 1, Mir 2',
  Status: 'AwaitingAuthentication, Authorized, Completed, Cancelled, Declined',
  StatusCode: '1 AwaitingAuthentication, 2 Authorized, 3 Completed, 4 Cancelled, 5 Declined',
  Reason: 'Approved, or the decline reason (InsufficientFunds, …)',
  ReasonCode: '0, or the decline code (5051, …)',
  CardHolderMessage: 'A message for the payer (Russian; English with CultureName en-US)',
  Type: '0 payment, 1 refund, 2 payout',
  Token: 'Card token for later token payments (accepted payments)',
  GatewayName: 'The acquirer',
};

function transactionSchema(): Schema {
  const props: Record<string, Schema> = {};
  for (const k of TRANSACTION_KEYS) {
    const base = INTEGER_KEYS.has(k)
      ? s.int()
      : NUMBER_KEYS.has(k)
        ? s.num()
        : BOOLEAN_KEYS.has(k)
          ? s.bool()
          : k === 'JsonData'
            ? s.any()
            : s.str();
    const described = DESCRIPTIONS[k] ? { ...base, description: DESCRIPTIONS[k] } : base;
    props[k] = NEVER_NULL.has(k) || k === 'JsonData' ? described : nullable(described);
  }
  return s.obj(props, 'all', 'The Transaction Model: every key is always present, `null` where empty.');
}

const ACCEPTED = {
  TransactionId: 1000005,
  Amount: 10,
  Currency: 'RUB',
  CurrencyCode: 0,
  PaymentAmount: 10,
  PaymentCurrency: 'RUB',
  PaymentCurrencyCode: 0,
  InvoiceId: '1234567',
  AccountId: 'user_x',
  Email: null,
  Description: 'Оплата товаров в example.com',
  JsonData: null,
  CreatedDate: '/Date(1795450866474)/',
  CreatedDateIso: '2026-11-23T16:21:06',
  PayoutDate: null,
  PayoutDateIso: null,
  PayoutAmount: null,
  AuthDate: '/Date(1795450866476)/',
  AuthDateIso: '2026-11-23T16:21:06',
  ConfirmDate: '/Date(1795450866477)/',
  ConfirmDateIso: '2026-11-23T16:21:06',
  AuthCode: 'B4E7QV',
  TestMode: true,
  Rrn: '366117355019',
  OriginalTransactionId: null,
  FallBackScenarioDeclinedTransactionId: null,
  IpAddress: '195.91.194.13',
  IpCountry: null,
  IpCity: null,
  IpRegion: null,
  IpDistrict: null,
  IpLatitude: null,
  IpLongitude: null,
  CardFirstSix: '400000',
  CardLastFour: '3055',
  CardExpDate: '12/30',
  CardType: 'Visa',
  CardProduct: null,
  CardCategory: null,
  EscrowAccumulationId: null,
  CardTypeCode: 0,
  Issuer: null,
  IssuerBankCountry: null,
  Status: 'Completed',
  StatusCode: 3,
  CultureName: null,
  Reason: 'Approved',
  ReasonCode: 0,
  CardHolderMessage: 'Оплата успешно проведена',
  Type: 0,
  Refunded: false,
  Name: 'CARDHOLDER NAME',
  Token: 'tk_7ffa04da953580bfc8b260fe393a6',
  SubscriptionId: null,
  GatewayName: 'Polypay Sandbox',
  AndroidPay: false,
  WalletType: null,
  TotalFee: 0,
  VatAboveTotalFee: null,
  ProcessorAndPartnerFee: null,
  VatWithinProcessorFee: null,
  PublicId: PUBLIC_ID,
  TerminalUrl: null,
};
const DECLINED = {
  ...ACCEPTED,
  TransactionId: 1000007,
  InvoiceId: '1234569',
  Description: null,
  AuthDate: null,
  AuthDateIso: null,
  ConfirmDate: null,
  ConfirmDateIso: null,
  AuthCode: null,
  IpAddress: null,
  CardFirstSix: '400005',
  CardLastFour: '5556',
  Status: 'Declined',
  StatusCode: 5,
  Reason: 'InsufficientFunds',
  ReasonCode: 5051,
  CardHolderMessage: 'Недостаточно средств на карте',
  Token: null,
};
const AUTHORIZED = {
  ...ACCEPTED,
  TransactionId: 1000008,
  InvoiceId: '1234570',
  ConfirmDate: null,
  ConfirmDateIso: null,
  AuthCode: 'BZRE6E',
  Status: 'Authorized',
  StatusCode: 2,
};
const PAYOUT = {
  ...ACCEPTED,
  TransactionId: 1000012,
  Amount: 1,
  PaymentAmount: 1,
  InvoiceId: null,
  Description: null,
  AuthCode: '121999',
  IpAddress: null,
  Type: 2,
  Token: null,
};
const REFUND = {
  ...ACCEPTED,
  TransactionId: 1000011,
  Amount: 5,
  PaymentAmount: 5,
  AuthCode: null,
  OriginalTransactionId: 1000005,
  Type: 1,
  Token: null,
};
const INVALID = { Success: false, Message: 'Amount is required' };

const threeDs = (baseUrl: string) => ({
  TransactionId: 1000006,
  PaReq:
    'eyJ2IjoxLCJpZCI6Ijg1NmEzZTMzLTQwMTYtNDBmNy1iZGQ5LTU0NTc2NjhmNDg4NSIsImtpbmQiOiIzZHMiLCJhbW91bnQiOiIxMC4wMCIsImN1cnJlbmN5IjoiUlVCIn0.34gdkzonK5gjCK1yT6pYSzR3j_PqMW30ZTaASYAwIUg',
  GoReq: null,
  AcsUrl: `${baseUrl}/acs`,
  ThreeDsSessionData: null,
  IFrameIsAllowed: true,
  FrameWidth: null,
  FrameHeight: null,
  ThreeDsCallbackId: null,
  EscrowAccumulationId: null,
});

// ---- answers

const answer = (model?: Schema, description = 'Success reflects the request, not the transaction.'): Schema =>
  s.obj(
    { ...(model ? { Model: model } : {}), Success: s.bool(), Message: nullable(s.str('An error description, or null')) },
    ['Success', 'Message'],
    description,
  );

const errors = {
  401: json('No or wrong HTTP Basic credentials', s.ref('Answer'), {
    Success: false,
    Message: 'Authorization has been denied for this request.',
  }),
  429: json('More concurrent requests of this terminal than its limit (5 on test terminals)', s.ref('Answer'), {
    Success: false,
    Message: 'Too many requests: at most 5 concurrent requests per terminal',
  }),
};

const CARD_PARAMS: Record<string, Schema> = {
  Amount: s.num({ description: 'Payment amount (≥ 0.01, two decimals)', minimum: 0.01 }),
  Currency: s.str('RUB (default), USD, EUR, GBP, …'),
  IpAddress: s.str("The payer's IP address (documented as required; the documented example omits it)"),
  Name: s.str('Card holder name in Latin letters'),
  CardCryptogramPacket: s.str(
    "The card cryptogram: RSA PKCS#1 v1.5 over `PAN@YYMM@CVV@PublicId` with this gateway's key (`/payments/publickey`), legacy `01…` or base64 JSON as checkout.js makes it",
  ),
  InvoiceId: s.str('Invoice or order number'),
  Description: s.str('Payment description'),
  AccountId: s.str("The payer's id in your system"),
  Email: s.str('Receipt e-mail'),
  JsonData: s.any('Any data kept with the transaction (object or JSON string)'),
  CultureName: s.str('ru-RU, en-US, …'),
  Payer: s.map(s.any(), 'FirstName, LastName, MiddleName, Birth, Street, Address, City, Country, Phone, Postcode'),
};
const TOKEN_PARAMS: Record<string, Schema> = {
  Amount: CARD_PARAMS.Amount!,
  Currency: CARD_PARAMS.Currency!,
  AccountId: s.str('Must be the AccountId the token was issued for'),
  Token: s.str('The card token of an earlier payment'),
  TrInitiatorCode: s.enum([0, 1], '0 merchant-initiated, 1 cardholder-initiated'),
  PaymentScheduled: s.enum([0, 1], 'Scheduled (recurring) payment'),
  InvoiceId: CARD_PARAMS.InvoiceId!,
  Description: CARD_PARAMS.Description!,
  IpAddress: s.str(),
  Email: CARD_PARAMS.Email!,
  Name: s.str(),
  JsonData: CARD_PARAMS.JsonData!,
  CultureName: CARD_PARAMS.CultureName!,
  Payer: CARD_PARAMS.Payer!,
};
const SEED_PACKET =
  '01492500008719030128SMfLeYdKp5dSQVIiO5l6ZCJiPdel4uDjdFTTz1UnXY+3QaZcNOW8lmXg0H670MclS4lI+qLkujKF4pR5Ri+T/E04Ufq3t5ntMUVLuZ998DLm+OVHV7FxIGR7snckpg47A73v7/y88Q5dxxvVZtDVi0qCcJAiZrgKLyLCqypnMfhjsgCEPF6d4OMzkgNQiynZvKysI2q+xc9cL0+CMmQTUPytnxX52k9qLNZ55cnE8kuLvqSK+TOG7Fz03moGcVvbb9XTg1oTDL4pl9rgkG3XvvTJOwol3JDxL1i6x+VpaRxpLJg0Zd9/9xRJOBMGmwAxo8/xyvGuAj85sxLJL6fA==';

const api = (
  operationId: string,
  summary: string,
  description: string,
  tags: string[],
  body: { schema: Schema; example: unknown } | null,
  responses: Operation['responses'],
  extra: Partial<Operation> = {},
): PathItem => ({
  post: {
    operationId,
    summary,
    description: `${description}\n\n${CASE_NOTE}`,
    tags,
    parameters: [p.ref('XRequestId')],
    requestBody: jsonOrFormBody(body?.schema ?? s.obj({}), body?.example ?? {}),
    ...extra,
    responses: { ...responses, ...errors },
  },
});

const ok = json('Done: `{Success: true, Message: null}`; a refusal is `{Success: false, Message}` (HTTP 200)', s.ref('Answer'), {
  Success: true,
  Message: null,
});
const transaction = (example: unknown, description = 'The transaction; `Success` is true for Authorized and Completed, false otherwise') =>
  json(description, answer(s.ref('Transaction')), example);
const list = (schema: Schema, example: unknown) => json('The list', answer(s.arr(schema)), example);

// ---- notifications

const NOTIFICATION_COMMON: Record<string, Schema> = {
  TransactionId: s.str(),
  Amount: s.str('Decimal, `10.00`'),
  Currency: s.str(),
  PaymentAmount: s.str(),
  PaymentCurrency: s.str(),
  DateTime: s.str('`yyyy-MM-dd HH:mm:ss`, UTC'),
  CardId: s.str(),
  CardFirstSix: s.str(),
  CardLastFour: s.str(),
  CardType: s.str(),
  CardExpDate: s.str('MM/YY'),
  TestMode: s.enum(['1', '0']),
  Status: s.str('Completed or Authorized (Declined in Fail)'),
  OperationType: s.enum(['Payment', 'Refund', 'CardPayout']),
  InvoiceId: s.str(),
  AccountId: s.str(),
  SubscriptionId: s.str(),
  Name: s.str(),
  Email: s.str(),
  IpAddress: s.str(),
  Description: s.str(),
  Data: s.str('JsonData as JSON text'),
};
const notification = (
  type: string,
  description: string,
  fields: Record<string, Schema>,
  example: Record<string, string>,
  answerDescription = '`{"code":0}`: anything else (or no answer) is retried after 1, 2, 5, 10, 30 minutes, then every 30 minutes, up to 100 attempts',
): PathItem => ({
  post: {
    operationId: `notification${type}`,
    summary: `${type} notification`,
    description: `${description}\n\nSent as GET (fields in the query) or POST (a form) as the /site/notifications settings say (GET by default), in UTF-8 or Windows-1251. Headers: \`Content-HMAC\` = base64 HMAC-SHA256 with the API Secret over the raw body (or query), \`X-Content-HMAC\` = the same over its URL-decoded form.`,
    tags: ['Notifications'],
    parameters: [
      p.header('Content-HMAC', 'base64 HMAC-SHA256(API Secret, raw body or query)', s.str(), undefined, true),
      p.header('X-Content-HMAC', 'the same over the URL-decoded form', s.str(), undefined, true),
    ],
    requestBody: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: s.obj(fields, [Object.keys(fields)[0]!]), example } },
    },
    responses: {
      200: json(
        answerDescription,
        s.obj(
          { code: s.int(type === 'Check' ? '0 accept; 10 bad InvoiceId, 11 bad AccountId, 12 bad amount, 13 rejected, 20 expired' : '0') },
          ['code'],
        ),
        { code: 0 },
      ),
    },
  },
});
const commonExample = {
  TransactionId: '1000005',
  Amount: '10.00',
  Currency: 'RUB',
  PaymentAmount: '10.00',
  PaymentCurrency: 'RUB',
  DateTime: '2026-11-23 16:21:06',
  CardFirstSix: '400000',
  CardLastFour: '3055',
  CardType: 'Visa',
  CardExpDate: '12/30',
  TestMode: '1',
  Status: 'Completed',
  OperationType: 'Payment',
  InvoiceId: '1234567',
  AccountId: 'user_x',
  Name: 'CARDHOLDER NAME',
  Email: '',
  Description: 'Оплата товаров в example.com',
  Data: '',
};
const NOTIFICATIONS: Record<string, PathItem> = {
  Check: notification(
    'Check',
    'Before a payment is authorized (synchronously, 15 s): answer code 0 to accept; any other code, an error or no answer declines it.',
    { ...NOTIFICATION_COMMON, TokenRecipient: s.str() },
    commonExample,
    'The registration code: 0 accepts, 10/11/12/13/20 decline (ReasonCode 3001…3008); one attempt',
  ),
  Pay: notification(
    'Pay',
    'A payment (or a payout, OperationType CardPayout) succeeded.',
    {
      ...NOTIFICATION_COMMON,
      GatewayName: s.str(),
      AuthCode: s.str(),
      Token: s.str(),
      TotalFee: s.str(),
      Rrn: s.str(),
      FallBackScenarioDeclinedTransactionId: s.str(),
    },
    {
      ...commonExample,
      GatewayName: 'Polypay Sandbox',
      AuthCode: 'B4E7QV',
      Token: 'tk_7ffa04da953580bfc8b260fe393a6',
      TotalFee: '0',
      Rrn: '366117355019',
    },
  ),
  Fail: notification(
    'Fail',
    'A payment or payout was declined.',
    { ...NOTIFICATION_COMMON, Reason: s.str(), ReasonCode: s.str(), Token: s.str(), Rrn: s.str() },
    { ...commonExample, Status: 'Declined', Reason: 'InsufficientFunds', ReasonCode: '5051' },
  ),
  Confirm: notification(
    'Confirm',
    'A two-stage payment was confirmed.',
    { ...NOTIFICATION_COMMON, AuthCode: s.str(), Token: s.str(), Rrn: s.str() },
    { ...commonExample, AuthCode: 'BZRE6E' },
  ),
  Refund: notification(
    'Refund',
    'A refund was made.',
    {
      TransactionId: s.str('The refund'),
      PaymentTransactionId: s.str('The refunded payment'),
      Amount: s.str(),
      DateTime: s.str(),
      OperationType: s.enum(['Refund']),
      InvoiceId: s.str(),
      AccountId: s.str(),
      Email: s.str(),
      Data: s.str(),
      Rrn: s.str(),
    },
    {
      TransactionId: '1000011',
      PaymentTransactionId: '1000005',
      Amount: '5.00',
      DateTime: '2026-11-23 16:21:06',
      OperationType: 'Refund',
      InvoiceId: '1234567',
      AccountId: 'user_x',
      Email: '',
      Data: '',
      Rrn: '366117355019',
    },
  ),
  Recurrent: notification(
    'Recurrent',
    'A subscription changed status.',
    {
      Id: s.str(),
      AccountId: s.str(),
      Description: s.str(),
      Email: s.str(),
      Amount: s.str(),
      Currency: s.str(),
      RequireConfirmation: s.enum(['1', '0']),
      StartDate: s.str(),
      Interval: s.str(),
      Period: s.str(),
      Status: s.str(),
      SuccessfulTransactionsNumber: s.str(),
      FailedTransactionsNumber: s.str(),
      MaxPeriods: s.str(),
      LastTransactionDate: s.str(),
      NextTransactionDate: s.str(),
    },
    {
      Id: 'sc_ee45adf0574676231a33460098997',
      AccountId: 'user_x',
      Description: 'Monthly subscription',
      Email: 'user@example.com',
      Amount: '1.02',
      Currency: 'RUB',
      RequireConfirmation: '0',
      StartDate: '2031-01-01 10:00:00',
      Interval: 'Month',
      Period: '1',
      Status: 'PastDue',
      SuccessfulTransactionsNumber: '0',
      FailedTransactionsNumber: '1',
      MaxPeriods: '',
      LastTransactionDate: '2031-01-01 10:00:00',
      NextTransactionDate: '2031-01-02 10:00:00',
    },
  ),
  Cancel: notification(
    'Cancel',
    'An authorization was voided (or expired).',
    {
      TransactionId: s.str(),
      Amount: s.str(),
      DateTime: s.str(),
      InvoiceId: s.str(),
      AccountId: s.str(),
      Email: s.str(),
      Data: s.str(),
      Rrn: s.str(),
    },
    {
      TransactionId: '1000010',
      Amount: '10.00',
      DateTime: '2026-11-23 16:21:06',
      InvoiceId: '',
      AccountId: 'user_x',
      Email: '',
      Data: '',
      Rrn: '851739921759',
    },
  ),
};

const page = (operationId: string, summary: string, description: string, method: 'get' | 'post'): Operation => ({
  operationId,
  summary,
  description,
  tags: ['Orders'],
  security: [],
  parameters: [p.path('id', 'The order Id', 'mPWaiFryhGs61Bpk')],
  ...(method === 'post'
    ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: s.map(s.str(), 'form fields') } } } }
    : {}),
  responses: {
    200: { description: 'An HTML page', content: { 'text/html': { schema: s.str() } } },
    303: { description: 'Redirect to SuccessRedirectUrl / FailRedirectUrl' },
    404: { description: 'Unknown order' },
  },
  'x-polypay-browser': true,
});

export function cloudpaymentsOpenApi(baseUrl: string, prefix: string): OpenApiDocument {
  const base = `${baseUrl}${prefix}`;
  const today = '2026-11-23';
  const chargeResponses = {
    200: jsonExamples(
      'Accepted (`Success: true`), 3-D Secure needed (`Success: false`, Model with `PaReq` and `AcsUrl`, no `ReasonCode`), declined (`Success: false`, Model with `ReasonCode`), or a bad request (`Success: false` and `Message`, no Model)',
      answer(s.oneOf([s.ref('Transaction'), s.ref('ThreeDs')])),
      {
        accepted: { summary: 'Accepted', value: { Model: ACCEPTED, Success: true, Message: null } },
        threeDs: { summary: '3-D Secure needed', value: { Model: threeDs(baseUrl), Success: false, Message: null } },
        declined: { summary: 'Declined', value: { Model: DECLINED, Success: false, Message: null } },
        invalid: { summary: 'Bad request', value: INVALID },
      },
    ),
  };
  const cardCharge = {
    schema: s.obj(CARD_PARAMS, ['Amount', 'CardCryptogramPacket']),
    example: {
      Amount: 10,
      Currency: 'RUB',
      InvoiceId: '1234567',
      Description: 'Оплата товаров в example.com',
      AccountId: 'user_x',
      Name: 'CARDHOLDER NAME',
      CardCryptogramPacket: SEED_PACKET,
    },
  };
  const tokenCharge = {
    schema: s.obj(TOKEN_PARAMS, ['Amount', 'AccountId', 'Token']),
    example: {
      Amount: 5,
      Currency: 'RUB',
      AccountId: 'user_x',
      Token: 'tk_7ffa04da953580bfc8b260fe393a6',
      TrInitiatorCode: 0,
      InvoiceId: 'tok-1',
    },
  };
  const byId = (description = 'Transaction number') => ({
    schema: s.obj({ TransactionId: s.int(description) }, ['TransactionId']),
    example: { TransactionId: 1000005 },
  });
  const subId = { schema: s.obj({ Id: s.str('Subscription id, `sc_…`') }, ['Id']), example: { Id: 'sc_ee45adf0574676231a33460098997' } };
  const subscription = {
    Id: 'sc_ee45adf0574676231a33460098997',
    AccountId: 'user_x',
    Description: 'Monthly subscription',
    Email: 'user@example.com',
    Amount: 1.02,
    CurrencyCode: 0,
    Currency: 'RUB',
    RequireConfirmation: false,
    StartDate: '/Date(1925028000000)/',
    StartDateIso: '2031-01-01T10:00:00',
    IntervalCode: 1,
    Interval: 'Month',
    Period: 1,
    MaxPeriods: null,
    CultureName: null,
    StatusCode: 0,
    Status: 'Active',
    SuccessfulTransactionsNumber: 0,
    FailedTransactionsNumber: 0,
    LastTransactionDate: null,
    LastTransactionDateIso: null,
    NextTransactionDate: '/Date(1925028000000)/',
    NextTransactionDateIso: '2031-01-01T10:00:00',
    Receipt: null,
    FailoverSchemeId: null,
  };
  const subscriptionParams: Record<string, Schema> = {
    Token: s.str('Card token'),
    AccountId: s.str('The payer the token belongs to'),
    Description: s.str(),
    Email: s.str(),
    Amount: s.num({ minimum: 0.01 }),
    Currency: s.str(),
    RequireConfirmation: s.bool('Two-stage payments (also spelled RequireConfiramtion, as the Python client does)'),
    StartDate: s.str('First payment, UTC (ISO 8601)'),
    Interval: s.enum(['Day', 'Week', 'Month']),
    Period: s.int({ minimum: 1, description: 'Intervals between payments' }),
    MaxPeriods: s.int({ minimum: 1, description: 'Payments before the subscription ends' }),
    CustomerReceipt: s.any('Receipt for CloudKassir'),
    CultureName: s.str(),
  };
  const order = {
    Id: 'mPWaiFryhGs61Bpk',
    Number: 1000014,
    Amount: 10,
    Currency: 'RUB',
    CurrencyCode: 0,
    Email: 'client@example.com',
    Phone: null,
    Description: 'Payment for order 1234567',
    RequireConfirmation: true,
    Url: `${base}/orders/mPWaiFryhGs61Bpk`,
    CultureName: null,
    CreatedDate: '/Date(1795450866913)/',
    CreatedDateIso: '2026-11-23T16:21:06',
    PaymentDate: null,
    PaymentDateIso: null,
    StatusCode: 0,
    Status: 'Created',
    InternalId: 1000014,
  };
  const notificationType = p.path(
    'type',
    'Notification type, case-insensitive: check, pay, fail, confirm, refund, recurrent, cancel',
    'pay',
    s.str(),
  );
  const notificationCallbacks: Operation['callbacks'] = Object.fromEntries(
    Object.entries(NOTIFICATIONS).map(([k, v]) => [k, { '{$request.body#/Address}': callbackOf(v, 'updateNotifications') }]),
  );

  return {
    openapi: '3.0.3',
    info: {
      title: 'CloudPayments API',
      version: '1.0',
      description: [
        'The CloudPayments API as `api.cloudpayments.ru` serves it, wire-compatible with the npm `cloudpayments` client. Every method is POST (a few also GET) with a JSON or form body; answers are JSON with `Success`, `Message` and, where relevant, `Model`. `Success` reflects the request, not the transaction: a declined payment is `Success: false` with a Model.',
        '',
        '**Authentication**: HTTP Basic with the Public ID as user name and the API Secret as password; missing or wrong credentials get HTTP 401. `/test` and `/payments/publickey` need none.',
        '',
        '**Idempotency**: send `X-Request-ID`; a successful answer is kept for an hour and replayed byte for byte, failures are not kept.',
        '',
        CASE_NOTE,
      ].join('\n'),
    },
    servers: [{ url: base, description: 'This gateway' }],
    tags: [
      { name: 'Service', description: "Ping, the gateway's cryptogram key, the checkout script" },
      { name: 'Payments', description: 'Cryptogram and token payments, 3-D Secure, two-stage confirmation, void, refund' },
      { name: 'Payouts', description: "Payouts to a card from the merchant's balance" },
      { name: 'Transactions', description: 'Reading transactions, tokens and chargebacks' },
      { name: 'Subscriptions', description: 'Recurring payments' },
      { name: 'Orders', description: 'Invoices with a hosted payment page' },
      { name: 'Notifications', description: 'Notification settings, and the notifications themselves' },
      { name: 'Receipts', description: 'CloudKassir' },
    ],
    security: [{ basic: [] }],
    paths: {
      '/test': {
        post: {
          operationId: 'test',
          summary: 'Test method',
          description: "Checks the connection; needs no authentication (the npm client's ping sends none). The Message is a fresh GUID.",
          tags: ['Service'],
          security: [],
          responses: { 200: json('Alive', s.ref('Answer'), { Success: true, Message: 'b3458bfb-383c-4435-a977-cd1d75739088' }) },
        },
        get: {
          operationId: 'testGet',
          summary: 'Test method (GET)',
          description: 'The same as POST /test.',
          tags: ['Service'],
          security: [],
          responses: { 200: json('Alive', s.ref('Answer'), { Success: true, Message: 'b3458bfb-383c-4435-a977-cd1d75739088' }) },
        },
      },
      '/payments/publickey': {
        get: {
          operationId: 'publicKey',
          summary: 'Cryptogram public key',
          description:
            "The gateway's RSA key that card cryptograms must be encrypted to (CloudPayments' own packets are encrypted to CloudPayments' key and cannot be read here). No authentication.",
          tags: ['Service'],
          security: [],
          responses: {
            200: json('The key', s.obj({ Pem: s.str('SPKI PEM'), Version: s.int('Key version') }, 'all'), {
              Pem: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtItnHAnDPSA6tJCusMDH\n…\n-----END PUBLIC KEY-----\n',
              Version: 1,
            }),
          },
        },
        post: {
          operationId: 'publicKeyPost',
          summary: 'Cryptogram public key (POST)',
          description: 'The same as GET.',
          tags: ['Service'],
          security: [],
          responses: {
            200: json('The key', s.obj({ Pem: s.str(), Version: s.int() }, 'all'), {
              Pem: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n',
              Version: 1,
            }),
          },
        },
      },
      '/checkout.js': {
        get: {
          operationId: 'checkoutScript',
          summary: 'Checkout script',
          description:
            'A drop-in for `https://checkout.cloudpayments.ru/checkout.js`: `new cp.Checkout({publicId}).createPaymentCryptogram({cvv, cardNumber, expDateMonth, expDateYear})` makes cryptograms for this gateway.',
          tags: ['Service'],
          security: [],
          responses: { 200: { description: 'JavaScript', content: { 'application/javascript': { schema: s.str() } } } },
          'x-polypay-browser': true,
        },
      },
      '/payments/cards/charge': api(
        'chargeByCryptogram',
        'Payment by cryptogram (one-stage)',
        'Charges a card from its cryptogram. The transaction is Completed at once, or awaits 3-D Secure (answer with `AcsUrl`), or is declined.',
        ['Payments'],
        cardCharge,
        chargeResponses,
      ),
      '/payments/cards/auth': api(
        'authByCryptogram',
        'Payment by cryptogram (two-stage)',
        'Authorizes (holds) the amount; confirm it with /payments/confirm or release it with /payments/void.',
        ['Payments'],
        cardCharge,
        {
          200: jsonExamples(
            'As for the one-stage payment; an accepted authorization is `Authorized`',
            answer(s.oneOf([s.ref('Transaction'), s.ref('ThreeDs')])),
            {
              authorized: { summary: 'Authorized', value: { Model: AUTHORIZED, Success: true, Message: null } },
              invalid: { summary: 'Bad request', value: INVALID },
            },
          ),
        },
      ),
      '/payments/cards/post3ds': api(
        'post3ds',
        'Complete 3-D Secure',
        'After the ACS posted `MD` and `PaRes` to your TermUrl: `TransactionId` = MD. Answers the accepted or declined transaction.',
        ['Payments'],
        {
          schema: s.obj({ TransactionId: s.int('= MD'), PaRes: s.str('From the ACS') }, 'all'),
          example: { TransactionId: 1000006, PaRes: 'eyJ2IjoxLCJpZCI6Ijg1NmEzZTMz…' },
        },
        { 200: transaction({ Model: ACCEPTED, Success: true, Message: null }) },
      ),
      '/payments/tokens/charge': api(
        'chargeByToken',
        'Payment by token (one-stage)',
        'Charges a saved card (the `Token` of an earlier accepted payment) without 3-D Secure.',
        ['Payments'],
        tokenCharge,
        {
          200: transaction({
            Model: {
              ...ACCEPTED,
              TransactionId: 1000009,
              Amount: 5,
              PaymentAmount: 5,
              InvoiceId: 'tok-1',
              Description: null,
              IpAddress: null,
            },
            Success: true,
            Message: null,
          }),
        },
      ),
      '/payments/tokens/auth': api('authByToken', 'Payment by token (two-stage)', 'Authorizes a saved card.', ['Payments'], tokenCharge, {
        200: transaction({ Model: AUTHORIZED, Success: true, Message: null }),
      }),
      '/payments/confirm': api(
        'confirm',
        'Confirm a two-stage payment',
        'Captures all of an authorization, or part of it with `Amount`.',
        ['Payments'],
        {
          schema: s.obj({ TransactionId: s.int(), Amount: s.num('Part to capture (default: all)'), JsonData: s.any() }, ['TransactionId']),
          example: { TransactionId: 1000008, Amount: 10 },
        },
        { 200: ok },
      ),
      '/payments/void': api('void', 'Void a payment', 'Releases an authorization.', ['Payments'], byId(), { 200: ok }),
      '/payments/refund': api(
        'refund',
        'Refund',
        'Refunds all or part of a completed payment; the refund is a transaction of its own (Type 1). Refused for transactions older than a year.',
        ['Payments'],
        {
          schema: s.obj({ TransactionId: s.int(), Amount: s.num('Part to refund (default: all)'), JsonData: s.any() }, ['TransactionId']),
          example: { TransactionId: 1000005, Amount: 5 },
        },
        {
          200: json('The refund transaction', answer(s.obj({ TransactionId: s.int() }, 'all')), {
            Model: { TransactionId: 1000011 },
            Success: true,
            Message: null,
          }),
        },
      ),
      '/payments/cards/topup': api(
        'topupByCryptogram',
        'Payout by cryptogram',
        "Pays out to a card from the merchant's balance (Type 2).",
        ['Payouts'],
        {
          schema: s.obj({ ...CARD_PARAMS, Receiver: s.map(s.any(), 'Receiver details') }, ['Amount', 'CardCryptogramPacket']),
          example: { Amount: 1, Currency: 'RUB', AccountId: 'user_x', Name: 'CARDHOLDER NAME', CardCryptogramPacket: SEED_PACKET },
        },
        { 200: transaction({ Model: PAYOUT, Success: true, Message: null }, 'The payout: Completed, Declined, or still in process') },
      ),
      '/payments/token/topup': {
        ...api(
          'topupByToken',
          'Payout by token',
          'Pays out to a saved card. The npm client requests `/payments/token/topup ` with a trailing space; that path is served too.',
          ['Payouts'],
          {
            schema: s.obj(
              {
                Token: s.str(),
                AccountId: s.str(),
                Amount: s.num(),
                Currency: s.str(),
                InvoiceId: s.str(),
                Description: s.str(),
                Email: s.str(),
                Name: s.str(),
                JsonData: s.any(),
                Payer: s.map(s.any()),
                Receiver: s.map(s.any()),
              },
              ['Token', 'AccountId', 'Amount'],
            ),
            example: { Amount: 1, Currency: 'RUB', AccountId: 'user_x', Token: 'tk_7ffa04da953580bfc8b260fe393a6' },
          },
          {
            200: transaction(
              { Model: { ...PAYOUT, TransactionId: 1000013, AuthCode: '095159', Name: 'CARDHOLDER NAME' }, Success: true, Message: null },
              'The payout',
            ),
          },
        ),
        'x-polypay-aliases': ['/payments/token/topup '],
      },
      '/payments/get': api(
        'getTransaction',
        'Get a transaction',
        'A payment, refund or payout by number. An unknown number answers `{Success: false, Message: "Not found"}`.',
        ['Transactions'],
        byId(),
        {
          200: jsonExamples('The transaction (`Success` true for Authorized and Completed), or Not found', answer(s.ref('Transaction')), {
            found: { summary: 'Found', value: { Model: ACCEPTED, Success: true, Message: null } },
            notFound: { summary: 'Not found', value: { Success: false, Message: 'Not found' } },
          }),
        },
      ),
      '/payments/find': api(
        'findTransaction',
        'Find a payment by InvoiceId',
        'The latest payment with the invoice number.',
        ['Transactions'],
        { schema: s.obj({ InvoiceId: s.str() }, ['InvoiceId']), example: { InvoiceId: '1234567' } },
        { 200: transaction({ Model: ACCEPTED, Success: true, Message: null }) },
      ),
      '/v2/payments/find': api(
        'findTransactionV2',
        'Find an operation by InvoiceId (v2)',
        'The latest operation of the invoice: payments, refunds and payouts.',
        ['Transactions'],
        { schema: s.obj({ InvoiceId: s.str() }, ['InvoiceId']), example: { InvoiceId: '1234567' } },
        { 200: transaction({ Model: REFUND, Success: true, Message: null }) },
      ),
      '/payments/list': api(
        'listTransactions',
        'List payments of a day',
        'Payments created on a date, oldest first, with the `…Iso` dates in the time zone.',
        ['Transactions'],
        {
          schema: s.obj({ Date: s.str({ format: 'date' }), TimeZone: s.enum(Object.keys(TIME_ZONES), 'Time zone code (default UTC)') }, [
            'Date',
          ]),
          example: { Date: today, TimeZone: 'MSK' },
        },
        {
          200: list(s.ref('Transaction'), {
            Model: [
              {
                ...ACCEPTED,
                CreatedDateIso: '2026-11-23T19:21:06',
                AuthDateIso: '2026-11-23T19:21:06',
                ConfirmDateIso: '2026-11-23T19:21:06',
              },
            ],
            Success: true,
            Message: null,
          }),
        },
      ),
      '/v2/payments/list': api(
        'listTransactionsV2',
        'List payments (v2)',
        'Payments created in a period, 100 per page, oldest first, optionally by status.',
        ['Transactions'],
        {
          schema: s.obj(
            {
              CreatedDateGte: s.str('From (inclusive)'),
              CreatedDateLte: s.str('To (inclusive)'),
              PageNumber: s.int({ minimum: 1 }),
              TimeZone: s.enum(Object.keys(TIME_ZONES)),
              Statuses: s.arr(s.enum(['AwaitingAuthentication', 'Authorized', 'Completed', 'Cancelled', 'Declined'])),
            },
            ['CreatedDateGte', 'CreatedDateLte'],
          ),
          example: { CreatedDateGte: today, CreatedDateLte: today, PageNumber: 1, Statuses: ['Completed'] },
        },
        { 200: list(s.ref('Transaction'), { Model: [ACCEPTED], Success: true, Message: null }) },
      ),
      '/payments/tokens/list': api(
        'listTokens',
        'List card tokens',
        "The merchant's saved cards.",
        ['Transactions'],
        { schema: s.obj({ PageNumber: s.int({ minimum: 1 }) }), example: {} },
        {
          200: list(s.ref('TokenInfo'), {
            Model: [
              {
                Token: 'tk_7ffa04da953580bfc8b260fe393a6',
                AccountId: 'user_x',
                CardMask: '4000 00****** 3055',
                ExpirationDateMonth: 12,
                ExpirationDateYear: 2030,
              },
            ],
            Success: true,
            Message: null,
          }),
        },
      ),
      '/chargebacks/list': api(
        'listChargebacks',
        'List chargebacks',
        'The sandbox network raises no chargebacks: always an empty list.',
        ['Transactions'],
        {
          schema: s.obj({ CreatedDateGte: s.str(), CreatedDateLte: s.str(), PageNumber: s.int() }),
          example: { CreatedDateGte: today, CreatedDateLte: today },
        },
        { 200: list(s.map(), { Model: [], Success: true, Message: null }) },
      ),
      '/subscriptions/create': api(
        'createSubscription',
        'Create a subscription',
        "Recurring payments with a saved card, charged by the gateway's scheduler on its clock.",
        ['Subscriptions'],
        {
          schema: s.obj(subscriptionParams, ['Token', 'AccountId', 'Description', 'Amount', 'StartDate', 'Interval', 'Period']),
          example: {
            Token: 'tk_7ffa04da953580bfc8b260fe393a6',
            AccountId: 'user_x',
            Description: 'Monthly subscription',
            Email: 'user@example.com',
            Amount: 1.02,
            Currency: 'RUB',
            RequireConfirmation: false,
            StartDate: '2031-01-01T10:00:00',
            Interval: 'Month',
            Period: 1,
          },
        },
        {
          200: json('The subscription', answer(s.ref('Subscription')), { Model: subscription, Success: true, Message: null }),
        },
      ),
      '/subscriptions/get': api('getSubscription', 'Get a subscription', 'One subscription.', ['Subscriptions'], subId, {
        200: json('The subscription', answer(s.ref('Subscription')), { Model: subscription, Success: true, Message: null }),
      }),
      '/subscriptions/find': api(
        'findSubscriptions',
        'Find subscriptions',
        'The subscriptions of a payer (the npm client sends `accountId`: names are case-insensitive).',
        ['Subscriptions'],
        { schema: s.obj({ AccountId: s.str() }, ['AccountId']), example: { AccountId: 'user_x' } },
        { 200: list(s.ref('Subscription'), { Model: [subscription], Success: true, Message: null }) },
      ),
      '/subscriptions/update': api(
        'updateSubscription',
        'Update a subscription',
        'Changes any field; updating re-activates a cancelled, rejected or expired subscription.',
        ['Subscriptions'],
        {
          schema: s.obj({ Id: s.str(), ...subscriptionParams }, ['Id']),
          example: { Id: 'sc_ee45adf0574676231a33460098997', Amount: 2, MaxPeriods: 12 },
        },
        {
          200: json('The subscription', answer(s.ref('Subscription')), {
            Model: { ...subscription, Amount: 2, MaxPeriods: 12 },
            Success: true,
            Message: null,
          }),
        },
      ),
      '/subscriptions/cancel': api('cancelSubscription', 'Cancel a subscription', 'Stops the payments.', ['Subscriptions'], subId, {
        200: ok,
      }),
      '/orders/create': api(
        'createOrder',
        'Create an order',
        'An invoice with a hosted card page at `Model.Url` (3-D Secure included), then a redirect to SuccessRedirectUrl / FailRedirectUrl.',
        ['Orders'],
        {
          schema: s.obj(
            {
              Amount: s.num({ minimum: 0.01 }),
              Currency: s.str(),
              Description: s.str(),
              Email: s.str(),
              RequireConfirmation: s.bool(),
              SendEmail: s.bool(),
              InvoiceId: s.str(),
              AccountId: s.str(),
              OfferUri: s.str(),
              Phone: s.str(),
              SendSms: s.bool(),
              SendViber: s.bool(),
              CultureName: s.str(),
              SubscriptionBehavior: s.enum(['CreateWeekly', 'CreateMonthly']),
              SuccessRedirectUrl: s.str({ format: 'uri' }),
              FailRedirectUrl: s.str({ format: 'uri' }),
              JsonData: s.any(),
            },
            ['Amount', 'Description'],
          ),
          example: {
            Amount: 10,
            Currency: 'RUB',
            Description: 'Payment for order 1234567',
            Email: 'client@example.com',
            RequireConfirmation: true,
            SendEmail: false,
          },
        },
        { 200: json('The order', answer(s.ref('Order')), { Model: order, Success: true, Message: null }) },
      ),
      '/orders/cancel': api(
        'cancelOrder',
        'Cancel an order',
        'An unpaid order can no longer be paid.',
        ['Orders'],
        { schema: s.obj({ Id: s.str() }, ['Id']), example: { Id: 'mPWaiFryhGs61Bpk' } },
        { 200: ok },
      ),
      '/orders/{id}': {
        get: page('openOrder', 'Order page (payer page)', 'The hosted card form of an order.', 'get'),
        post: page('submitOrder', 'Order page: card data (payer page)', 'The card form posts here.', 'post'),
      },
      '/orders/{id}/3ds': {
        post: page('orderTermUrl', 'Order page: 3-D Secure return (payer page)', 'TermUrl of the order page.', 'post'),
      },
      '/site/notifications/{type}/get': api(
        'getNotifications',
        'Notification settings',
        'The settings of one notification type.',
        ['Notifications'],
        null,
        {
          200: json('The settings', answer(s.ref('NotificationSettings')), {
            Model: { IsEnabled: false, Address: null, HttpMethod: 'GET', Encoding: 'UTF8', Format: 'CloudPayments' },
            Success: true,
            Message: null,
          }),
        },
        { parameters: [notificationType, p.ref('XRequestId')] },
      ),
      '/site/notifications/{type}/update': api(
        'updateNotifications',
        'Change notification settings',
        "Turns a notification on or off and sets its address, method, encoding and format. Check can only be set in the merchant's seed file.",
        ['Notifications'],
        {
          schema: s.obj({
            IsEnabled: s.bool(),
            Address: s.str({ format: 'uri' }),
            HttpMethod: s.enum(['GET', 'POST']),
            Encoding: s.enum(['UTF8', 'Windows1251']),
            Format: s.enum(['CloudPayments', 'QIWI', 'RT']),
          }),
          example: {
            IsEnabled: true,
            Address: 'https://example.com/cp/pay',
            HttpMethod: 'POST',
            Encoding: 'UTF8',
            Format: 'CloudPayments',
          },
        },
        { 200: ok },
        { parameters: [notificationType, p.ref('XRequestId')], callbacks: notificationCallbacks },
      ),
      '/kkt/receipt': api(
        'createReceipt',
        'CloudKassir receipt',
        'Validates a receipt and answers Queued.',
        ['Receipts'],
        {
          schema: s.obj(
            {
              Inn: s.str({ pattern: '^\\d{10}(\\d{2})?$' }),
              Type: s.enum(['Income', 'IncomeReturn', 'Expense', 'ExpenseReturn']),
              InvoiceId: s.str(),
              AccountId: s.str(),
              CustomerReceipt: s.obj(
                {
                  Items: s.arr(
                    s.obj(
                      {
                        label: s.str(),
                        price: s.num(),
                        quantity: s.num(),
                        amount: s.num(),
                        vat: nullable(s.num()),
                        ean13: nullable(s.str()),
                      },
                      ['label', 'price', 'quantity', 'amount'],
                    ),
                  ),
                  taxationSystem: s.int(),
                  email: s.str(),
                  phone: s.str(),
                },
                ['Items'],
              ),
            },
            ['Inn', 'Type', 'CustomerReceipt'],
          ),
          example: {
            Inn: '7708806063',
            Type: 'Income',
            CustomerReceipt: {
              Items: [{ label: 'Товар', price: 100, quantity: 1, amount: 100, vat: 20 }],
              taxationSystem: 0,
              email: 'client@example.com',
            },
          },
        },
        {
          200: json(
            'Queued',
            s.obj(
              {
                Model: s.obj({ Id: s.str(), ErrorCode: s.int(), ReceiptLocalUrl: nullable(s.str()) }, 'all'),
                InnerResult: nullable(s.str()),
                Success: s.bool(),
                Message: nullable(s.str()),
              },
              ['Success', 'Message'],
            ),
            {
              Model: { Id: '8cf54ff2-3fa0-4426-843d-26bca62a8973', ErrorCode: 0, ReceiptLocalUrl: null },
              InnerResult: null,
              Success: true,
              Message: 'Queued',
            },
          ),
        },
      ),
      '/kkt/receipt/get': api(
        'getReceipt',
        'CloudKassir receipt by Id',
        "The receipt `/kkt/receipt` made (its Id from that answer): the contents as sent and `AdditionalData`, whose fiscal numbers are null because the sandbox registers no receipt with a tax authority. An unknown Id, or another terminal's, is `Not found`.",
        ['Receipts'],
        { schema: s.obj({ Id: s.str() }, ['Id']), example: { Id: '8cf54ff2-3fa0-4426-843d-26bca62a8973' } },
        {
          200: json(
            'The receipt, or Not found',
            s.obj(
              {
                Model: nullable(
                  s.obj({
                    Email: nullable(s.str()),
                    Phone: nullable(s.str()),
                    Items: s.arr(s.obj({ Label: s.str(), Price: s.num(), Quantity: s.num(), Amount: s.num(), Vat: nullable(s.num()) })),
                    TaxationSystem: nullable(s.int()),
                    IsBso: s.bool(),
                    AdditionalData: s.obj({
                      Id: s.str(),
                      Amount: nullable(s.num()),
                      OrganizationInn: s.str(),
                      Type: s.str(),
                      DateTime: s.str(),
                    }),
                  }),
                ),
                InnerResult: nullable(s.str()),
                Success: s.bool(),
                Message: nullable(s.str()),
              },
              ['Success', 'Message'],
            ),
            { Success: false, Message: 'Not found' },
          ),
        },
      ),
    },
    components: {
      securitySchemes: { basic: { type: 'http', scheme: 'basic', description: 'User name: Public ID (`pk_…`); password: API Secret.' } },
      parameters: {
        XRequestId: p.header(
          'X-Request-ID',
          'Idempotency key: a successful answer is kept for an hour and replayed',
          s.str({ maxLength: 200 }),
        ),
      },
      schemas: {
        Answer: s.obj({ Success: s.bool(), Message: nullable(s.str()) }, 'all'),
        Transaction: transactionSchema(),
        ThreeDs: s.obj(
          Object.fromEntries(
            THREE_DS_KEYS.map((k) => [
              k,
              k === 'TransactionId'
                ? s.int('= MD')
                : k === 'IFrameIsAllowed'
                  ? s.bool()
                  : k === 'FrameWidth' || k === 'FrameHeight'
                    ? nullable(s.int())
                    : k === 'PaReq' || k === 'AcsUrl'
                      ? s.str(k === 'AcsUrl' ? 'POST PaReq, MD and TermUrl here' : 'For the ACS')
                      : nullable(s.str()),
            ]),
          ),
          'all',
          "3-D Secure is needed: post `PaReq`, `MD` (= TransactionId) and `TermUrl` to `AcsUrl` from the payer's browser. No `ReasonCode`: that is how clients tell it from a decline.",
        ),
        TokenInfo: s.obj(
          { Token: s.str(), AccountId: s.str(), CardMask: s.str(), ExpirationDateMonth: s.int(), ExpirationDateYear: s.int() },
          'all',
        ),
        Subscription: s.obj(
          Object.fromEntries(
            SUBSCRIPTION_KEYS.map((k) => {
              const t: Schema = ['Amount'].includes(k)
                ? s.num()
                : [
                      'CurrencyCode',
                      'IntervalCode',
                      'Period',
                      'StatusCode',
                      'SuccessfulTransactionsNumber',
                      'FailedTransactionsNumber',
                    ].includes(k)
                  ? s.int()
                  : k === 'MaxPeriods'
                    ? nullable(s.int())
                    : k === 'RequireConfirmation'
                      ? s.bool()
                      : k === 'Receipt'
                        ? s.any()
                        : ['Id', 'AccountId', 'Description', 'Currency', 'StartDate', 'StartDateIso', 'Interval', 'Status'].includes(k)
                          ? s.str()
                          : nullable(s.str());
              return [
                k,
                k === 'Status'
                  ? { ...t, description: 'Active, PastDue, Cancelled, Rejected, Expired' }
                  : k === 'CurrencyCode'
                    ? nullable(t)
                    : t,
              ];
            }),
          ),
          'all',
        ),
        Order: s.obj(
          Object.fromEntries(
            ORDER_KEYS.map((k) => [
              k,
              ['Number', 'InternalId', 'StatusCode'].includes(k)
                ? s.int()
                : k === 'CurrencyCode'
                  ? nullable(s.int())
                  : k === 'Amount'
                    ? s.num()
                    : k === 'RequireConfirmation'
                      ? s.bool()
                      : ['Id', 'Currency', 'Description', 'Url', 'CreatedDate', 'CreatedDateIso', 'Status'].includes(k)
                        ? s.str()
                        : nullable(s.str()),
            ]),
          ),
          'all',
        ),
        NotificationSettings: s.obj(
          {
            IsEnabled: s.bool(),
            Address: nullable(s.str()),
            HttpMethod: s.enum(['GET', 'POST']),
            Encoding: s.enum(['UTF8', 'Windows1251']),
            Format: s.enum(['CloudPayments', 'QIWI', 'RT']),
          },
          'all',
        ),
      },
    },
    'x-webhooks': NOTIFICATIONS,
  };
}

/** The reference page's credentials panel: HTTP Basic `PublicId:ApiSecret`. */
export function cloudpaymentsConnectionFields(c: Record<string, string> | undefined): ConnectionField[] {
  return [
    { name: 'publicId', label: 'Public ID', value: c?.publicId ?? '' },
    { name: 'apiSecret', label: 'API Secret', value: c?.apiSecret ?? '', secret: true, hint: 'HTTP Basic `PublicId:ApiSecret`.' },
  ];
}
