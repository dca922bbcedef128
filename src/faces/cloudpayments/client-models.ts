// The Models of CloudPayments' answers as the typed client (client.ts) returns them: the Transaction Model, the
// 3-D Secure answer, and the subscription and order Models. Keys not listed stay reachable through each Model's
// index signature.

export interface Transaction {
  TransactionId: number;
  Amount: number;
  Currency: string;
  CurrencyCode: number | null;
  InvoiceId: string | null;
  AccountId: string | null;
  Email: string | null;
  Description: string | null;
  JsonData: unknown;
  CreatedDate: string;
  CreatedDateIso: string;
  AuthDate: string | null;
  AuthDateIso: string | null;
  ConfirmDate: string | null;
  ConfirmDateIso: string | null;
  AuthCode: string | null;
  TestMode: boolean;
  Rrn: string | null;
  CardFirstSix: string | null;
  CardLastFour: string | null;
  CardExpDate: string | null;
  CardType: string | null;
  Status: 'AwaitingAuthentication' | 'Authorized' | 'Completed' | 'Cancelled' | 'Declined';
  StatusCode: number;
  Reason: string | null;
  ReasonCode: number | null;
  CardHolderMessage: string | null;
  Type: number;
  Refunded: boolean;
  Name: string | null;
  Token: string | null;
  SubscriptionId: string | null;
  [key: string]: unknown;
}

export interface ThreeDs {
  TransactionId: number;
  PaReq: string;
  AcsUrl: string;
  [key: string]: unknown;
}

export interface SubscriptionModel {
  Id: string;
  AccountId: string;
  Description: string;
  Email: string | null;
  Amount: number;
  Currency: string;
  RequireConfirmation: boolean;
  StartDateIso: string;
  Interval: 'Day' | 'Week' | 'Month';
  Period: number;
  MaxPeriods: number | null;
  Status: 'Active' | 'PastDue' | 'Cancelled' | 'Rejected' | 'Expired';
  SuccessfulTransactionsNumber: number;
  FailedTransactionsNumber: number;
  NextTransactionDateIso: string | null;
  [key: string]: unknown;
}

export interface OrderModel {
  Id: string;
  Number: number;
  Amount: number;
  Currency: string;
  Url: string;
  Status: string;
  [key: string]: unknown;
}
