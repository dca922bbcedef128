// Saved cards (recurring tokens): one token per card and payer (AccountId), saved when a card payment is approved,
// and found again for token payments, payouts and subscriptions.
import { CoreError } from '../../../core/errors.js';
import { randomHex } from '../../../core/ids.js';
import type { CardSnapshot, CardToken, Payment, StoredCard } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore } from '../store.js';
import type { CpPaymentMeta } from '../wire/transaction.js';

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

/**
 * A recurring token for the card and payer: the same one again for the same card and AccountId. `ahead`: the token
 * found by `readTokenAhead` in this transaction (null: none), when it was read.
 */
async function saveToken(
  tx: Tx,
  merchantId: string,
  cardId: string,
  accountId: string | null,
  now: number,
  ahead: string | null | undefined,
): Promise<string> {
  const ref = `${cardId}|${accountId ?? ''}`;
  const existing = ahead !== undefined ? ahead : (await tx.refs.find('cloudpayments', merchantId, 'card_token', ref))?.subjectId;
  if (existing) return existing;
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

/**
 * The token a card payment's card already has for this payer, read ahead among reads made together (by the card
 * number's fingerprint: the card's id is not known yet); undefined where reads do not travel together, or for a
 * number that is not a card's (its authorization refuses it).
 */
export async function readTokenAhead(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  cardNumber: string,
  accountId: string | null,
): Promise<string | null | undefined> {
  const fingerprint = tx.together ? ctx.engine.vault.fingerprintOfNumber(cardNumber) : undefined;
  return fingerprint === undefined ? undefined : cpStore.tokenOfCard(tx, merchantId, fingerprint, accountId ?? '');
}

/**
 * Saves the card of an approved card payment as a recurring token and records it on the payment. `ahead`: the
 * card's token for the payer as `readTokenAhead` found it in this transaction, if it read it.
 */
export async function withToken(tx: Tx, ctx: FaceContext, p: Payment, ahead?: string | null): Promise<Payment> {
  if (!p.card || (p.metadata as CpPaymentMeta).token) return p;
  const token = await saveToken(tx, p.merchantId, p.card.cardId, p.payerRef, ctx.engine.clock.now(), ahead);
  return ctx.engine.payments.setMetadata(tx, p, { ...p.metadata, token });
}

/** A saved token of this merchant (and of this payer when the token has one and an AccountId is given). */
export async function tokenCard(tx: Tx, merchantId: string, token: string, accountId: string | null): Promise<StoredCard> {
  const found = await tx.cardTokens.getWithCard(token);
  const t = found?.token;
  if (!t || t.merchantId !== merchantId || t.face !== 'cloudpayments' || t.kind !== 'recurring') throw new CpError('Token not found');
  if (t.payerRef !== null && accountId !== null && t.payerRef !== accountId) throw new CpError('Token not found');
  if (!found.card) throw new CoreError('TOKEN_NOT_FOUND');
  return found.card;
}

/** The merchant's saved tokens with their cards (a page of 1000). */
export async function listTokens(tx: Tx, merchantId: string, page: number): Promise<Array<{ token: CardToken; card: StoredCard }>> {
  const tokens = await tx.cardTokens.list(merchantId, 'cloudpayments', 1000, (page - 1) * 1000);
  const out: Array<{ token: CardToken; card: StoredCard }> = [];
  for (const t of tokens) {
    const card = await tx.cards.get(t.cardId);
    if (card) out.push({ token: t, card });
  }
  return out;
}
