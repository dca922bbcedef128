// Payments by card (cryptogram, the order page) or by saved token (API, subscriptions): the Check notification first
// (outside any transaction), then the payment created and authorized in the caller's transaction, the card saved
// as a token on approval.
import { DAY } from '../../../core/clock.js';
import { validateCardNumber, type CardInput } from '../../../core/cards.js';
import type { CardSnapshot, Json, JsonObject, Merchant, StoredCard } from '../../../core/model.js';
import { draftPayment, type AuthorizeResult, type CreatePayment } from '../../../core/payments.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { cpStore } from '../store.js';
import type { MerchantNotifications } from '../wire/notification-settings.js';
import type { CpPaymentMeta } from '../wire/transaction.js';
import { CHECK_DECLINE_REASON, sendCheck, type CheckOutcome } from './check.js';
import { readTokenAhead, snapshotOf, withToken } from './tokens.js';

/** An authorized (two-stage) payment not confirmed within 7 days is cancelled, as CloudPayments does. */
const AUTHORIZATION_TTL = 7 * DAY;

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
  /**
   * The payment's transaction id, reserved before its transaction: for the Check notification, or drawn with the
   * settings' read where the store draws ids in reads (the transaction then has no round trip of its own for it)
   */
  id?: number;
  check: CheckOutcome | null;
  /** the merchant's notification settings, read with Check's just before (no Check sent): the transaction's notifications use them */
  notifications?: MerchantNotifications;
}

/** No Check to send (subscription charges run in the scheduler and send none). */
export const NO_CHECK: Prepared = { check: null };

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

/** Checks the card number before anything is written (bad input is refused, not declined). */
export function checkCardInput(card: CardInput): void {
  validateCardNumber(card.number);
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

/**
 * Sends Check (when the merchant enabled it) for the payment about to be made, with a reserved transaction
 * id. Runs outside any transaction: it waits for the merchant's server.
 */
export async function prepare(ctx: FaceContext, input: PayInput): Promise<Prepared> {
  const { engine } = ctx;
  // every type's settings in the one read Check needs: the payment's transaction renders its notifications from
  // them; and, where the store draws ids in reads, the payment's id at the same time
  const [notifications, drawn] = await engine.read((tx) =>
    Promise.all([cpStore.getAllSettings(tx, input.merchant.id), tx.sequences.drawnInReads ? tx.sequences.nextTransactionId() : undefined]),
  );
  const settings = notifications.Check;
  if (!settings.isEnabled || !settings.address) return { check: null, notifications, ...(drawn !== undefined ? { id: drawn } : {}) };
  const id = drawn ?? (await engine.transaction((tx) => tx.sequences.nextTransactionId()));
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
  // (the settings are not handed on past the wait for the merchant's answer: the transaction reads its own)
  return { id, check: await sendCheck(ctx, draft) };
}

/** Creates the payment and authorizes it (or records the merchant's refusal at Check), in the caller's transaction. */
export async function pay(tx: Tx, ctx: FaceContext, input: PayInput, prepared: Prepared): Promise<AuthorizeResult> {
  const { engine } = ctx;
  if (prepared.notifications) cpStore.carrySettings(tx, input.merchant.id, prepared.notifications);
  const now = engine.clock.now();
  const p = await engine.payments.create(tx, {
    ...paymentOf(input),
    testMode: true,
    expiresAt: now + AUTHORIZATION_TTL,
    ...(prepared.id !== undefined ? { id: prepared.id } : {}),
    // authorized (or declined at Check) below, in this transaction
    authorizedAtOnce: true,
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
  // a card's payment: what its authorization reads (the card, the merchant's accounts) and the card's token for the
  // payer, read ahead together
  let token: string | null | undefined;
  if (input.source.kind === 'card' && tx.together) {
    const number = input.source.card.number;
    [, token] = await tx.together(() =>
      Promise.all([
        engine.payments.readAheadForCard(tx, p.merchantId, p.currency, number),
        readTokenAhead(tx, ctx, p.merchantId, number, p.payerRef),
      ]),
    );
  }
  const r = await engine.payments.authorize(tx, p.id, {
    source:
      input.source.kind === 'card'
        ? { kind: 'card', card: input.source.card }
        : // the card as read with its token: not read again
          { kind: 'stored', cardId: input.source.card.id, card: input.source.card },
    operation: input.source.kind === 'card' ? 'payment' : 'token_payment',
    ...(input.source.kind === 'token' ? { skipAuthentication: true } : {}),
    merchantName: input.merchant.name,
  });
  if (r.kind === 'approved' && input.source.kind === 'card')
    return { kind: 'approved', payment: await withToken(tx, ctx, r.payment, token) };
  return r;
}
