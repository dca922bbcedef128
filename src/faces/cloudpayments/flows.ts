// The CloudPayments payment and payout flows, shared by the API routes, the hosted order page and the
// subscription job: create the payment, (Check,) authorize with a card or a saved token, save the token on
// approval, and render the charge answer (accepted / declined / 3-D Secure).
import type { FastifyRequest } from 'fastify';
import { DAY } from '../../core/clock.js';
import { validateCardNumber, type CardInput } from '../../core/cards.js';
import { CoreError } from '../../core/errors.js';
import { randomDigits, randomHex } from '../../core/ids.js';
import type { CardSnapshot, Json, JsonObject, Merchant, Payment, Payout, StoredCard } from '../../core/model.js';
import { draftPayment, type AuthorizeResult, type CreatePayment } from '../../core/payments.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { CpError } from './http.js';
import { CHECK_DECLINE_REASON, sendCheck, type CheckOutcome } from './notifications.js';
import { cpStore } from './store.js';
import { paymentModel, payoutModel, threeDsModel, type CpPaymentMeta, type WireContext } from './wire.js';

/** An authorized (two-stage) payment not confirmed within 7 days is cancelled, as CloudPayments does. */
export const AUTHORIZATION_TTL = 7 * DAY;

export type PaySource = { kind: 'card'; card: CardInput } | { kind: 'token'; token: string; card: StoredCard };

export interface PayInput {
  merchant: Merchant;
  amount: bigint;
  currency: string;
  captureMode: 'auto' | 'manual';
  invoiceId?: string | null;
  accountId?: string | null;
  email?: string | null;
  description?: string | null;
  ip?: string | null;
  name?: string | null;
  jsonData?: Json;
  cultureName?: string | null;
  payer?: JsonObject | null;
  subscriptionId?: string | null;
  orderId?: string | null;
  source: PaySource;
}

export interface Prepared {
  /** a transaction id reserved for the Check notification */
  id?: number;
  check: CheckOutcome | null;
}

function metadataOf(input: PayInput): JsonObject {
  const m: CpPaymentMeta & JsonObject = {};
  if (input.name) m.name = input.name;
  if (input.jsonData !== undefined && input.jsonData !== null) m.jsonData = input.jsonData;
  if (input.cultureName) m.cultureName = input.cultureName;
  if (input.payer) m.payer = input.payer;
  if (input.subscriptionId) m.subscriptionId = input.subscriptionId;
  if (input.orderId) m.orderId = input.orderId;
  if (input.source.kind === 'token') m.token = input.source.token;
  return m;
}

export function snapshotOf(card: StoredCard): CardSnapshot {
  return {
    cardId: card.id,
    first6: card.first6,
    last4: card.last4,
    brand: card.brand,
    expMonth: card.expMonth,
    expYear: card.expYear,
    holder: card.holder,
  };
}

/** Checks the card number before anything is written (bad input is refused, not declined). */
export function checkCardInput(card: CardInput): void {
  validateCardNumber(card.number);
}

/**
 * Sends Check (when the merchant enabled it) for the payment about to be made, with a reserved transaction
 * id. Runs outside any transaction: it waits for the merchant's server.
 */
export async function prepare(ctx: FaceContext, input: PayInput): Promise<Prepared> {
  const { engine } = ctx;
  const settings = await engine.read((tx) => cpStore.getSettings(tx, input.merchant.id, 'Check'));
  if (!settings.isEnabled || !settings.address) return { check: null };
  const id = await engine.transaction((tx) => tx.sequences.nextTransactionId());
  const now = engine.clock.now();
  const card: CardSnapshot =
    input.source.kind === 'token'
      ? snapshotOf(input.source.card)
      : (() => {
          const { pan, brand } = validateCardNumber(input.source.card.number);
          return {
            cardId: '',
            first6: pan.slice(0, 6),
            last4: pan.slice(-4),
            brand,
            expMonth: input.source.card.expMonth,
            expYear: input.source.card.expYear,
            holder: input.source.card.holder ?? null,
          };
        })();
  const draft = draftPayment({ ...paymentOf(input), id }, now, card);
  return { id, check: await sendCheck(ctx, draft) };
}

/** The core payment a CloudPayments request describes (before Check, and when it is created). */
function paymentOf(input: PayInput): CreatePayment {
  return {
    merchantId: input.merchant.id,
    face: 'cloudpayments',
    amount: input.amount,
    currency: input.currency,
    captureMode: input.captureMode,
    description: input.description ?? null,
    invoiceId: input.invoiceId ?? null,
    payerRef: input.accountId ?? null,
    email: input.email ?? null,
    ip: input.ip ?? null,
    metadata: metadataOf(input),
  };
}

/** A recurring token for the card and payer: the same one again for the same card and AccountId. */
export async function saveToken(tx: Tx, merchantId: string, cardId: string, accountId: string | null, now: number): Promise<string> {
  const ref = `${cardId}|${accountId ?? ''}`;
  const existing = await tx.refs.find('cloudpayments', merchantId, 'card_token', ref);
  if (existing) return existing.subjectId;
  const token = 'tk_' + randomHex(15).slice(0, 29);
  await tx.cardTokens.insert({
    token,
    merchantId,
    cardId,
    face: 'cloudpayments',
    kind: 'recurring',
    payerRef: accountId,
    expiresAt: null,
    usedAt: null,
    createdAt: now,
  });
  await tx.refs.insert({ face: 'cloudpayments', merchantId, kind: 'card_token', ref, subjectType: 'card_token', subjectId: token });
  return token;
}

