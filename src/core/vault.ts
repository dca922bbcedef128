// The card vault: PAN encrypted at rest with AES-256-GCM under a master key, found by a keyed
// fingerprint (HMAC-SHA256), shown only masked. A CVV is never stored. Master keys can be rotated:
// cards encrypted under an older key stay readable and are re-encrypted by `rotate`.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { validateCardNumber, type CardBrand } from './cards.js';
import { CoreError } from './errors.js';
import { uuid } from './ids.js';
import type { Clock } from './clock.js';
import type { CardSnapshot, StoredCard } from './model.js';
import type { Store, Tx } from './ports.js';

export interface MasterKey {
  id: string;
  /** 32 bytes */
  key: Buffer;
}

interface DerivedKey {
  id: string;
  enc: Buffer;
  fp: Buffer;
}

function derive(k: MasterKey): DerivedKey {
  if (k.key.length !== 32) throw new Error('a master key must be 32 bytes');
  return {
    id: k.id,
    enc: Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'polypay card encryption', 32)),
    fp: Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'polypay card fingerprint', 32)),
  };
}

export class CardVault {
  private keys = new Map<string, DerivedKey>();
  private current: DerivedKey;

  constructor(
    masterKeys: MasterKey[],
    private readonly clock: Clock,
  ) {
    if (masterKeys.length === 0) throw new Error('the vault needs a master key');
    for (const k of masterKeys) this.keys.set(k.id, derive(k));
    this.current = this.keys.get(masterKeys[masterKeys.length - 1]!.id)!;
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  fingerprint(pan: string, key: DerivedKey = this.current): string {
    return createHmac('sha256', key.fp).update(pan).digest('base64url');
  }

  encrypt(pan: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.enc, iv);
    c.setAAD(Buffer.from(this.current.id));
    const ct = Buffer.concat([c.update(pan, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  decrypt(card: Pick<StoredCard, 'panEncrypted' | 'keyId'>): string {
    const key = this.keys.get(card.keyId);
    if (!key) throw new CoreError('INTERNAL', 'card encrypted under an unknown master key');
    const buf = Buffer.from(card.panEncrypted, 'base64');
    const d = createDecipheriv('aes-256-gcm', key.enc, buf.subarray(0, 12));
    d.setAAD(Buffer.from(key.id));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }

  /**
   * Stores a card (or finds it by fingerprint) and returns the snapshot that payments keep.
   * The CVV is not a parameter: it is never stored. The cardholder's name belongs to the payment that
   * received it: the card row is shared by every merchant, so it never keeps a name.
   */
  async store(
    tx: Tx,
    input: { number: string; expMonth: number; expYear: number; holder?: string | null },
  ): Promise<CardSnapshot & { brand: CardBrand }> {
    const { pan, brand } = validateCardNumber(input.number);
    const fp = this.fingerprint(pan);
    let card = await tx.cards.findByFingerprint(fp);
    if (!card) {
      card = {
        id: 'card_' + uuid().replace(/-/g, ''),
        fingerprint: fp,
        panEncrypted: this.encrypt(pan),
        keyId: this.current.id,
        first6: pan.slice(0, 6),
        last4: pan.slice(-4),
        brand,
        expMonth: input.expMonth,
        expYear: input.expYear,
        holder: null,
        createdAt: this.clock.now(),
      };
      await tx.cards.insert(card);
      // A concurrent insert of the same card wins the unique fingerprint; read back the stored row.
      card = (await tx.cards.findByFingerprint(fp))!;
    } else if (card.expMonth !== input.expMonth || card.expYear !== input.expYear) {
      await tx.cards.update(card.id, { expMonth: input.expMonth, expYear: input.expYear });
    }
    return {
      cardId: card.id,
      first6: card.first6,
      last4: card.last4,
      brand: card.brand,
      expMonth: input.expMonth,
      expYear: input.expYear,
      holder: input.holder ?? null,
    };
  }

  /** The fingerprint of a card number as `store` would keep it; undefined for a number that is not a card's. */
  fingerprintOfNumber(number: string): string | undefined {
    try {
      return this.fingerprint(validateCardNumber(number).pan);
    } catch (e) {
      if (e instanceof CoreError) return undefined;
      throw e;
    }
  }

  /**
   * Reads the card of this number ahead of `store` of it in this transaction, among reads made together, where the
   * store keeps such a read (`CardRepo.readByFingerprintAhead`). A number that is not a card's reads nothing: its
   * `store` refuses it.
   */
  async readAhead(tx: Tx, number: string): Promise<void> {
    const fp = this.fingerprintOfNumber(number);
    if (fp !== undefined) await tx.cards.readByFingerprintAhead(fp);
  }

  async reveal(tx: Tx, cardId: string): Promise<{ pan: string; card: StoredCard }> {
    const card = await tx.cards.get(cardId);
    if (!card) throw new CoreError('NOT_FOUND', 'card not found');
    return this.open(card);
  }

  /** A card row already read (a card's number never changes: a rotation re-encrypts it under another key it keeps). */
  open(card: StoredCard): { pan: string; card: StoredCard } {
    return { pan: this.decrypt(card), card };
  }

  /** Adds a new master key, makes it current, and re-encrypts (and re-fingerprints) every card under it. */
  async rotate(store: Store, next: MasterKey, batch = 500): Promise<number> {
    const derived = derive(next);
    this.keys.set(derived.id, derived);
    this.current = derived;
    return this.rotateToCurrent(store, batch);
  }

  /**
   * Re-encrypts every card not yet under the current key (after a new key was configured last in
   * POLYPAY_MASTER_KEYS). Once it has run, the older keys can be removed from the configuration.
   */
  async rotateToCurrent(store: Store, batch = 500): Promise<number> {
    const derived = this.current;
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const cards: StoredCard[] = await store.read((tx) => tx.cards.list(after, batch));
      if (cards.length === 0) break;
      await store.transaction(async (tx) => {
        for (const c of cards) {
          if (c.keyId === derived.id) continue;
          const pan = this.decrypt(c);
          await tx.cards.update(c.id, { panEncrypted: this.encrypt(pan), keyId: derived.id, fingerprint: this.fingerprint(pan) });
          count++;
        }
      });
      after = cards[cards.length - 1]!.id;
    }
    return count;
  }
}

/**
 * Reads a 32-byte master key (hex or base64). Its id is derived from the key itself, so a card names
 * the key that encrypted it whatever order the keys are configured in.
 */
export function parseMasterKey(text: string): MasterKey {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('master key must be 32 bytes, hex or base64');
  return { id: masterKeyId(key), key };
}

export function masterKeyId(key: Buffer): string {
  return 'mk_' + createHash('sha256').update('polypay master key id').update(key).digest('hex').slice(0, 12);
}
