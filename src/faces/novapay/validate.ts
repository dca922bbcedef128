// Small hand-written validators for NovaPay bodies. Each problem is described for both generations of
// clients: the legacy clients' ajv errors (`dataPath` + "should be string") and today's zod-style errors
// (`path` + `code` + "Invalid input: expected string, received number"). No schema library.
import { CoreError } from '../../core/errors.js';
import { parseMajor } from '../../core/money.js';
import { isHttpUrl } from '../kit/urls.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../kit/json-depth.js';
import { CURRENCY, type Issue } from './wire.js';

export type Obj = Record<string, unknown>;
type Path = Array<string | number>;

export const MAX_AMOUNT = 10_000_000_00n; // 10 million hryvnias in kopecks

export function kindOf(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : 'number';
  return typeof v;
}

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const URI_RE = /^[a-z][a-z0-9+.-]*:[^\s]*$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?\d{10,15}$/;
const DECIMAL_RE = /^\d{1,12}(?:\.\d{1,12})?$/;

export class Checker {
  readonly issues: Issue[] = [];

  get ok(): boolean {
    return this.issues.length === 0;
  }

  missing(path: Path, key: string, expected: string): void {
    this.issues.push({
      path,
      missingProperty: key,
      code: 'invalid_type',
      message: `Invalid input: expected ${expected}, received undefined`,
      legacy: `should have required property '${key}'`,
    });
  }

  wrongType(path: Path, expected: string[], got: unknown): void {
    this.issues.push({
      path,
      code: 'invalid_type',
      message: `Invalid input: expected ${expected[0]}, received ${kindOf(got)}`,
      legacy: `should be ${expected.join(',')}`,
    });
  }

  tooLong(path: Path, max: number): void {
    this.issues.push({
      path,
      code: 'too_big',
      message: `Too big: expected string to have <=${max} characters`,
      legacy: `should NOT be longer than ${max} characters`,
    });
  }

  tooShort(path: Path, min: number): void {
    this.issues.push({
      path,
      code: 'too_small',
      message: `Too small: expected string to have >=${min} characters`,
      legacy: `should NOT be shorter than ${min} characters`,
    });
  }

  below(path: Path, min: string): void {
    this.issues.push({ path, code: 'too_small', message: `Too small: expected number to be >=${min}`, legacy: `should be >= ${min}` });
  }

  above(path: Path, max: string): void {
    this.issues.push({ path, code: 'too_big', message: `Too big: expected number to be <=${max}`, legacy: `should be <= ${max}` });
  }

  format(path: Path, format: 'uri' | 'email' | 'uuid'): void {
    const message = format === 'uri' ? 'Invalid URL' : format === 'email' ? 'Invalid email address' : 'Invalid UUID';
    this.issues.push({ path, code: 'invalid_format', message, legacy: `should match format "${format}"` });
  }

  custom(path: Path, keyword: string, message: string): void {
    this.issues.push({ path, code: 'custom', message, legacy: `should pass "${keyword}" keyword validation` });
  }

  /** A string (or null where allowed); undefined when absent. */
  str(
    o: Obj,
    key: string,
    base: Path,
    opts: { required?: boolean; nullable?: boolean; max?: number; min?: number; format?: 'uri' | 'email' | 'uuid' | 'phone' } = {},
  ): string | null | undefined {
    const v = o[key];
    const path = [...base, key];
    if (v === undefined) {
      if (opts.required) this.missing(base, key, 'string');
      return undefined;
    }
    if (v === null && opts.nullable !== false && !opts.required) return null;
    if (typeof v !== 'string') {
      this.wrongType(path, opts.nullable !== false && !opts.required ? ['string', 'null'] : ['string'], v);
      return undefined;
    }
    const max = opts.max ?? 255;
    if (v.length > max) {
      this.tooLong(path, max);
      return undefined;
    }
    if (opts.min !== undefined && v.length < opts.min) {
      this.tooShort(path, opts.min);
      return undefined;
    }
    if (v === '' && !opts.required && opts.format !== undefined) return null;
    if (opts.format === 'uri' && !isHttpUri(v)) {
      this.format(path, 'uri');
      return undefined;
    }
    if (opts.format === 'email' && !EMAIL_RE.test(v)) {
      this.format(path, 'email');
      return undefined;
    }
    if (opts.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
      this.format(path, 'uuid');
      return undefined;
    }
    if (opts.format === 'phone' && !PHONE_RE.test(v.replace(/[\s()-]/g, ''))) {
      this.custom(path, 'validPhone', 'Invalid phone number: use the international format, e.g. +380501112233');
      return undefined;
    }
    return v;
  }

