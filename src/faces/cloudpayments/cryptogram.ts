// Card cryptograms (CardCryptogramPacket). The gateway has its own RSA-2048 key, kept in the store so that
// restarts and processes share it, published at /payments/publickey. Packets are RSA PKCS#1 v1.5 over ASCII
// `PAN@YYMM@CVV@PublicId`, in the legacy "01" form or as base64 JSON (checkout.js).
//
// Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809, the Marvin attack), rightly. We decrypt
// with RSA_NO_PADDING and remove the padding ourselves, branch-free, with implicit rejection: an invalid
// padding yields a synthetic plaintext derived from the ciphertext by HMAC (so the same packet always gives the
// same garbage), selected with constant-time masks. Every invalid packet, whatever is wrong with it, then fails
// the same parse and gets the same answer after the same work.
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  constants,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { safeEqual } from '../../core/crypto.js';
import type { Engine } from '../../core/engine.js';
import type { Tx } from '../../core/ports.js';
import { CpError } from './http.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const KEY_SETTING = 'cloudpayments.rsa_key';
export const KEY_VERSION = 1;
export const INVALID_CRYPTOGRAM = 'Invalid CardCryptogramPacket';

export interface GatewayKey {
  version: number;
  publicPem: string;
  privateKey: KeyObject;
  /** modulus and public exponent, hex (for the checkout script) */
  modulusHex: string;
  exponentHex: string;
  /** modulus length in bytes */
  k: number;
  /** key-derivation key of the implicit rejection (from the private key) */
  kdk: Buffer;
  /** a well-formed ciphertext decrypted in place of malformed ones, so that they cost the same work */
  dummy: Buffer;
}

/** A gateway key from its private key in PEM (PKCS#8). */
export function loadKey(privatePem: string, version: number): GatewayKey {
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const n = Buffer.from(jwk.n, 'base64url');
  const k = n.length;
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const kdk = createHash('sha256').update('polypay cloudpayments implicit rejection').update(der).digest();
  // any value below the modulus is a valid RSA input: n with its top byte halved
  const dummy = Buffer.from(n);
  dummy[0] = dummy[0]! >> 1;
  return {
    version,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateKey,
    modulusHex: n.toString('hex'),
    exponentHex: Buffer.from(jwk.e, 'base64url').toString('hex'),
    k,
    kdk,
    dummy,
  };
}

/** The gateway's cryptogram key: generated once, stored as a setting, cached per process. */
export class KeyRing {
  private cached: { text: string; key: GatewayKey } | null = null;
  private generating: Promise<GatewayKey> | null = null;

  constructor(private readonly engine: Engine) {}

  async get(): Promise<GatewayKey> {
    const text = await this.engine.read((tx) => tx.settings.get(KEY_SETTING));
    if (text) return this.parse(text);
    this.generating ??= this.create().finally(() => {
      this.generating = null;
    });
    return this.generating;
  }

  private parse(text: string): GatewayKey {
    if (this.cached?.text === text) return this.cached.key;
    const { version, privatePem } = JSON.parse(text) as { version: number; privatePem: string };
    const key = loadKey(privatePem, version);
    this.cached = { text, key };
    return key;
  }

  private async create(): Promise<GatewayKey> {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    const fresh = JSON.stringify({ version: KEY_VERSION, privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() });
    // one key for every process: the first stored wins, the others use it
    const text = await this.engine.transaction((tx: Tx) => tx.settings.setIfAbsent(KEY_SETTING, fresh));
    return this.parse(text);
  }
}

// ---- constant-time helpers over small non-negative integers (bytes, indexes)

/** 1 when x === 0, else 0 (x in [0, 2^31)). */
function isZero(x: number): number {
  return 1 ^ ((x | -x) >>> 31);
}
function eq(a: number, b: number): number {
  return isZero(a ^ b);
}
/** 1 when a >= b (both in [0, 2^30)). */
function ge(a: number, b: number): number {
  return 1 ^ ((a - b) >>> 31);
}
/** bit ? a : b, without a branch. */
function select(bit: number, a: number, b: number): number {
  const mask = -bit;
  return (a & mask) | (b & ~mask);
}

function prf(key: Buffer, label: string, length: number): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const block = createHmac('sha256', key)
      .update(label)
      .update(Buffer.from([i >> 8, i & 0xff]))
      .digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RSA PKCS#1 v1.5 decryption with implicit rejection: returns the message for a valid padding and a
 * deterministic synthetic message otherwise, with no branch on the padding's validity.
 */
