// CloudPayments' parameter kinds, read with the kit's field reader (names case-insensitive, the first problem
// answered as `{"Success":false,"Message":"<Name> is required" | "Invalid <Name> value"}`): the currency (RUB by
// default), amounts in major units, integers (fractions rounded, as documented), JsonData-like values given as JSON
// or as a string holding JSON, dates in UTC or in a documented time zone, and status lists.
import { isSupportedCurrency } from '../../core/money.js';
import type { Json, JsonObject } from '../../core/model.js';
import type { Fields } from '../kit/fields.js';
import { isCpCurrency, TIME_ZONES } from './wire/formats.js';

/** The largest amount: 10^12 in major units (minor units of a two-decimal currency). */
const MAX_AMOUNT_MINOR = 10n ** 14n;
/** A JsonData given as a string holds at most this many characters. */
const MAX_JSON_TEXT = 100_000;

/** A text parameter (numbers are taken as their text). */
export function text(f: Fields, name: string, max: number, required = false): string | undefined {
  return f.str(name, { max, numbers: true, required });
}

/** An integer parameter, at least 0; a fractional value is rounded. */
export function integer(f: Fields, name: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  return f.int(name, { round: true, min: o.min ?? 0, ...(o.max !== undefined ? { max: o.max } : {}), required: o.required });
}

/** A yes/no parameter (true/false, 1/0, "yes"/"no", "on"/"off"). */
export function flag(f: Fields, name: string, aliases: string[] = []): boolean | undefined {
  return f.bool(name, { words: true, aliases });
}

/** Currency: a documented code the core holds exactly, RUB when absent. */
export function currency(f: Fields): string {
  const c = text(f, 'Currency', 10);
  const code = (c ?? 'RUB').trim().toUpperCase();
  if (!isSupportedCurrency(code) || !isCpCurrency(code))
    f.problem({ rule: 'enum', path: [...f.path, 'Currency'], key: 'Currency', allowed: [], value: c });
  return code;
}

/**
 * An amount in major units, as CloudPayments documents it: at least 0.01, with at most the currency's fractional
 * digits (two): `1.005` is refused, not rounded (`1.50`, `"1,50"` and `10.00000` are exact). At most 10^12.
 */
export function amount(f: Fields, cur: string, o: { name?: string; required?: boolean } = {}): bigint | undefined {
  return f.amount(o.name ?? 'Amount', cur, {
    form: 'major',
    decimalComma: true,
    min: 1n,
    max: MAX_AMOUNT_MINOR,
    required: o.required ?? true,
  });
}

/**
 * JsonData: any JSON value, or a string holding JSON (kept as the string when it is not JSON), nested at most
 * 64 levels deep (deeper would overflow the stack of whatever walks it later).
 */
export function jsonData(f: Fields, name: string): Json | undefined {
  const raw = f.raw(name);
  if (typeof raw === 'string') {
    if (raw.length > MAX_JSON_TEXT) return f.custom(name, 'length', `Invalid ${name} value`, raw);
    if (raw.trim() === 'null') return null;
  }
  const v = f.json(name, { parseStrings: true });
  return v === undefined ? undefined : (plain(v) as Json);
}

/** An object parameter (Payer, Receiver, CustomerReceipt): a JSON object, or a string holding one. */
export function object(f: Fields, name: string): JsonObject | undefined {
  const v = f.json(name, { parseStrings: true, objectOnly: true });
  return v === undefined ? undefined : (plain(v) as JsonObject);
}

/** A list of names: an array, repeated form keys (`Statuses[]`), or a comma-separated string. */
export function names(f: Fields, name: string): string[] | undefined {
  const v = f.raw(name);
  if (v === undefined || v === null || v === '') return undefined;
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : typeof v === 'object' ? Object.values(v as object) : null;
  if (!items || items.some((x) => typeof x !== 'string'))
    return f.problem({ rule: 'type', path: [...f.path, name], key: name, expected: ['array'], got: 'object', value: v });
  return (items as string[]).map((x) => x.trim()).filter(Boolean);
}

/** The TimeZone parameter: its offset in minutes (UTC when absent). */
export function timeZone(f: Fields): number {
  const tz = text(f, 'TimeZone', 10);
  if (tz === undefined) return 0;
  const off = TIME_ZONES[tz.trim().toUpperCase()];
  if (off === undefined)
    f.problem({ rule: 'enum', path: [...f.path, 'TimeZone'], key: 'TimeZone', allowed: Object.keys(TIME_ZONES), value: tz });
  return off ?? 0;
}

/** A date or date-time in UTC (a value without a zone is UTC): its instant. */
export function utcDate(f: Fields, name: string, required = false): number | undefined {
  const s = text(f, name, 40, required);
  if (s === undefined) return undefined;
  const t = parseUtcDate(s);
  if (t === null) return f.problem({ rule: 'format', path: [...f.path, name], key: name, format: 'date-time', value: s });
  return t;
}

/**
 * A date in a time zone (offset in minutes): its instant, and whether only a date (no time) was given. A value
 * with its own zone keeps it. `dayOnly` reads the date part only (/payments/list's Date).
 */
export function localDate(
  f: Fields,
  name: string,
  offset: number,
  o: { required?: boolean; dayOnly?: boolean } = {},
): { at: number; dateOnly: boolean } | undefined {
  const given = text(f, name, 40, o.required);
  if (given === undefined) return undefined;
  const v = o.dayOnly ? given.trim().slice(0, 10) : given;
  const at = parseUtcDate(v);
  if (at === null) return f.problem({ rule: 'format', path: [...f.path, name], key: name, format: 'date-time', value: given });
  const hasZone = /(Z|[+-]\d{2}:?\d{2})\s*$/i.test(v.trim()) && /[T ]\d/.test(v);
  return { at: hasZone ? at : at - offset * 60_000, dateOnly: !/[T ]\d/.test(v.trim()) };
}

/** Parses a date or date-time given in UTC (a value without a zone is UTC); null when it is not one. */
function parseUtcDate(v: string): number | null {
  const s = v.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return null;
  const ms = m[7] ? Number((m[7] + '000').slice(0, 3)) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const off = (Number(zm[2]) * 60 + Number(zm[3])) * (zm[1] === '-' ? -1 : 1);
    t -= off * 60_000;
  }
  const check = new Date(t);
  if (
    !Number.isFinite(t) ||
    Number(m[2]) < 1 ||
    Number(m[2]) > 12 ||
    Number(m[3]) < 1 ||
    Number(m[3]) > 31 ||
    check.getUTCFullYear() > 9999
  )
    return null;
  return t;
}

/** Copies form objects (null prototype) into plain JSON values. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) if (k !== '__proto__') o[k] = plain((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}
