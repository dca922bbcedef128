// The Transaction Model of CloudPayments (every key always present, null where empty: real clients read them with
// dict[...] and `Reflect.has`), built from one description of a transaction, and the 3-D Secure Model. The
// models of payments and refunds are in wire/payment.ts, of payouts in wire/payout.ts.
import type { Json, JsonObject, Payment } from '../../../core/model.js';
import type { CpStatus, ReasonFields } from '../wire.js';
import { amountNumber, cardExpDate, cardType, cardTypeCode, cpDate, cpIso, currencyCode } from './formats.js';

/** Every key of the Transaction Model, in the order we emit them. */
export const TRANSACTION_KEYS = [
  'TransactionId',
  'Amount',
  'Currency',
  'CurrencyCode',
  'PaymentAmount',
  'PaymentCurrency',
  'PaymentCurrencyCode',
  'InvoiceId',
  'AccountId',
  'Email',
  'Description',
  'JsonData',
  'CreatedDate',
  'CreatedDateIso',
  'PayoutDate',
  'PayoutDateIso',
  'PayoutAmount',
  'AuthDate',
  'AuthDateIso',
  'ConfirmDate',
  'ConfirmDateIso',
  'AuthCode',
  'TestMode',
  'Rrn',
  'OriginalTransactionId',
  'FallBackScenarioDeclinedTransactionId',
  'IpAddress',
  'IpCountry',
  'IpCity',
  'IpRegion',
  'IpDistrict',
  'IpLatitude',
  'IpLongitude',
  'CardFirstSix',
  'CardLastFour',
  'CardExpDate',
  'CardType',
  'CardProduct',
  'CardCategory',
  'EscrowAccumulationId',
  'CardTypeCode',
  'Issuer',
  'IssuerBankCountry',
  'Status',
  'StatusCode',
  'CultureName',
  'Reason',
  'ReasonCode',
  'CardHolderMessage',
  'Type',
  'Refunded',
  'Name',
  'Token',
  'SubscriptionId',
  'GatewayName',
  'AndroidPay',
  'WalletType',
  'TotalFee',
  'VatAboveTotalFee',
  'ProcessorAndPartnerFee',
  'VatWithinProcessorFee',
  'PublicId',
  'TerminalUrl',
] as const;

export type TransactionModel = Record<(typeof TRANSACTION_KEYS)[number], Json>;

/** Every key of the 3-D Secure Model (no ReasonCode: clients tell 3-D Secure from a decline by it). */
export const THREE_DS_KEYS = [
  'TransactionId',
  'PaReq',
  'GoReq',
  'AcsUrl',
  'ThreeDsSessionData',
  'IFrameIsAllowed',
  'FrameWidth',
  'FrameHeight',
  'ThreeDsCallbackId',
  'EscrowAccumulationId',
] as const;

export const GATEWAY_NAME = 'Polypay Sandbox';

export interface WireContext {
  publicId: string;
  /** time-zone offset for the …Iso twins (lists with TimeZone); UTC by default */
  offsetMinutes?: number;
}

/** Face fields a payment keeps in its metadata. */
export interface CpPaymentMeta {
  name?: string | null;
  jsonData?: Json;
  cultureName?: string | null;
  token?: string | null;
  subscriptionId?: string | null;
  orderId?: string | null;
  checkReasonCode?: number;
}

export function meta(p: { metadata: JsonObject }): CpPaymentMeta {
  return p.metadata as CpPaymentMeta;
}

export interface ModelInput {
  id: number;
  amount: bigint;
  currency: string;
  invoiceId: string | null;
  accountId: string | null;
  email: string | null;
  description: string | null;
  jsonData: Json;
  createdAt: number;
  authorizedAt: number | null;
  confirmedAt: number | null;
  authCode: string | null;
  rrn: string | null;
  originalId: number | null;
  ip: string | null;
  card: Payment['card'];
  status: CpStatus;
  culture: string | null;
  reason: ReasonFields;
  type: 0 | 1 | 2;
  refunded: boolean;
  name: string | null;
  token: string | null;
  subscriptionId: string | null;
  testMode: boolean;
}

export function transactionModel(i: ModelInput, w: WireContext): TransactionModel {
  const off = w.offsetMinutes ?? 0;
  const amount = amountNumber(i.amount, i.currency);
  const code = currencyCode(i.currency);
  return {
    TransactionId: i.id,
    Amount: amount,
    Currency: i.currency,
    CurrencyCode: code,
    PaymentAmount: amount,
    PaymentCurrency: i.currency,
    PaymentCurrencyCode: code,
    InvoiceId: i.invoiceId,
    AccountId: i.accountId,
    Email: i.email,
    Description: i.description,
    JsonData: i.jsonData ?? null,
    CreatedDate: cpDate(i.createdAt),
    CreatedDateIso: cpIso(i.createdAt, off),
    PayoutDate: null,
    PayoutDateIso: null,
    PayoutAmount: null,
    AuthDate: cpDate(i.authorizedAt),
    AuthDateIso: cpIso(i.authorizedAt, off),
    ConfirmDate: cpDate(i.confirmedAt),
    ConfirmDateIso: cpIso(i.confirmedAt, off),
    AuthCode: i.authCode,
    TestMode: i.testMode,
    Rrn: i.rrn,
    OriginalTransactionId: i.originalId,
    FallBackScenarioDeclinedTransactionId: null,
    IpAddress: i.ip,
    IpCountry: null,
    IpCity: null,
    IpRegion: null,
    IpDistrict: null,
    IpLatitude: null,
    IpLongitude: null,
    CardFirstSix: i.card?.first6 ?? null,
    CardLastFour: i.card?.last4 ?? null,
    CardExpDate: i.card ? cardExpDate(i.card.expMonth, i.card.expYear) : null,
    CardType: i.card ? cardType(i.card.brand) : null,
    CardProduct: null,
    CardCategory: null,
    EscrowAccumulationId: null,
    CardTypeCode: i.card ? cardTypeCode(i.card.brand) : null,
    Issuer: null,
    IssuerBankCountry: null,
    Status: i.status.name,
    StatusCode: i.status.code,
    CultureName: i.culture,
    Reason: i.reason.Reason,
    ReasonCode: i.reason.ReasonCode,
    CardHolderMessage: i.reason.CardHolderMessage,
    Type: i.type,
    Refunded: i.refunded,
    Name: i.name,
    Token: i.token,
    SubscriptionId: i.subscriptionId,
    GatewayName: GATEWAY_NAME,
    AndroidPay: false,
    WalletType: null,
    TotalFee: 0,
    VatAboveTotalFee: null,
    ProcessorAndPartnerFee: null,
    VatWithinProcessorFee: null,
    PublicId: w.publicId,
    TerminalUrl: null,
  };
}

export function threeDsModel(id: number, paReq: string, acsUrl: string): Record<(typeof THREE_DS_KEYS)[number], Json> {
  return {
    TransactionId: id,
    PaReq: paReq,
    GoReq: null,
    AcsUrl: acsUrl,
    ThreeDsSessionData: null,
    IFrameIsAllowed: true,
    FrameWidth: null,
    FrameHeight: null,
    ThreeDsCallbackId: null,
    EscrowAccumulationId: null,
  };
}
