import { randomFillSync, randomUUID } from 'node:crypto';

export function uuid(): string {
  return randomUUID();
}

// Random bytes are drawn from the system's CSPRNG 8 KiB at a time: one call per token would cost a system call
// each. A byte is used once and the pool is refilled when spent.
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolAt = POOL_SIZE;

function randomByte(): number {
  if (poolAt === POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random token of url-safe letters and digits (uniform, rejection sampling). */
export function randomToken(length = 32): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/** Random decimal digits (uniform, rejection sampling). */
export function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 250) out += String(b % 10);
  }
  return out;
}

export function randomHex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += randomByte().toString(16).padStart(2, '0');
  return out;
}
