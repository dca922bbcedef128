// An item of the saved-token list (`/payments/tokens/list`).
import type { CardToken, JsonObject, StoredCard } from '../../../core/model.js';
import { cardMask } from './formats.js';

export function tokenModel(t: CardToken, card: StoredCard): JsonObject {
  return {
    Token: t.token,
    AccountId: t.payerRef,
    CardMask: cardMask(card.first6, card.last4),
    ExpirationDateMonth: card.expMonth,
    ExpirationDateYear: card.expYear,
  };
}
