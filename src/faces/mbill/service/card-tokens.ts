// One-time card tokens: made from a checked card (sealed, 15 minutes long), used once (deleted in the using
// transaction, so of concurrent uses exactly one succeeds), wiped at expiry and forgotten a day later.
import { DAY, MINUTE } from '../../../core/clock.js';
import { randomHex } from '../../../core/ids.js';
import type { Tx } from '../../../core/ports.js';
import type { Path, Reporter } from '../../kit/fields.js';
import { ownProblem } from '../http.js';
import type { CardData } from '../card-fields.js';
import { openCard, sealCard, type SealedCard } from '../sealing.js';
import { mbillStore as S } from '../store.js';
import { isoUtc, type CardTokenView } from '../wire.js';
import { JOBS, type Lifecycle } from './lifecycle.js';

/** Card tokens live 15 minutes (CARD_TOKEN_EXPIRES_IN 900 000 ms). */
const CARD_TOKEN_TTL = 15 * MINUTE;
/** An expired token's row (without its card data) says "expired" for a day, then goes. */
const CARD_TOKEN_TOMBSTONE = DAY;

export interface TakenToken {
  card: SealedCard;
  expiresAt: number;
}

export class CardTokens {
  constructor(private readonly life: Lifecycle) {}

  async create(tx: Tx, card: CardData): Promise<CardTokenView> {
    const now = this.life.now();
    const token = `card-token-${card.number.slice(-4)}-${randomHex(20)}`;
    const expiresAt = now + CARD_TOKEN_TTL;
    const sealed = sealCard(this.life.engine.vault, { number: card.number, expMonth: card.expMonth, expYear: card.expYear }, token);
    await S.insertCardToken(tx, { token, last4: card.number.slice(-4), sealed, expiresAt, createdAt: now });
    await tx.jobs.schedule(JOBS.cardTokenExpire, token, expiresAt, {});
    return { type: 'card-token', token, token_expires_at: isoUtc(expiresAt) };
  }

  /** Checks a card token without using it (to report it beside other problems); `at` is its credential's path. */
  async peek(tx: Tx, token: string, at: Path, r: Reporter): Promise<void> {
    const now = this.life.now();
    const row = await S.getCardToken(tx, token);
    if (row?.sealed && row.expiresAt > now) return;
    r.report(ownProblem([...at, 'token'], row && row.expiresAt <= now ? 'token_expiration' : 'token'));
  }

  /** Uses a card token once (deleting it); reports `token` or `token_expiration` when it cannot. */
  async take(tx: Tx, token: string, at: Path, r: Reporter): Promise<TakenToken | undefined> {
    const now = this.life.now();
    const row = await S.takeCardToken(tx, token, now);
    if (row?.sealed) {
      await tx.jobs.cancel(JOBS.cardTokenExpire, token);
      return { card: openCard(this.life.engine.vault, row.sealed, token), expiresAt: row.expiresAt };
    }
    const left = await S.getCardToken(tx, token);
    r.report(ownProblem([...at, 'token'], left && left.expiresAt <= now ? 'token_expiration' : 'token'));
    return undefined;
  }

  /** The scheduler job of a card token: wipes its card data at expiry, deletes the tombstone a day later. */
  async expire(tx: Tx, token: string): Promise<number | void> {
    const row = await S.getCardToken(tx, token);
    if (!row) return;
    if (row.sealed !== null) {
      if (this.life.now() < row.expiresAt) return row.expiresAt;
      await S.wipeCardToken(tx, token);
      return row.expiresAt + CARD_TOKEN_TOMBSTONE;
    }
    await S.deleteCardToken(tx, token);
  }
}
