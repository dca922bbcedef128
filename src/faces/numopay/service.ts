// Numopay's domain operations, in its own words: accounts, charge and refill tokens (15 minutes, one attempt),
// charges and refills, webhook endpoints, checkout sessions and their payment page, and the one use of a signed
// request. The only caller of the engine's writes for this face; each operation runs in the caller's transaction.
import { MINUTE } from '../../core/clock.js';
import type { Engine } from '../../core/engine.js';
import { CoreError } from '../../core/errors.js';
import { randomHex, randomToken, uuid } from '../../core/ids.js';
import type { CardInput } from '../../core/cards.js';
import type { JsonObject, Payment } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import {
  numopayStore as S,
  type CheckoutItem,
  type CheckoutSession,
  type NumopayAccount,
  type NumopayToken,
  type SessionRow,
  type TokenRow,
  type WebhookEndpoint,
} from './store.js';

/** A charge or refill token lives 15 minutes and allows one attempt. */
const TOKEN_TTL = 15 * MINUTE;
/** A checkout session can be paid for a day. */
const CHECKOUT_TTL = 24 * 60 * MINUTE;
/** Methods whose signature may be used once; GET and HEAD may repeat. */
const ONCE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How long a used signature is remembered: longer than any time it can pass the ±30 s window. */
const SIGNATURE_MEMORY = 2 * MINUTE;

export interface IssuedToken {
  token: string;
  orderSlug: string;
  /** the payment (charge) or payout (refill) the token stands for */
  subjectId: number;
}

export interface ChargeTokenInput {
  /** what the account is charged, in its currency */
  charged: bigint;
  /** the amount and currency the merchant asked for, when they are another currency than the account's */
  original: { amount: bigint; currency: string } | null;
  redirectUrl: string | null;
}

export interface CheckoutInput {
  items: CheckoutItem[];
  /** the items' total in their currency, and that total converted to the account's currency */
  total: { amount: bigint; currency: string };
  charged: bigint;
  successUrl: string;
  cancelUrl: string;
}

export class NumopayService {
  constructor(private readonly engine: Engine) {}

  /**
   * Uses up a state-changing request's signature in the command's transaction: the exact same signed request sent
   * again within the time window (a replay) is refused, and nothing it would do happens twice. Reads are not
   * recorded: a client polling twice in one second sends identical signatures.
   */
  async useSignature(tx: Tx, apiKey: string, method: string, signature: string): Promise<void> {
    if (!ONCE_METHODS.has(method.toUpperCase())) return;
    if (!(await this.engine.idempotency.useOnce(tx, `numopay:signature:${apiKey}`, signature, SIGNATURE_MEMORY)))
      throw new CoreError('NONCE_REUSED', 'Request signature already used');
  }

  /** A new merchant's accounts (one per currency; RUB when the merchant's seed section names none), each with its ledger account. */
  async openAccounts(tx: Tx, merchantId: string, accounts: Array<{ id?: string; currency: string }>): Promise<void> {
    for (const a of accounts) {
      await S.insertAccount(tx, { id: a.id ?? uuid(), merchantId, currency: a.currency, createdAt: this.engine.clock.now() });
      await this.engine.ledger.account(tx, merchantId, a.currency, 'available');
    }
  }

  /** A charge token: a new payment of the account, paid once with `charge` within 15 minutes. */
  async createChargeToken(tx: Tx, a: NumopayAccount, input: ChargeTokenInput): Promise<IssuedToken> {
    const now = this.engine.clock.now();
    const metadata: JsonObject = input.original
      ? { originalAmount: input.original.amount.toString(), originalCurrency: input.original.currency }
      : {};
    const p = await this.engine.payments.create(tx, {
      merchantId: a.merchantId,
      face: 'numopay',
      amount: input.charged,
      currency: a.currency,
      captureMode: 'auto',
      expiresAt: now + TOKEN_TTL,
      metadata,
    });
    const orderSlug = `client_wof_${p.id}_${randomHex(4)}`;
    const token = await this.issueToken(tx, a, 'charge', p.id, orderSlug, input.redirectUrl, now + TOKEN_TTL);
    await this.refOf(tx, a.merchantId, 'order_slug', orderSlug, 'payment', p.id);
    return { token: token.token, orderSlug, subjectId: p.id };
  }

