// Card number rules: Luhn, brand detection, masking, expiry.
import { CoreError } from './errors.js';

export type CardBrand = 'Visa' | 'Mastercard' | 'MIR';

/**
 * What may stand between the digits of a card number as a client writes it: any white space as JavaScript's `\s`
 * defines it (spaces, tabs, line breaks, the no-break and other Unicode spaces, the byte order mark) and the
 * hyphen, in any number. One definition for normalizePan and for the request log's redaction
 * (src/server/redaction.ts), which joins digits across exactly these characters: they cannot drift apart.
 */
export const PAN_SEPARATOR_CLASS = '[\\s-]';
const PAN_SEPARATORS = new RegExp(PAN_SEPARATOR_CLASS, 'g');

/** The card number without its separators (PAN_SEPARATOR_CLASS). */
export function normalizePan(input: string): string {
  return input.replace(PAN_SEPARATORS, '');
}

export function luhnValid(pan: string): boolean {
  if (!/^\d{12,19}$/.test(pan)) return false;
  let sum = 0;
  let double = false;
  for (let i = pan.length - 1; i >= 0; i--) {
    let d = pan.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The check digit that makes `partial + digit` pass Luhn. */
export function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return String(d);
  throw new Error('unreachable');
}

export function detectBrand(pan: string): CardBrand | null {
  if (/^4/.test(pan)) return 'Visa';
  const p2 = Number(pan.slice(0, 2));
  const p4 = Number(pan.slice(0, 4));
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return 'Mastercard';
  if (p4 >= 2200 && p4 <= 2204) return 'MIR';
  return null;
}

/** first6 + stars + last4, e.g. 424242******4242 */
export function maskPan(pan: string, fill = '*'): string {
  if (pan.length < 10) return fill.repeat(pan.length);
  return pan.slice(0, 6) + fill.repeat(pan.length - 10) + pan.slice(-4);
}

export interface CardInput {
  number: string;
  expMonth: number;
  /** four-digit year */
  expYear: number;
  cvv?: string | undefined;
  holder?: string | undefined;
}

/** Parses the expiry forms the faces send (month "1".."12", year "25" or "2025"). */
export function parseExpiry(month: string | number, year: string | number): { expMonth: number; expYear: number } {
  const m = typeof month === 'number' ? month : /^\d{1,2}$/.test(month.trim()) ? Number(month) : NaN;
  let y = typeof year === 'number' ? year : /^\d{2}(\d{2})?$/.test(year.trim()) ? Number(year) : NaN;
  if (!Number.isInteger(m) || m < 1 || m > 12) throw new CoreError('CARD_EXPIRY_INVALID', 'invalid expiry month');
  if (!Number.isInteger(y)) throw new CoreError('CARD_EXPIRY_INVALID', 'invalid expiry year');
  if (y < 100) y += 2000;
  if (y < 2000 || y > 2099) throw new CoreError('CARD_EXPIRY_INVALID', 'invalid expiry year');
  return { expMonth: m, expYear: y };
}

/** True when the card is past the last day of its expiry month at `nowMs`. */
export function isExpired(expMonth: number, expYear: number, nowMs: number): boolean {
  const endOfMonth = Date.UTC(expYear, expMonth, 1); // first instant of the following month
  return nowMs >= endOfMonth;
}

export function validateCardNumber(input: string): { pan: string; brand: CardBrand } {
  const pan = normalizePan(input);
  if (!luhnValid(pan)) throw new CoreError('CARD_NUMBER_INVALID');
  const brand = detectBrand(pan);
  if (!brand) throw new CoreError('CARD_BRAND_UNSUPPORTED');
  return { pan, brand };
}
