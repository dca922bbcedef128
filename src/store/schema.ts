// Table types for the query layer (Kysely). Integers that may exceed 2^53 (money, epoch ms, ids) are
// bigint in both dialects; JSON is stored as text; booleans as 0/1 integers so both dialects agree.
import type { Generated } from 'kysely';

type Int = bigint | number;

export interface MerchantsTable {
  id: string;
  name: string;
  settings: string;
  created_at: Int;
}

export interface CredentialsTable {
  id: string;
  merchant_id: string;
  face: string;
  key: string;
  secret: string | null;
  data: string;
  status: string;
  created_at: Int;
}

export interface AccountsTable {
  id: string;
  merchant_id: string;
  currency: string;
  kind: string;
  debits_pending: Int;
  debits_posted: Int;
  credits_pending: Int;
  credits_posted: Int;
  created_at: Int;
}

export interface LedgerTransfersTable {
  id: Generated<Int>;
  kind: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: Int;
  currency: string;
  pending_id: Int | null;
  pending_state: string | null;
  code: string;
  ref_type: string | null;
  ref_id: string | null;
  created_at: Int;
}

export interface SequencesTable {
  name: string;
  value: Int;
}

export interface CardsTable {
  id: string;
  fingerprint: string;
  pan_encrypted: string;
  key_id: string;
  first6: string;
  last4: string;
  brand: string;
  exp_month: Int;
  exp_year: Int;
  holder: string | null;
  created_at: Int;
}

export interface CardTokensTable {
  token: string;
  merchant_id: string;
  card_id: string;
  face: string;
  kind: string;
  payer_ref: string | null;
  expires_at: Int | null;
  used_at: Int | null;
  created_at: Int;
}

export interface PaymentsTable {
  id: Int;
  merchant_id: string;
  face: string;
  status: string;
  amount: Int;
  currency: string;
  captured_amount: Int;
  refunded_amount: Int;
  capture_mode: string;
  card_id: string | null;
  card_first6: string | null;
  card_last4: string | null;
  card_brand: string | null;
  card_exp_month: Int | null;
  card_exp_year: Int | null;
  card_holder: string | null;
  decline_reason: string | null;
  auth_code: string | null;
  rrn: string | null;
  hold_transfer_id: Int | null;
  challenge_id: string | null;
  description: string | null;
  invoice_id: string | null;
  payer_ref: string | null;
  email: string | null;
  ip: string | null;
  metadata: string;
  test_mode: Int;
  expires_at: Int | null;
  created_at: Int;
  updated_at: Int;
  authorized_at: Int | null;
  captured_at: Int | null;
  voided_at: Int | null;
  declined_at: Int | null;
}

export interface RefundsTable {
  id: Int;
  payment_id: Int;
  merchant_id: string;
  amount: Int;
  currency: string;
  status: string;
  transfer_id: Int | null;
  metadata: string;
  created_at: Int;
}

export interface PayoutsTable {
  id: Int;
  merchant_id: string;
  face: string;
  status: string;
  amount: Int;
  currency: string;
  card_id: string | null;
  card_first6: string | null;
  card_last4: string | null;
  card_brand: string | null;
  card_exp_month: Int | null;
  card_exp_year: Int | null;
  card_holder: string | null;
  decline_reason: string | null;
  hold_transfer_id: Int | null;
  metadata: string;
  expires_at: Int | null;
  created_at: Int;
  updated_at: Int;
  completed_at: Int | null;
}

export interface ChallengesTable {
  id: string;
  merchant_id: string;
  subject_type: string;
  subject_id: string;
  kind: string;
  status: string;
  otp_code: string | null;
  attempts: Int;
  display: string;
  expires_at: Int;
  created_at: Int;
  completed_at: Int | null;
}

export interface RefsTable {
  face: string;
  merchant_id: string;
  kind: string;
  ref: string;
  subject_type: string;
  subject_id: string;
}

export interface OutboxTable {
  id: Generated<Int>;
  event_id: string;
  merchant_id: string;
  face: string;
  type: string;
  subject_type: string;
  subject_id: string;
  payload: string;
  created_at: Int;
  fanned_out: Int;
  locked_until: Int;
}

export interface DeliveriesTable {
  id: Generated<Int>;
  event_id: string;
  merchant_id: string;
  face: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  url: string;
  method: string;
  headers: string;
  body: string;
  status: string;
  attempts: Int;
  schedule: string;
  max_attempts: Int;
  next_attempt_at: Int;
  locked_until: Int;
  last_status: Int | null;
  last_error: string | null;
  created_at: Int;
  delivered_at: Int | null;
}

export interface DeliveryAttemptsTable {
  id: Generated<Int>;
  delivery_id: Int;
  attempt: Int;
  at: Int;
  request: string;
  response_status: Int | null;
  response_body: string | null;
  duration_ms: Int;
  error: string | null;
}

export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  state: string;
  response_status: Int | null;
  response_headers: string | null;
  response_body: string | null;
  created_at: Int;
  expires_at: Int;
}

export interface JobsTable {
  id: Generated<Int>;
  kind: string;
  ref: string;
  run_at: Int;
  status: string;
  attempts: Int;
  locked_until: Int;
  payload: string;
  last_error: string | null;
}

export interface ApiRequestsTable {
  id: Generated<Int>;
  at: Int;
  merchant_id: string | null;
  face: string;
  method: string;
  path: string;
  status: Int;
  duration_ms: Int;
  request_id: string;
  subjects: string;
  request_body: string | null;
  response_body: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CoreDatabase {
  merchants: MerchantsTable;
  credentials: CredentialsTable;
  accounts: AccountsTable;
  ledger_transfers: LedgerTransfersTable;
  sequences: SequencesTable;
  cards: CardsTable;
  card_tokens: CardTokensTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  payouts: PayoutsTable;
  challenges: ChallengesTable;
  refs: RefsTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  idempotency: IdempotencyTable;
  jobs: JobsTable;
  settings: SettingsTable;
  api_requests: ApiRequestsTable;
}