  /**
   * Charges a card with a charge token (its one attempt). Answers the payment and the `link` of its hosted page,
   * where the payer passes 3-D Secure.
   */
  async charge(
    tx: Tx,
    a: NumopayAccount,
    tokenText: string,
    card: CardInput,
    merchantName: string,
  ): Promise<{ payment: Payment; link: string }> {
    const link = randomToken(32);
    const t = await this.useToken(tx, a, 'charge', tokenText, link);
    const r = await this.engine.payments.authorize(tx, t.subjectId, { source: { kind: 'card', card }, merchantName });
    return { payment: r.payment, link };
  }

  /** A refill token: a new payout of the account, sent once with `refill` within 15 minutes. */
  async createRefillToken(tx: Tx, a: NumopayAccount, amount: bigint, redirectUrl: string | null): Promise<IssuedToken> {
    const now = this.engine.clock.now();
    const p = await this.engine.payouts.create(tx, {
      merchantId: a.merchantId,
      face: 'numopay',
      amount,
      currency: a.currency,
      expiresAt: now + TOKEN_TTL,
    });
    const orderSlug = `client_frg_${p.id}_${randomHex(5)}`;
    const token = await this.issueToken(tx, a, 'refill', p.id, orderSlug, redirectUrl, now + TOKEN_TTL);
    await this.refOf(tx, a.merchantId, 'order_slug', orderSlug, 'payout', p.id);
    return { token: token.token, orderSlug, subjectId: p.id };
  }

  /** Refills a card from the account's balance with a refill token (its one attempt); answers the payout's id. */
  async refill(tx: Tx, a: NumopayAccount, tokenText: string, cardNumber: string): Promise<number> {
    const t = await this.useToken(tx, a, 'refill', tokenText, null);
    await this.engine.payouts.execute(tx, t.subjectId, { number: cardNumber });
    return t.subjectId;
  }

  async createWebhookEndpoint(tx: Tx, a: NumopayAccount, input: { url: string; event: string }): Promise<WebhookEndpoint> {
    const now = this.engine.clock.now();
    const e: WebhookEndpoint = {
      id: uuid(),
      merchantId: a.merchantId,
      accountId: a.id,
      url: input.url,
      event: input.event,
      createdAt: now,
      updatedAt: now,
    };
    await S.insertEndpoint(tx, e);
    return e;
  }

  async updateWebhookEndpoint(tx: Tx, a: NumopayAccount, id: string, change: { url?: string; event?: string }): Promise<WebhookEndpoint> {
    const cur = await this.endpoint(tx, a, id);
    const next = { ...cur, url: change.url ?? cur.url, event: change.event ?? cur.event, updatedAt: this.engine.clock.now() };
    await S.updateEndpoint(tx, next);
    return next;
  }

  async deleteWebhookEndpoint(tx: Tx, a: NumopayAccount, id: string): Promise<void> {
    await this.endpoint(tx, a, id);
    await S.deleteEndpoint(tx, id);
  }

