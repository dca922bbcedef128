// NovaPay signatures: RSA PKCS#1 v1.5, base64, over the exact body bytes. Requests carry `x-sign`
// (SHA-1 in the legacy, SHA-256 in the current SDK); responses and postbacks carry `X-Sign` (SHA-1)
// and `x-sign-v2` (SHA-256). Shared by the server and the typed client; node:crypto only.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export type SignAlgorithm = 'sha1' | 'sha256';

export const REQUEST_SIGN_HEADER = 'x-sign';
export const LEGACY_SIGN_HEADER = 'X-Sign';
export const V2_SIGN_HEADER = 'x-sign-v2';

const publicKeys = new Map<string, KeyObject | null>();
const privateKeys = new Map<string, KeyObject>();

/** A public key from PEM (SPKI or PKCS#1), cached; null when the text is not a usable RSA public key. */
export function publicKeyOf(pem: string): KeyObject | null {
  let k = publicKeys.get(pem);
  if (k !== undefined) return k;
  try {
    k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'rsa') k = null;
  } catch {
    k = null;
  }
  if (publicKeys.size > 1000) publicKeys.clear();
  publicKeys.set(pem, k);
  return k;
}

export function privateKeyOf(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  let k = privateKeys.get(pem);
  if (!k) {
    k = createPrivateKey(pem);
    if (privateKeys.size > 100) privateKeys.clear();
    privateKeys.set(pem, k);
  }
  return k;
}

/** base64 RSA PKCS#1 v1.5 signature of the exact bytes. */
export function signBody(body: string | Buffer, privateKey: string | KeyObject, algorithm: SignAlgorithm): string {
  const s = createSign(algorithm === 'sha1' ? 'RSA-SHA1' : 'RSA-SHA256');
  s.update(body);
  s.end();
  return s.sign(privateKeyOf(privateKey), 'base64');
}

export function verifyBody(body: string | Buffer, signature: string, publicKey: string | KeyObject, algorithm: SignAlgorithm): boolean {
  const key = typeof publicKey === 'string' ? publicKeyOf(publicKey) : publicKey;
  if (!key) return false;
  const sig = normalizeSignature(signature);
  if (!sig) return false;
  try {
    const v = createVerify(algorithm === 'sha1' ? 'RSA-SHA1' : 'RSA-SHA256');
    v.update(body);
    v.end();
    return v.verify(key, sig);
  } catch {
    return false;
  }
}

/** The signature bytes of a base64 header value (whitespace tolerated); null when it is not base64. */
function normalizeSignature(value: string): Buffer | null {
  const text = value.replace(/\s+/g, '');
  if (!text || text.length > 2048 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const buf = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return buf.length ? buf : null;
}

/** Which algorithm a request signature verifies with (SHA-1 first, as legacy clients sign), or null. */
export function verifyEither(body: string | Buffer, signature: string, publicKey: string | KeyObject): SignAlgorithm | null {
  if (verifyBody(body, signature, publicKey, 'sha1')) return 'sha1';
  if (verifyBody(body, signature, publicKey, 'sha256')) return 'sha256';
  return null;
}

/**
 * The text some PHP clients signed when they sent `json_encode` output but signed the
 * `JSON_UNESCAPED_UNICODE` form (tibezh/novapay-php, the WooCommerce plugin): every `\uXXXX` escape of a
 * non-ASCII character (surrogate pairs joined) written as the character itself. U+2028/U+2029 stay
 * escaped, as PHP keeps them. Returns null when the body has no such escape.
 */
export function unescapeUnicode(body: string): string | null {
  let out = '';
  let changed = false;
  const hex4 = (at: number): number => (/^[0-9a-fA-F]{4}$/.test(body.slice(at, at + 4)) ? parseInt(body.slice(at, at + 4), 16) : -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next !== 'u') {
      // any other escape (\\, \", \/, \n, ...) is copied as it is
      out += ch + (next ?? '');
      i++;
      continue;
    }
    const a = hex4(i + 2);
    if (a < 0) {
      out += '\\u';
      i++;
      continue;
    }
    if (a >= 0xd800 && a <= 0xdbff && body[i + 6] === '\\' && body[i + 7] === 'u') {
      const b = hex4(i + 8);
      if (b >= 0xdc00 && b <= 0xdfff) {
        out += String.fromCodePoint(0x10000 + ((a - 0xd800) << 10) + (b - 0xdc00));
        changed = true;
        i += 11;
        continue;
      }
    }
    if (a < 0x80 || a === 0x2028 || a === 0x2029 || (a >= 0xd800 && a <= 0xdfff)) {
      out += body.slice(i, i + 6);
    } else {
      out += String.fromCharCode(a);
      changed = true;
    }
    i += 5;
  }
  return changed ? out : null;
}
