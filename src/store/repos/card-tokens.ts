// Card tokens: a merchant's recurring or one-time reference to a stored card.
import type { CardToken, FaceName, StoredCard } from '../../core/model.js';
import type { CardTokenRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { cards, cardTokens } from '../tables.js';

export class CardTokenRepository implements CardTokenRepo {
  constructor(private readonly q: Queries) {}

  async insert(t: CardToken): Promise<void> {
    await this.q.write(this.q.db.insertInto('card_tokens').values(cardTokens.write(t)));
  }
  async get(token: string): Promise<CardToken | undefined> {
    const r = await this.q.first('cardTokens.get', (slot) => this.q.db.selectFrom('card_tokens').selectAll().where('token', '=', slot(0)), [
      token,
    ]);
    return r && cardTokens.read(r);
  }
  async getWithCard(token: string): Promise<{ token: CardToken; card: StoredCard | undefined } | undefined> {
    // one statement: the token and its card's columns (null when the card is gone)
    const r = await this.q.first(
      'cardTokens.getWithCard',
      (slot) =>
        this.q.db
          .selectFrom('card_tokens')
          .leftJoin('cards', 'cards.id', 'card_tokens.card_id')
          .selectAll('card_tokens')
          .select(cards.selectAs('c_') as never[])
          .where('card_tokens.token', '=', slot(0)),
      [token],
    );
    return r && { token: cardTokens.read(r), card: cards.readAs(r, 'c_') };
  }
  async markUsed(token: string, at: number): Promise<boolean> {
    const res = await this.q.db
      .updateTable('card_tokens')
      .set({ used_at: at })
      .where('token', '=', token)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
  async list(merchantId: string, face: FaceName, limit: number, offset: number): Promise<CardToken[]> {
    const rows = await this.q.db
      .selectFrom('card_tokens')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('face', '=', face)
      .where('kind', '=', 'recurring')
      .orderBy('created_at')
      .orderBy('token')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => cardTokens.read(r));
  }
}
