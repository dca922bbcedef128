// Saved cards (recurring tokens): one token per card and payer (AccountId), saved when a card payment is approved,
// and found again for token payments, payouts and subscriptions.
import { CoreError } from '../../../core/errors.js';
import { randomHex } from '../../../core/ids.js';
import type { CardSnapshot, CardToken, Payment, StoredCard } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
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

/** A recurring token for the card and payer: the same one again for the same card and AccountId. */
async function saveToken(tx: Tx, merchantId: string, cardId: string, accountId: string | null, now: number): Promise<string> {
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

/** Saves the card of an approved card payment as a recurring token and records it on the payment. */
export async function withToken(tx: Tx, ctx: FaceContext, p: Payment): Promise<Payment> {
  if (!p.card || (p.metadata as CpPaymentMeta).token) return p;
  const token = await saveToken(tx, p.merchantId, p.card.cardId, p.payerRef, ctx.engine.clock.now());
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