/** Creates the payment and authorizes it (or records the merchant's refusal at Check), in the caller's transaction. */
export async function payInTx(tx: Tx, ctx: FaceContext, input: PayInput, prepared: Prepared): Promise<AuthorizeResult> {
  const { engine } = ctx;
  const now = engine.clock.now();
  const p = await engine.payments.create(tx, {
    ...paymentOf(input),
    testMode: true,
    expiresAt: now + AUTHORIZATION_TTL,
    ...(prepared.id !== undefined ? { id: prepared.id } : {}),
  });
  if (prepared.check && !prepared.check.accepted) {
    p.card =
      input.source.kind === 'token'
        ? snapshotOf(input.source.card)
        : await engine.vault.store(tx, {
            number: input.source.card.number,
            expMonth: input.source.card.expMonth,
            expYear: input.source.card.expYear,
            holder: input.source.card.holder ?? null,
          });
    p.metadata = { ...p.metadata, checkReasonCode: prepared.check.reasonCode ?? 3005 };
    return { kind: 'declined', payment: await engine.payments.decline(tx, p, CHECK_DECLINE_REASON) };
  }
  const r = await engine.payments.authorize(tx, p.id, {
    source: input.source.kind === 'card' ? { kind: 'card', card: input.source.card } : { kind: 'stored', cardId: input.source.card.id },
    operation: input.source.kind === 'card' ? 'payment' : 'token_payment',
    ...(input.source.kind === 'token' ? { skipAuthentication: true } : {}),
    merchantName: input.merchant.name,
  });
  if (r.kind === 'approved' && input.source.kind === 'card') return { kind: 'approved', payment: await withToken(tx, ctx, r.payment) };
  return r;
}

/** Saves the card of an approved card payment as a recurring token and records it on the payment. */
export async function withToken(tx: Tx, ctx: FaceContext, p: Payment): Promise<Payment> {
  if (!p.card || (p.metadata as CpPaymentMeta).token) return p;
  const token = await saveToken(tx, p.merchantId, p.card.cardId, p.payerRef, ctx.engine.clock.now());
  return ctx.engine.payments.setMetadata(tx, p, { ...p.metadata, token });
}

export function acsUrl(ctx: FaceContext, req?: FastifyRequest): string {
  return `${ctx.baseUrl(req)}/acs`;
}

/** The answer to a charge: accepted (Success true), declined (Model with ReasonCode) or 3-D Secure. */
export function renderCharge(ctx: FaceContext, r: AuthorizeResult, w: WireContext, req?: FastifyRequest): JsonObject {
  if (r.kind === 'challenge')
    return { Model: threeDsModel(r.payment.id, ctx.engine.challenges.paReq(r.challenge), acsUrl(ctx, req)), Success: false, Message: null };
  return { Model: paymentModel(r.payment, w), Success: r.kind === 'approved', Message: null };
}

// ---- payouts

export interface PayoutInput {
  merchant: Merchant;
  amount: bigint;
  currency: string;
  accountId?: string | null;
  email?: string | null;
  description?: string | null;
  invoiceId?: string | null;
  name?: string | null;
  jsonData?: Json;
  cultureName?: string | null;
  ip?: string | null;
  payer?: JsonObject | null;
  receiver?: JsonObject | null;
  target: { kind: 'card'; card: CardInput } | { kind: 'token'; token: string; card: StoredCard };
}

export async function payoutInTx(tx: Tx, ctx: FaceContext, input: PayoutInput): Promise<Payout> {
  const { engine } = ctx;
  const metadata: JsonObject = {
    invoiceId: input.invoiceId ?? null,
    accountId: input.accountId ?? null,
    email: input.email ?? null,
    description: input.description ?? null,
    name: input.name ?? null,
    cultureName: input.cultureName ?? null,
    ip: input.ip ?? null,
    authCode: randomDigits(6),
    rrn: randomDigits(12),
    ...(input.jsonData !== undefined && input.jsonData !== null ? { jsonData: input.jsonData } : {}),
    ...(input.payer ? { payer: input.payer } : {}),
    ...(input.receiver ? { receiver: input.receiver } : {}),
    ...(input.target.kind === 'token' ? { token: input.target.token } : {}),
  };
  const p = await engine.payouts.create(tx, {
    merchantId: input.merchant.id,
    face: 'cloudpayments',
    amount: input.amount,
    currency: input.currency,
    metadata,
  });
  if (input.invoiceId) await cpStore.indexInvoice(tx, input.merchant.id, input.invoiceId, 'payout', p.id, p.createdAt);
  const target =
    input.target.kind === 'token'
      ? { cardId: input.target.card.id }
      : {
          number: input.target.card.number,
          expMonth: input.target.card.expMonth,
          expYear: input.target.card.expYear,
          holder: input.target.card.holder ?? null,
        };
  return engine.payouts.execute(tx, p.id, target);
}

export function renderPayout(p: Payout, w: WireContext): JsonObject {
  return { Model: payoutModel(p, w), Success: p.status === 'completed', Message: null };
}

// ---- tokens

/** A saved token of this merchant (and of this payer when the token has one). */
export async function tokenCard(tx: Tx, merchantId: string, token: string, accountId: string | null): Promise<StoredCard> {
  const t = await tx.cardTokens.get(token);
  if (!t || t.merchantId !== merchantId || t.face !== 'cloudpayments' || t.kind !== 'recurring') throw new CpError('Token not found');
  if (t.payerRef !== null && accountId !== null && t.payerRef !== accountId) throw new CpError('Token not found');
  const card = await tx.cards.get(t.cardId);
  if (!card) throw new CoreError('TOKEN_NOT_FOUND');
  return card;
}
