// Card numbers written inside free text (a description, an account reference, JSON metadata): a merchant may put
// one there, in any formatting a client writes a card number with. Such a number is never kept or shown in clear:
// the payment and payout records mask it on arrival, and the request log masks it in what it keeps.
import { luhnValid, maskPan, PAN_SEPARATOR_CLASS } from './cards.js';
import type { Json } from './model.js';

/** What stands for a run of digits that holds a card number but is not one (a longer number). */
export const REDACTED = '[redacted]';

const SEPARATORS = new RegExp(PAN_SEPARATOR_CLASS, 'g');
/** Digits joined by separators (the same characters normalizePan removes, in any number). */
const DIGIT_RUN = new RegExp(`[0-9](?:${PAN_SEPARATOR_CLASS}*[0-9])+`, 'g');

function containsCardNumber(digits: string): boolean {
  for (let len = 13; len <= 19; len++) for (let i = 0; i + len <= digits.length; i++) if (luhnValid(digits.slice(i, i + len))) return true;
  return false;
}

/** Whether a text has 13 digits joined by separators at all (most texts do not: they are left as they are at once). */
const LONG_RUN = new RegExp(`[0-9](?:${PAN_SEPARATOR_CLASS}*[0-9]){12}`);

/** Masks card numbers written inside any text: a Luhn-valid 13–19 digit run to first 6 + last 4, a longer run holding one to [redacted]. */
export function maskCardRuns(text: string): { text: string; changed: boolean } {
  if (!LONG_RUN.test(text)) return { text, changed: false };
  let changed = false;
  const out = text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(SEPARATORS, '');
    if (digits.length < 13) return run;
    if (digits.length <= 19 && luhnValid(digits)) {
      changed = true;
      return maskPan(digits);
    }
    if (containsCardNumber(digits)) {
      changed = true;
      return REDACTED;
    }
    return run;
  });
  return { text: out, changed };
}

/** A text with its card numbers masked (the text itself when it holds none). */
export function maskCardNumbers(text: string): string {
  if (!LONG_RUN.test(text)) return text;
  // a run of digits inside an identifier (a UUID's groups, `ord_1234...`) is part of that identifier, not a card
  // number: only runs standing on their own are masked in what is stored
  return text.replace(DIGIT_RUN, (run, at: number) =>
    /[A-Za-z0-9_]-*$/.test(text.slice(Math.max(0, at - 40), at)) ||
    /^-*[A-Za-z0-9_]/.test(text.slice(at + run.length, at + run.length + 40))
      ? run
      : maskCardRuns(run).text,
  );
}

/** Any key naming a card verification code (`cvv`, `card_cvv`, `CvcCode`, ...): its value is never kept. */
export const CVV_LIKE = /cvv|cvc|cvn/i;

/**
 * A JSON value with card numbers masked in every string, every number whose digits form one made a masked string,
 * and the value of every key naming a card verification code replaced by REDACTED.
 */
export function maskCardNumbersIn<T extends Json | undefined>(v: T): T {
  if (typeof v === 'string') return maskCardNumbers(v) as T;
  if (typeof v === 'number') {
    const digits = Number.isInteger(v) ? String(Math.abs(v)) : '';
    return (digits.length >= 13 && maskCardRuns(digits).changed ? maskCardNumbers(digits) : v) as T;
  }
  if (Array.isArray(v)) return v.map((x) => maskCardNumbersIn(x)) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = CVV_LIKE.test(k) && x !== null && x !== '' ? REDACTED : maskCardNumbersIn(x as Json);
    return out as T;
  }
  return v;
}
