// What CloudPayments documents, written down here for the tests to compare the face against: the keys of the
// Transaction and 3-D Secure Models, the statuses, and the reason codes with their CamelCase names and Russian
// cardholder messages. Names and messages come first from the npm `cloudpayments` package (its ErrorCodes enum and
// ErrorCodesTranscript, an independent client of the real API); the codes that package leaves out are transcribed
// from CloudPayments' own reason-code list. Nothing here is read from the face's code.
import { ErrorCodes, ErrorCodesTranscript } from 'cloudpayments';

/** Every key of the Transaction Model, as CloudPayments' API reference lists them (order not significant). */
export const TRANSACTION_MODEL_KEYS = [
  'ReasonCode',
  'PublicId',
  'TerminalUrl',
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
  'IssuerBankCountry',
  'Issuer',
  'CardTypeCode',
  'Status',
  'StatusCode',
  'CultureName',
  'Reason',
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
];

/**
 * The keys of the declined-payment example in the API reference, in the order the example prints them: an answer
 * keeps these in this relative order (clients that print or diff Models see the documented layout).
 */
export const DECLINE_EXAMPLE_KEY_ORDER = [
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
  'TestMode',
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
  'CardTypeCode',
  'Issuer',
  'IssuerBankCountry',
  'Status',
  'StatusCode',
  'Reason',
  'ReasonCode',
  'CardHolderMessage',
  'Name',
];

/** Every key of the 3-D Secure Model, in the documented order (no ReasonCode: that is how clients tell it from a decline). */
export const THREE_DS_MODEL_KEYS = [
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
];

/** Transaction statuses and their StatusCode values. */
export const STATUS_CODES = { AwaitingAuthentication: 1, Authorized: 2, Completed: 3, Cancelled: 4, Declined: 5 } as const;

/** Reason codes CloudPayments names that the npm package's ErrorCodes enum leaves out. */
const NAMES_BEYOND_THE_NPM_ENUM: Record<number, string> = {
  5003: 'InvalidMerchant',
  5004: 'PickUpCard',
  5007: 'PickUpCardSpecialConditions',
  5014: 'InvalidCardNumber',
  5015: 'NoSuchIssuer',
  5017: 'CustomerCancellation',
  5019: 'TransactionError',
  5033: 'ExpiredCardPickup',
  5036: 'RestrictedCard',
  5055: 'InvalidPIN',
  5061: 'ExceedsApprovalAmount',
  5063: 'SecurityViolation',
};

/** Codes CloudPayments lists for card payments without a name in the reference our tests follow. */
export const CODES_WITHOUT_A_DOCUMENTED_NAME = [5058, 5059, 5062];

/** The CamelCase `Reason` of a card-payment ReasonCode; undefined where no name is documented. */
export function reasonName(code: number): string | undefined {
  const fromNpm = (ErrorCodes as unknown as Record<number, string | undefined>)[code];
  return fromNpm ?? NAMES_BEYOND_THE_NPM_ENUM[code];
}

/** The Russian CardHolderMessage the npm package gives for a code; undefined for codes it does not cover. */
export function russianMessage(code: number): string | undefined {
  return (ErrorCodesTranscript as Record<number, string | undefined>)[code];
}

/** An approved payment's reason fields, as the API reference's accepted-payment example shows them. */
export const APPROVED = { Reason: 'Approved', ReasonCode: 0, CardHolderMessage: 'Оплата успешно проведена' };