  /** A money amount in hryvnias (number or numeric string, at most 2 decimals, >= 0.01) → kopecks. */
  amount(o: Obj, key: string, base: Path, opts: { required?: boolean; keyword?: string } = {}): bigint | undefined {
    const v = o[key];
    const path = [...base, key];
    if (v === undefined || v === null) {
      if (opts.required) {
        if (v === null) this.wrongType(path, ['number'], v);
        else this.missing(base, key, 'number');
      }
      return undefined;
    }
    let text: string;
    if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
    else if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) text = v.trim();
    else {
      this.wrongType(path, ['number'], v);
      return undefined;
    }
    let minor: bigint;
    try {
      minor = parseMajor(typeof v === 'number' ? v : text, CURRENCY);
    } catch (e) {
      if (e instanceof CoreError) this.custom(path, opts.keyword ?? 'validAmount', 'Invalid amount: at most 2 decimal places');
      else throw e;
      return undefined;
    }
    if (minor < 1n) {
      this.below(path, '0.01');
      return undefined;
    }
    if (minor > MAX_AMOUNT) {
      this.above(path, '10000000');
      return undefined;
    }
    return minor;
  }

  /** A non-negative decimal (number or numeric string) with a minimum, as exact text. */
  decimal(o: Obj, key: string, base: Path, opts: { required?: boolean; min: string }): string | undefined {
    const v = o[key];
    const path = [...base, key];
    if (v === undefined || v === null) {
      if (opts.required) {
        if (v === null) this.wrongType(path, ['number'], v);
        else this.missing(base, key, 'number');
      }
      return undefined;
    }
    const text = typeof v === 'number' && Number.isFinite(v) ? numberText(v) : typeof v === 'string' ? v.trim() : null;
    if (text === null || !DECIMAL_RE.test(text)) {
      this.wrongType(path, ['number'], v);
      return undefined;
    }
    if (compareDecimal(text, opts.min) < 0) {
      this.below(path, opts.min);
      return undefined;
    }
    return text;
  }

  /** An integer count (number or numeric string) >= min. */
  count(o: Obj, key: string, base: Path, opts: { min: number }): number | null | undefined {
    const v = o[key];
    const path = [...base, key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      this.wrongType(path, ['number', 'null'], v);
      return undefined;
    }
    if (n < opts.min) {
      this.below(path, String(opts.min));
      return undefined;
    }
    return n;
  }

  bool(o: Obj, key: string, base: Path): boolean | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === '1' || v === 'true') return true;
    if (v === 0 || v === '0' || v === 'false' || v === '') return false;
    this.wrongType([...base, key], ['boolean'], v);
    return undefined;
  }

  object(o: Obj, key: string, base: Path, opts: { required?: boolean; nullable?: boolean } = {}): Obj | null | undefined {
    const v = o[key];
    if (v === undefined) {
      if (opts.required) this.missing(base, key, 'object');
      return undefined;
    }
    if (v === null && opts.nullable) return null;
    if (!isObject(v)) {
      this.wrongType([...base, key], opts.nullable ? ['object', 'null'] : ['object'], v);
      return undefined;
    }
    if (jsonDepthExceeds(v)) {
      this.tooDeep([...base, key]);
      return undefined;
    }
    return v;
  }

  /** A free-form value nested deeper than MAX_JSON_DEPTH (stored values are walked recursively later). */
  tooDeep(path: Path): void {
    this.issues.push({
      path,
      code: 'too_big',
      message: `Too big: expected at most ${MAX_JSON_DEPTH} levels of nesting`,
      legacy: `should NOT be nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
  }

  array(o: Obj, key: string, base: Path, opts: { max?: number } = {}): unknown[] | null | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (!Array.isArray(v)) {
      this.wrongType([...base, key], ['array', 'null'], v);
      return undefined;
    }
    if (opts.max !== undefined && v.length > opts.max) {
      this.issues.push({
        path: [...base, key],
        code: 'too_big',
        message: `Too big: expected array to have <=${opts.max} items`,
        legacy: `should NOT have more than ${opts.max} items`,
      });
      return undefined;
    }
    if (jsonDepthExceeds(v)) {
      this.tooDeep([...base, key]);
      return undefined;
    }
    return v;
  }

  /** merchant_id: a positive integer as a number or a string. */
  merchantId(o: Obj, base: Path, required: boolean): string | undefined {
    const v = o.merchant_id;
    if (v === undefined || v === null) {
      if (required) this.missing(base, 'merchant_id', 'string');
      return undefined;
    }
    if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,18}$/.test(v.trim())))
      return String(v).trim();
    this.wrongType([...base, 'merchant_id'], ['string'], v);
    return undefined;
  }
}

/** An absolute http(s) URL without whitespace or control characters (success_url, fail_url, callback_url). */
export function isHttpUri(v: string): boolean {
  return URI_RE.test(v) && isHttpUrl(v);
}

/** The plain decimal text of a JS number (no exponent). */
export function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(12).replace(/\.?0+$/, '');
}

/** Compares two non-negative decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const len = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(len, '0'));
  const y = BigInt(bi + bf.padEnd(len, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A decimal string scaled to an integer number of 10^-digits units, rounded up (weights → grams). */
export function scaleUp(text: string, digits: number): bigint {
  const [i = '0', f = ''] = text.split('.');
  const head = BigInt(i + f.slice(0, digits).padEnd(digits, '0'));
  return /[1-9]/.test(f.slice(digits)) ? head + 1n : head;
}
