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
