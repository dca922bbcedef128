// Card data held by the Mbill face between tokenization and use (card tokens, recipient cards waiting
// for their payout): AES-128-CBC with an HMAC-SHA256 over IV and ciphertext (encrypt-then-MAC), as the
// provider's blueprint describes. Each record gets fresh keys (16 bytes to encrypt, 32 to MAC), kept in
// the store wrapped by the vault's master key (AES-256-GCM, rotation-aware), so any gateway process
// sharing the database can open it and nothing readable sits beside the ciphertext. CVVs never get here.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../core/crypto.js';
import { CoreError } from '../../core/errors.js';
import type { CardVault } from '../../core/vault.js';

interface SealedRecord {
  v: 1;
  /** the vault key id that wraps the record's keys */
  kid: string;
  /** the record's keys, wrapped by the vault */
  wk: string;
  iv: string;
  ct: string;
  mac: string;
}

export interface SealedCard {
  number: string;
  expMonth: number | null;
  expYear: number | null;
}

function mac(key: Buffer, context: string, iv: Buffer, ct: Buffer): Buffer {
  return createHmac('sha256', key).update('mbill.v1\0').update(context).update('\0').update(iv).update(ct).digest();
}

/** Seals `plaintext`; `context` (the token or object id) is bound into the MAC so a record cannot be moved. */
function seal(vault: CardVault, plaintext: string, context: string): string {
  const keys = randomBytes(48);
  const encKey = keys.subarray(0, 16);
  const macKey = keys.subarray(16);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', encKey, iv);
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  const rec: SealedRecord = {
    v: 1,
    kid: vault.currentKeyId,
    wk: vault.encrypt(keys.toString('hex')),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    mac: mac(macKey, context, iv, ct).toString('base64'),
  };
  keys.fill(0);
  return JSON.stringify(rec);
}

/** Opens a sealed record: the MAC is checked (constant time) before anything is decrypted. */
export function open(vault: CardVault, sealed: string, context: string): string {
  let rec: SealedRecord;
  try {
    rec = JSON.parse(sealed) as SealedRecord;
  } catch {
    throw new CoreError('INTERNAL', 'sealed card data is unreadable');
  }
  const keys = Buffer.from(vault.decrypt({ panEncrypted: rec.wk, keyId: rec.kid }), 'hex');
  try {
    const iv = Buffer.from(rec.iv, 'base64');
    const ct = Buffer.from(rec.ct, 'base64');
    if (!safeEqual(mac(keys.subarray(16), context, iv, ct), Buffer.from(rec.mac, 'base64')))
      throw new CoreError('INTERNAL', 'sealed card data failed its integrity check');
    const d = createDecipheriv('aes-128-cbc', keys.subarray(0, 16), iv);
    return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
  } finally {
    keys.fill(0);
  }
}

export function sealCard(vault: CardVault, card: SealedCard, context: string): string {
  return seal(vault, JSON.stringify({ n: card.number, m: card.expMonth, y: card.expYear }), context);
}

export function openCard(vault: CardVault, sealed: string, context: string): SealedCard {
  const o = JSON.parse(open(vault, sealed, context)) as { n: string; m: number | null; y: number | null };
  return { number: o.n, expMonth: o.m, expYear: o.y };
}
