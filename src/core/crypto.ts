// Small cryptographic helpers over node:crypto shared by the core and the faces.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison; unequal lengths compare a buffer with itself so the time stays flat. */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ba = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const bb = Buffer.isBuffer(b) ? b : Buffer.from(b);
  if (ba.length !== bb.length) {
    timingSafeEqual(bb, bb);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

export function hmac(algorithm: 'sha256' | 'sha512' | 'sha1', key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
