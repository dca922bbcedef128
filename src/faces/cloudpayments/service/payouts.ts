// Payouts (top-ups) from the merchant's balance to a card: by cryptogram or by saved token. A payout is a
// transaction of its own (Type 2); its InvoiceId is indexed so that /v2/payments/find finds it.
import type { CardInput } from '../../../core/cards.js';
import { randomDigits } from '../../../core/ids.js';
import type { Json, JsonObject, Merchant, Payout, StoredCard } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { cpStore } from '../store.js';

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

/** Creates the payout and sends it to the card, in the caller's transaction. */
export async function topup(tx: Tx, ctx: FaceContext, input: PayoutInput): Promise<Payout> {
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