export function decryptPkcs1(key: GatewayKey, ciphertext: Buffer): Buffer {
  const k = key.k;
  // A ciphertext of the wrong size or not below the modulus is malformed (public facts): decrypt a dummy instead.
  let malformed = ciphertext.length === k ? 0 : 1;
  let em: Buffer;
  try {
    em = privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, malformed ? key.dummy : ciphertext);
  } catch {
    malformed = 1;
    em = privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, key.dummy);
  }
  if (em.length !== k) {
    const full = Buffer.alloc(k);
    em.copy(full, k - em.length);
    em = full;
  }
  // the synthetic plaintext and its length, from the ciphertext (whatever it is)
  const prk = createHmac('sha256', key.kdk).update(ciphertext).digest();
  const synthetic = prf(prk, 'message', k);
  const lenBytes = prf(prk, 'length', 2);
  const synthLen = ((lenBytes[0]! << 8) | lenBytes[1]!) % (k - 10); // 0 … k-11

  let good = eq(em[0]!, 0) & eq(em[1]!, 2);
  let found = 0;
  let zeroIdx = 0;
  for (let i = 2; i < k; i++) {
    const z = isZero(em[i]!);
    zeroIdx = select(z & (1 ^ found), i, zeroIdx);
    found |= z;
  }
  good &= found;
  good &= ge(zeroIdx, 10); // at least eight bytes of non-zero padding
  good &= 1 ^ malformed;

  const msgLen = select(good, k - 1 - zeroIdx, synthLen);
  const out = Buffer.alloc(k);
  for (let i = 0; i < k; i++) out[i] = select(good, em[i]!, synthetic[i]!);
  return out.subarray(k - msgLen);
}

// ---- packets

export interface CardFromCryptogram {
  number: string;
  expMonth: number;
  expYear: number;
  cvv: string;
}

interface Packet {
  ciphertext: Buffer;
  /** what the packet says in the clear; checked against the plaintext */
  first6: string | null;
  last4: string | null;
  yymm: string | null;
}

function b64(text: unknown): Buffer | null {
  if (typeof text !== 'string' || text.length > 8192 || !/^[A-Za-z0-9+/\-_]+={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

function parsePacket(packet: string): Packet | null {
  const s = packet.trim().replace(/\s+/g, '');
  // legacy: "01" + BIN6 + last4 + YYMM + keyVersion(2) + base64(ciphertext)
  const legacy = /^01(\d{6})(\d{4})(\d{4})([0-9A-Za-z]{2})([A-Za-z0-9+/]+={0,2})$/.exec(s);
  if (legacy) {
    const ct = b64(legacy[5]);
    return ct && { ciphertext: ct, first6: legacy[1]!, last4: legacy[2]!, yymm: legacy[3]! };
  }
  // current: base64 of a JSON object {Type:"CloudCard", …, CardInfo:{…}, KeyVersion, Value}
  const outer = b64(s);
  if (!outer) return null;
  let j: unknown;
  try {
    j = JSON.parse(outer.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null) return null;
  const o = j as {
    Type?: unknown;
    Value?: unknown;
    CardInfo?: { FirstSixDigits?: unknown; LastFourDigits?: unknown; ExpDateYear?: unknown; ExpDateMonth?: unknown };
  };
  if (o.Type !== undefined && o.Type !== 'CloudCard') return null;
  const ct = b64(o.Value);
  if (!ct) return null;
  const ci = o.CardInfo ?? {};
  const yy = ci.ExpDateYear === undefined ? null : String(ci.ExpDateYear).slice(-2).padStart(2, '0');
  const mm = ci.ExpDateMonth === undefined ? null : String(ci.ExpDateMonth).padStart(2, '0');
  return {
    ciphertext: ct,
    first6: ci.FirstSixDigits === undefined ? null : String(ci.FirstSixDigits),
    last4: ci.LastFourDigits === undefined ? null : String(ci.LastFourDigits),
    yymm: yy !== null && mm !== null ? yy + mm : null,
  };
}

const PLAINTEXT_RE = /^(\d{12,19})@(\d{2})(\d{2})@(\d{3,4})@([\x21-\x7e]{1,100})$/;

/**
 * Decodes a CardCryptogramPacket made for this merchant. Anything wrong (format, padding, plaintext, a packet
 * made for another PublicId, a header that disagrees with the plaintext) gives the same CpError.
 */
export function decodeCryptogram(key: GatewayKey, packet: string, publicId: string): CardFromCryptogram {
  const p = parsePacket(packet);
  const ciphertext = p?.ciphertext ?? Buffer.alloc(0);
  const plain = decryptPkcs1(key, ciphertext).toString('latin1');
  const m = PLAINTEXT_RE.exec(plain);
  const pan = m?.[1] ?? '';
  const yymm = m ? m[2]! + m[3]! : '';
  let valid = p !== null && m !== null;
  valid = safeEqual(m?.[5] ?? '', publicId) && valid;
  if (p?.first6 != null) valid = pan.startsWith(p.first6) && valid;
  if (p?.last4 != null) valid = pan.endsWith(p.last4) && valid;
  if (p?.yymm != null) valid = yymm === p.yymm && valid;
  const month = Number(m?.[3] ?? 0);
  valid = month >= 1 && month <= 12 && valid;
  if (!valid || !m) throw new CpError(INVALID_CRYPTOGRAM);
  return { number: pan, expMonth: month, expYear: 2000 + Number(m[2]), cvv: m[4]! };
}
