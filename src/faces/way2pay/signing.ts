// Way2Pay request signing (both generations) and callback signatures, shared by the server's checks and
// the typed client.
//   generation 1 (the original README): hex HMAC-SHA256(secret, JSON body + nonce); nonce = unix seconds + 300 (an expiry)
//   generation 2:            hex HMAC-SHA512(secret, path + JSON with recursively sorted keys + Expires), as
//                            generation 3 signs, with the Expires header (unix seconds) in place of the nonce
//   generation 3 (current):  hex HMAC-SHA512(secret, path + JSON with recursively sorted keys + nonce), the
//                            path with "?" + its query string (parameters in alphabetical order) when the
//                            request has one; GET signs an empty body; the nonce is a strictly increasing
//                            18-digit number
//   callbacks:               X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
import { createHmac } from 'node:crypto';

export function hmacHex(algorithm: 'sha256' | 'sha512', secret: string, message: string | Buffer): string {
  return createHmac(algorithm, secret).update(message).digest('hex');
}

/** Generation 1: the message is the JSON body followed by the nonce. */
export function gen1Message(body: string, nonce: string | number | bigint): string {
  return `${body}${nonce}`;
}

export function gen1Signature(secret: string, body: string | Buffer, nonce: string | number | bigint): string {
  const msg = Buffer.isBuffer(body) ? Buffer.concat([body, Buffer.from(String(nonce))]) : gen1Message(body, nonce);
  return hmacHex('sha256', secret, msg);
}

/** Recursively sorts object keys (arrays keep their order), as the provider's sortObjectKeys does. */
export function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    Object.defineProperty(out, k, {
      value: sortKeys((v as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Sorts keys at every depth, inside arrays too (PHP's ksort-based sortObjectKeys does). */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    Object.defineProperty(out, k, {
      value: sortKeysDeep((v as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** JSON with recursively sorted keys and no spaces (JSON.stringify of the sorted object). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? '';
}

/** The same JSON with non-ASCII characters escaped as \uXXXX (what PHP's json_encode and Python's json.dumps send). */
export function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Generation 3: path (with its query string, if any) + sorted JSON body ("" for GET and bodiless requests) + nonce. */
export function gen3Message(path: string, body: unknown, nonce: string | number | bigint): string {
  const bodyString = body === undefined || body === null ? '' : typeof body === 'string' ? body : canonicalJson(body);
  return `${path}${bodyString}${nonce}`;
}

export function gen3Signature(secret: string, path: string, body: unknown, nonce: string | number | bigint): string {
  return hmacHex('sha512', secret, gen3Message(path, body, nonce));
}

/** Generation 2: path (with its query string, if any) + sorted JSON body ("" for GET) + Expires, HMAC-SHA512. */
export function gen2Signature(secret: string, path: string, body: unknown, expires: string | number | bigint): string {
  return gen3Signature(secret, path, body, expires);
}

/** The callback signature header value: `sha256=<hex>` over `timestamp + "." + rawBody`. */
export function callbackSignature(secret: string, timestamp: string | number, rawBody: string): string {
  return 'sha256=' + hmacHex('sha256', secret, `${timestamp}.${rawBody}`);
}

// ---------------------------------------------------------------------------------------------- nonces

const lastNonces = new Map<string, bigint>();

/**
 * The next nonce for a key, strictly greater than the previous one this process issued for it:
 *   generations 1 and 2: unix seconds + 300 (an expiry: generation 1's nonce, generation 2's Expires), bumped by
 *                 one when requests come faster;
 *   generation 3: 18 digits, milliseconds followed by five digits of counter.
 */
export function nextNonce(publicKey: string, generation: 1 | 2 | 3, nowMs = Date.now()): string {
  const candidate = generation !== 3 ? BigInt(Math.floor(nowMs / 1000) + 300) : BigInt(Math.floor(nowMs)) * 100_000n;
  const last = lastNonces.get(`${generation}:${publicKey}`) ?? 0n;
  const next = candidate > last ? candidate : last + 1n;
  lastNonces.set(`${generation}:${publicKey}`, next);
  return next.toString();
}
