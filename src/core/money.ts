// Money: integer minor units (bigint) with exact decimal conversion per currency. No floats.
import { CoreError } from './errors.js';

export interface CurrencyInfo {
  code: string;
  /** ISO 4217 numeric code */
  numeric: number;
  /** number of minor-unit digits */
  exponent: number;
}

const CURRENCIES: Record<string, CurrencyInfo> = {};
function def(code: string, numeric: number, exponent: number): void {
  CURRENCIES[code] = { code, numeric, exponent };
}
def('RUB', 643, 2);
def('USD', 840, 2);
def('EUR', 978, 2);
def('GBP', 826, 2);
def('UAH', 980, 2);
def('KZT', 398, 2);
def('BYN', 933, 2);
def('AMD', 51, 2);
def('AZN', 944, 2);
def('UZS', 860, 2);
def('TJS', 972, 2);
def('GEL', 981, 2);
def('KGS', 417, 2);
def('TRY', 949, 2);
def('PLN', 985, 2);
def('CZK', 203, 2);
def('CNY', 156, 2);
def('JPY', 392, 0);
def('VND', 704, 0);
def('KRW', 410, 0);

export function currencyInfo(code: string): CurrencyInfo {
  const info = CURRENCIES[code.toUpperCase()];
  if (!info) throw new CoreError('CURRENCY_UNSUPPORTED', `unsupported currency ${code}`);
  return info;
}

export function isSupportedCurrency(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, code.toUpperCase());
}

export function supportedCurrencies(): CurrencyInfo[] {
  return Object.values(CURRENCIES);
}

/**
 * The largest amount of one operation (a payment, a payout, a ledger transfer), in minor units: fifteen digits,
 * just under ten trillion roubles or dollars. Faces may allow less where their provider documents a limit.
 */
export const MAX_AMOUNT = 999_999_999_999_999n;

/** The largest value a store keeps in a money column: a signed 64-bit integer (PostgreSQL bigint, SQLite integer). */
export const MAX_STORED = 2n ** 63n - 1n;
const MIN_STORED = -(2n ** 63n);

/** An operation's amount in minor units, checked: AMOUNT_TOO_SMALL at or below zero, AMOUNT_TOO_LARGE above MAX_AMOUNT. */
export function checkAmount(minor: bigint, what = 'amount'): bigint {
  if (minor <= 0n) throw new CoreError('AMOUNT_TOO_SMALL', `${what} must be positive`);
  if (minor > MAX_AMOUNT) throw new CoreError('AMOUNT_TOO_LARGE', `${what} must be at most ${MAX_AMOUNT} minor units`);
  return minor;
}

/**
 * a + b, refused with AMOUNT_TOO_LARGE when the sum leaves the range a store can hold (a signed 64-bit integer):
 * bigint arithmetic never overflows, the columns it is written to do.
 */
export function checkedAdd(a: bigint, b: bigint): bigint {
  const sum = a + b;
  if (sum > MAX_STORED || sum < MIN_STORED) throw new CoreError('AMOUNT_TOO_LARGE', 'the total would exceed what the ledger can hold');
  return sum;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

export type Rounding = 'reject' | 'half-up';

/**
 * Parse a decimal amount in major units ("10.5", 10.5, "10") into minor units, exactly.
 * A JS number is read through its shortest round-trip decimal representation (what JSON shows),
 * so 10.5 → "10.5" → 1050n with no binary floating-point arithmetic on the amount.
 */
export function parseMajor(value: string | number | bigint, currency: string, rounding: Rounding = 'reject'): bigint {
  const { exponent } = currencyInfo(currency);
  let text: string;
  if (typeof value === 'bigint') return value * 10n ** BigInt(exponent);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CoreError('AMOUNT_INVALID', 'amount is not a finite number');
    text = numberToPlainString(value);
  } else {
    text = value.trim();
  }
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new CoreError('AMOUNT_INVALID', `invalid amount ${JSON.stringify(String(value)).slice(0, 40)}`);
  const neg = m[1] === '-';
  const intPart = m[2] ?? '0';
  let frac = m[3] ?? '';
  let roundUp = false;
  if (frac.length > exponent) {
    const extra = frac.slice(exponent);
    if (/[1-9]/.test(extra)) {
      if (rounding === 'reject') {
        throw new CoreError('AMOUNT_PRECISION', `amount has more than ${exponent} fractional digits`);
      }
      roundUp = extra.charCodeAt(0) >= 53; // '5'
    }
    frac = frac.slice(0, exponent);
  }
  frac = frac.padEnd(exponent, '0');
  if (intPart.length > 30) throw new CoreError('AMOUNT_INVALID', 'amount is too large');
  let minor = BigInt(intPart + frac);
  if (roundUp) minor += 1n;
  return neg ? -minor : minor;
}

/** Parse an integer amount given in minor units ("1000" kopecks). */
export function parseMinor(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new CoreError('AMOUNT_INVALID', 'amount must be an integer');
    return BigInt(value);
  }
  const text = value.trim();
  if (!/^-?\d{1,30}$/.test(text)) throw new CoreError('AMOUNT_INVALID', 'amount must be an integer string');
  return BigInt(text);
}

/** Format minor units as a decimal string in major units: 1050n RUB → "10.50". */
export function formatMajor(minor: bigint, currency: string, opts: { trimZeros?: boolean } = {}): string {
  const { exponent } = currencyInfo(currency);
  const neg = minor < 0n;
  const abs = neg ? -minor : minor;
  const digits = abs.toString().padStart(exponent + 1, '0');
  const intPart = exponent === 0 ? digits : digits.slice(0, digits.length - exponent);
  let frac = exponent === 0 ? '' : digits.slice(digits.length - exponent);
  if (opts.trimZeros) frac = frac.replace(/0+$/, '');
  return (neg ? '-' : '') + intPart + (frac ? '.' + frac : '');
}

/**
 * A JSON number for wire formats that carry amounts as numbers (CloudPayments `Amount: 10.5`).
 * The value is produced from the exact decimal string; the double it yields prints back as that string.
 */
export function toWireNumber(minor: bigint, currency: string): number {
  return Number(formatMajor(minor, currency, { trimZeros: true }));
}

/** The plain decimal text of a JS number without exponent notation. */
export function numberToPlainString(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Expand exponent notation exactly from the shortest representation's digits.
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const sign = m[1] ?? '';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4]);
  const pointPos = 1 + exp;
  if (pointPos <= 0) return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
  if (pointPos >= digits.length) return sign + digits + '0'.repeat(pointPos - digits.length);
  return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
}

/** Percentage of an amount, in basis points (1% = 100 bp), rounded half up. */
export function percentOf(minor: bigint, basisPoints: bigint): bigint {
  const num = minor * basisPoints;
  const q = num / 10000n;
  const r = num % 10000n;
  return r * 2n >= 10000n ? q + 1n : q;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