  /** A checkout session: a payment of the items' total (converted to the account's currency), paid on its page. */
  async createCheckoutSession(tx: Tx, a: NumopayAccount, input: CheckoutInput): Promise<{ session: CheckoutSession; paymentId: number }> {
    const now = this.engine.clock.now();
    const id = `cs_live_${randomToken(24)}`;
    const p = await this.engine.payments.create(tx, {
      merchantId: a.merchantId,
      face: 'numopay',
      amount: input.charged,
      currency: a.currency,
      captureMode: 'auto',
      description: input.items
        .map((i) => i.name)
        .join(', ')
        .slice(0, 500),
      expiresAt: now + CHECKOUT_TTL,
      metadata: { checkoutSessionId: id, originalAmount: input.total.amount.toString(), originalCurrency: input.total.currency },
    });
    const orderSlug = `client_wof_${p.id}_${randomHex(4)}`;
    await this.issueToken(tx, a, 'charge', p.id, orderSlug, input.successUrl, now + CHECKOUT_TTL);
    const checkout = await this.engine.checkouts.open(tx, {
      id,
      merchantId: a.merchantId,
      face: 'numopay',
      kind: 'checkout_session',
      subject: { type: 'payment', id: p.id },
      maxAttempts: 1,
      expiresAt: now + CHECKOUT_TTL,
    });
    const row: SessionRow = {
      id,
      token: randomToken(32),
      merchantId: a.merchantId,
      accountId: a.id,
      items: input.items,
      successUrl: input.successUrl,
      cancelUrl: input.cancelUrl,
      createdAt: now,
    };
    const session: CheckoutSession = { ...row, paymentId: p.id, checkout };
    await S.insertSession(tx, row);
    await this.refOf(tx, a.merchantId, 'order_slug', orderSlug, 'payment', p.id);
    await this.refOf(tx, a.merchantId, 'checkout_session', id, 'payment', p.id);
    return { session, paymentId: p.id };
  }

  /** The card entered on a checkout session's payment page: the session's one attempt. */
  async payCheckout(tx: Tx, sessionId: string, paymentId: number, card: CardInput, merchantName: string): Promise<Payment> {
    const c = await this.engine.checkouts.lock(tx, sessionId);
    if (!c) throw new CoreError('NOT_FOUND', 'Checkout session not found');
    await this.engine.checkouts.attempt(tx, c);
    return (await this.engine.payments.authorize(tx, paymentId, { source: { kind: 'card', card }, merchantName })).payment;
  }

  /** The payer's 3-D Secure answer (PaRes) for a payment. */
  async completeAuthentication(tx: Tx, paymentId: number, paRes: string): Promise<Payment> {
    return (await this.engine.payments.completeAuthentication(tx, paymentId, paRes)).payment;
  }

  private async issueToken(
    tx: Tx,
    a: NumopayAccount,
    kind: 'charge' | 'refill',
    subjectId: number,
    orderSlug: string,
    redirectUrl: string | null,
    expiresAt: number,
  ): Promise<TokenRow> {
    const t: TokenRow = {
      token: uuid(),
      merchantId: a.merchantId,
      accountId: a.id,
      kind,
      orderSlug,
      link: null,
      redirectUrl,
      createdAt: this.engine.clock.now(),
    };
    await this.engine.checkouts.open(tx, {
      id: t.token,
      merchantId: a.merchantId,
      face: 'numopay',
      kind: `${kind}_token`,
      subject: { type: kind === 'charge' ? 'payment' : 'payout', id: subjectId },
      maxAttempts: 1,
      expiresAt,
    });
    await S.insertToken(tx, t);
    return t;
  }

  /** A token's one attempt: unknown (or another account's), used and expired tokens are refused. */
  private async useToken(
    tx: Tx,
    a: NumopayAccount,
    kind: 'charge' | 'refill',
    tokenText: string,
    link: string | null,
  ): Promise<NumopayToken> {
    const t = await S.lockToken(tx, tokenText);
    if (!t || t.kind !== kind || t.accountId !== a.id) throw new CoreError('TOKEN_NOT_FOUND');
    await this.engine.checkouts.attempt(tx, t.checkout);
    if (link !== null) await S.setLink(tx, t.token, link);
    return t;
  }

  private async endpoint(tx: Tx, a: NumopayAccount, id: string): Promise<WebhookEndpoint> {
    const e = await S.getEndpoint(tx, a.id, id);
    if (!e) throw new CoreError('NOT_FOUND', 'Webhook endpoint not found');
    return e;
  }

  private async refOf(tx: Tx, merchantId: string, kind: string, ref: string, subjectType: 'payment' | 'payout', id: number): Promise<void> {
    await tx.refs.insert({ face: 'numopay', merchantId, kind, ref, subjectType, subjectId: String(id) });
  }
}
