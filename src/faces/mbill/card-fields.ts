// A card's fields as Mbill checks them, read with the kit's Fields: the number (Luhn, Visa or Mastercard), the
// expiry (month 1–12, a four-digit year from 2016 to 2030, as the reference server) and the CVV (checked, then
// dropped: it is never stored). POST /tokens and a sender's `card` send all of them; a `card-number` only the number.
import { detectBrand, luhnValid, normalizePan } from '../../core/cards.js';
import { numberToPlainString } from '../../core/money.js';
import type { Fields } from '../kit/fields.js';
import { formatOf, ownProblem } from './http.js';
import { CVV_RE, EXP_YEAR_MAX, EXP_YEAR_MIN, MONTH_RE, YEAR_RE } from './limits.js';

export interface CardData {
  number: string;
  expMonth: number;
  expYear: number;
}

/** A string field; numbers are taken as their text (as the form a browser sends would be). */
export function text(f: Fields, key: string, required = false): string | undefined {
  const v = f.raw(key);
  if (typeof v === 'number' && Number.isFinite(v)) return numberToPlainString(v);
  return f.str(key, { required });
}

// ---- cards

/** A Visa or Mastercard number that passes Luhn (digits only), or undefined. */
function validCardNumber(raw: string): string | undefined {
  const pan = normalizePan(raw);
  if (!/^\d+$/.test(pan) || !luhnValid(pan)) return undefined;
  const brand = detectBrand(pan);
  return brand === 'Visa' || brand === 'Mastercard' ? pan : undefined;
}

export function cardNumber(f: Fields): string | undefined {
  const n = text(f, 'number', true);
  if (n === undefined) return undefined;
  const pan = validCardNumber(n);
  if (!pan) f.problem(ownProblem([...f.path, 'number'], 'card_number'));
  return pan;
}

/** A full card (POST /tokens, or a sender `card` credential). The CVV is checked and then dropped. */
export function readCard(f: Fields): CardData | undefined {
  const number = cardNumber(f);
  let expMonth: number | undefined;
  let expYear: number | undefined;
  const m = text(f, 'expiration_month', true)?.trim();
  if (m !== undefined) {
    if (MONTH_RE.test(m)) expMonth = Number(m);
    else
      f.problem({ rule: 'format', path: [...f.path, 'expiration_month'], key: 'expiration_month', format: formatOf(MONTH_RE), value: m });
  }
  const y = text(f, 'expiration_year', true)?.trim();
  if (y !== undefined) {
    const at = [...f.path, 'expiration_year'];
    const bounds = { min: String(EXP_YEAR_MIN), max: String(EXP_YEAR_MAX) };
    if (!YEAR_RE.test(y)) f.problem({ rule: 'format', path: at, key: 'expiration_year', format: formatOf(YEAR_RE), value: y });
    else if (Number(y) < EXP_YEAR_MIN) f.problem({ rule: 'range', path: at, key: 'expiration_year', ...bounds, failed: 'min', value: y });
    else if (Number(y) > EXP_YEAR_MAX) f.problem({ rule: 'range', path: at, key: 'expiration_year', ...bounds, failed: 'max', value: y });
    else expYear = Number(y);
  }
  const cvv = text(f, 'cvv', true);
  const cvvOk = cvv !== undefined && CVV_RE.test(cvv);
  if (cvv !== undefined && !cvvOk)
    f.problem({ rule: 'format', path: [...f.path, 'cvv'], key: 'cvv', format: formatOf(CVV_RE), value: cvv });
  if (number === undefined || expMonth === undefined || expYear === undefined || !cvvOk) return undefined;
  return { number, expMonth, expYear };
}
