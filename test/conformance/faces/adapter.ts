// What a face adapter of the conformance suite provides: the scenario names, the explicit skips (with a reason
// written from the provider's documents), and the operations every scenario drives a face through. An adapter
// speaks its provider's wire (typed client or raw signed HTTP) and translates the answers into the few states
// the scenarios compare; every expectation about the wire (decline codes, error answers) is written in the
// adapter from the provider's documents, never imported from the face's tables.
import type { Outcome } from '../../../src/core/network/test-cards.js';
import type { Received, Receiver } from '../../helpers/receiver.js';
import type { TestGateway } from '../../helpers/gateway.js';

export type FaceName = 'numopay' | 'cloudpayments' | 'novapay' | 'mbill' | 'way2pay';
export type DeclineReason = Exclude<Outcome, 'approve'>;

export const SCENARIOS = [
  'approved payment',
  'declined with each reason',
  '3-D Secure approved',
  '3-D Secure declined',
  'partial refund',
  'full refund',
  'hold then capture',
  'hold then void',
  'signed webhook',
  'idempotent replay',
  'cross-merchant access refused',
  'request in the timeline',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Scenarios a provider has no counterpart for, and why (from its documents). */
export interface Skip {
  reason: string;
  scenarios: ScenarioName[];
}

/** A scenario the face fails today (run with `it.fails`, so the suite turns red once it is fixed). */
export interface KnownFailure {
  scenario: ScenarioName;
  reason: string;
}

/** A payment (or the provider's counterpart) as the scenarios see it, read back through the face's API. */
export type State = 'pending' | 'approved' | 'declined' | 'held' | 'voided' | 'partially_refunded' | 'refunded';
export interface Seen {
  state: State;
  /** the amount the face shows, in minor units */
  amount: bigint;
}

/** The running gateway, the webhook receiver, and the gateway's admin API (the operator's view). */
export interface Env {
  h: TestGateway;
  rx: Receiver;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/** An object a face made: the id the face shows for it, and whatever else its adapter needs. */
export interface Made {
  ref: string;
}

/** One refused attempt: what was tried, the face's answer, and the provider's documented refusal. */
export interface Attempt {
  what: string;
  answer: { status: number; body: unknown };
  expected: { status: unknown; body: unknown };
}

export interface Replay {
  /** how the provider's mechanism answers a repeat: the first answer again, or a documented refusal */
  mode: 'replayed' | 'refused';
  first: unknown;
  second: unknown;
  /** for `refused`: the documented answer to the repeat */
  expectedSecond?: unknown;
  /** how many objects the request and its repeat made together */
  made: number;
}

export interface WebhookDriver<M extends Made> {
  /** makes an object of merchant A whose webhooks (status changes) go to `url` */
  make(e: Env, url: string): Promise<M>;
  /** whether a received request is a webhook about that object */
  isFor(r: Received, m: M): boolean;
  /** checks the signature with node:crypto, as the provider documents it (false for a forged or altered one) */
  verify(e: Env, r: Received): Promise<boolean>;
}

export interface FaceAdapter<M extends Made = Made> {
  face: FaceName;
  skip: Skip[];
  knownFailures: KnownFailure[];
  /** a payment of merchant A with a card that needs no authentication, run to its end */
  pay(e: Env, o: { pan: string; amount: bigint; hold?: boolean }): Promise<M>;
  /** a payment with a 3-D Secure card, the payer confirming or declining on the ACS page */
  pay3ds?(e: Env, o: { pan: string; amount: bigint; approve: boolean }): Promise<M>;
  /** the object as merchant A reads it through the face */
  read(e: Env, m: M): Promise<Seen>;
  /** the face's decline fields of a declined object */
  declineOf?(e: Env, m: M): Promise<unknown>;
  /** the provider's documented decline fields for a core reason (a value or asymmetric matchers) */
  expectedDecline?(reason: DeclineReason): unknown;
  refund?(e: Env, m: M, amount: bigint): Promise<void>;
  capture?(e: Env, m: M, amount: bigint): Promise<void>;
  void?(e: Env, m: M): Promise<void>;
  webhook?: WebhookDriver<M>;
  replay?(e: Env): Promise<Replay>;
  /** merchant B's credentials on merchant A's object: each attempt and the refusal the provider documents */
  crossMerchant(e: Env, m: M): Promise<Attempt[]>;
  /** the path of the face request that creates a payment (as the request log keeps it, prefix included) */
  creatingRequest: RegExp;
  /** the object whose timeline lists the requests about `m` (type and id as the admin API names them) */
  subject(e: Env, m: M): Promise<{ type: string; id: string }>;
}
