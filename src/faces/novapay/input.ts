// NovaPay's request bodies, read with the kit's Fields and NovaPay's reporter (http.ts), which collects every problem
// into one `errors[]` answer. NovaPay's schemas (ajv, later zod) have their own conventions, kept here: optional
// strings may be null (and are then typed "string,null"), strings are at most 255 characters unless said otherwise,
// an empty optional URL or e-mail is no value, amounts are hryvnias as a number or numeric text (at least 0.01, at
// most 2 decimals), weights are exact decimal text with a minimum, and booleans take 1/0 and "true"/"false".
import { isCoreError } from '../../core/errors.js';
import type { JsonObject } from '../../core/model.js';
import { parseMajor } from '../../core/money.js';
import { Fields, isPlainObject, kindOf, type Kind } from '../kit/fields.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../kit/json-depth.js';
import { isHttpUrl } from '../kit/urls.js';
import { compareDecimal, numberText } from './decimal.js';
import { MAX_ITEMS, novapayReporter } from './http.js';
import type { NewPayment, NewSession } from './service.js';
import type { SessionDelivery, SessionKind } from './store.js';
import { CURRENCY } from './wire.js';

type Obj = Record<string, unknown>;

const MAX_AMOUNT = 10_000_000_00n; // 10 million hryvnias in kopecks

const URI_RE = /^[a-z][a-z0-9+.-]*:[^\s]*$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?\d{10,15}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL_RE = /^\d{1,12}(?:\.\d{1,12})?$/;

/** The fields of a request body, problems collected by NovaPay's reporter. */
export function bodyFields(body: Obj): Fields {
  return new Fields(body, novapayReporter());
}

// ------------------------------------------------------------------------------------- field rules

const at = (f: Fields, key: string) => [...f.path, key];
const required = (f: Fields, key: string, expected: Kind) => f.problem({ rule: 'required', path: at(f, key), key, expected });
const wrongType = (f: Fields, key: string, expected: Kind[], v: unknown) =>
  f.problem({ rule: 'type', path: at(f, key), key, expected, got: kindOf(v), value: v });

/** An absolute http(s) URL without whitespace or control characters (success_url, fail_url, callback_url). */
function isHttpUri(v: string): boolean {
  return URI_RE.test(v) && isHttpUrl(v);
}

/** A string (or null where allowed); undefined when absent or wrong. */
export function str(
  f: Fields,
  key: string,
  o: { required?: boolean; nullable?: boolean; max?: number; min?: number; format?: 'uri' | 'email' | 'uuid' | 'phone' } = {},
): string | null | undefined {
  const v = f.raw(key);
  if (v === undefined) return o.required ? required(f, key, 'string') : undefined;
  const nullable = o.nullable !== false && !o.required;
  if (v === null && nullable) return null;
  if (typeof v !== 'string') return wrongType(f, key, nullable ? ['string', 'null'] : ['string'], v);
  const max = o.max ?? 255;
  if (v.length > max) return f.problem({ rule: 'length', path: at(f, key), key, max, failed: 'max', value: v });
  if (o.min !== undefined && v.length < o.min)
    return f.problem({ rule: 'length', path: at(f, key), key, min: o.min, failed: 'min', value: v });
  if (v === '' && !o.required && o.format !== undefined) return null;
  const bad =
    (o.format === 'uri' && !isHttpUri(v)) || (o.format === 'email' && !EMAIL_RE.test(v)) || (o.format === 'uuid' && !UUID_RE.test(v));
  if (bad) return f.problem({ rule: 'format', path: at(f, key), key, format: o.format!, value: v });
  if (o.format === 'phone' && !PHONE_RE.test(v.replace(/[\s()-]/g, '')))
    return f.custom(key, 'validPhone', 'Invalid phone number: use the international format, e.g. +380501112233', v);
  return v;
}

/** A money amount in hryvnias (number or numeric string, at most 2 decimals, >= 0.01) → kopecks. */
export function amount(f: Fields, key: string, o: { required?: boolean } = {}): bigint | undefined {
  const v = f.raw(key);
  if (v === undefined || v === null) {
    if (o.required) return v === null ? wrongType(f, key, ['number'], v) : required(f, key, 'number');
    return undefined;
  }
  let text: string;
  if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) text = v.trim();
  else return wrongType(f, key, ['number'], v);
  let minor: bigint;
  try {
    minor = parseMajor(typeof v === 'number' ? v : text, CURRENCY);
  } catch (e) {
    if (!isCoreError(e)) throw e;
    return f.custom(key, 'validAmount', 'Invalid amount: at most 2 decimal places', v);
  }
  if (minor < 1n) return f.problem({ rule: 'range', path: at(f, key), key, min: '0.01', failed: 'min', value: v });
  if (minor > MAX_AMOUNT) return f.problem({ rule: 'range', path: at(f, key), key, max: '10000000', failed: 'max', value: v });
  return minor;
}

/** A non-negative decimal (number or numeric string) with a minimum, as exact text. */
export function decimal(f: Fields, key: string, o: { required?: boolean; min: string }): string | undefined {
  const v = f.raw(key);
  if (v === undefined || v === null) {
    if (o.required) return v === null ? wrongType(f, key, ['number'], v) : required(f, key, 'number');
    return undefined;
  }
  const text = typeof v === 'number' && Number.isFinite(v) ? numberText(v) : typeof v === 'string' ? v.trim() : null;
  if (text === null || !DECIMAL_RE.test(text)) return wrongType(f, key, ['number'], v);
  if (compareDecimal(text, o.min) < 0) return f.problem({ rule: 'range', path: at(f, key), key, min: o.min, failed: 'min', value: v });
  return text;
}

/** A count (number or numeric string) >= min; null when null. */
export function count(f: Fields, key: string, o: { min: number }): number | null | undefined {
  const v = f.raw(key);
  if (v === undefined) return undefined;
  if (v === null) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v) ? Number(v) : NaN;
  // a count is a whole number the store keeps exactly: a fraction or a number past 2^53 is refused, never stored
  if (!Number.isFinite(n) || !Number.isInteger(n)) return wrongType(f, key, ['number', 'null'], v);
  if (!Number.isSafeInteger(n))
    return f.problem({ rule: 'range', path: at(f, key), key, max: String(Number.MAX_SAFE_INTEGER), failed: 'max', value: v });
  if (n < o.min) return f.problem({ rule: 'range', path: at(f, key), key, min: String(o.min), failed: 'min', value: v });
  return n;
}

export function bool(f: Fields, key: string): boolean | undefined {
  const v = f.raw(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || v === 'true') return true;
  if (v === 0 || v === '0' || v === 'false' || v === '') return false;
  return wrongType(f, key, ['boolean'], v);
}

/** A free-form object (nested at most MAX_JSON_DEPTH levels), or null where allowed. */
export function object(f: Fields, key: string, o: { required?: boolean; nullable?: boolean } = {}): Obj | null | undefined {
  const v = f.raw(key);
  if (v === undefined) return o.required ? required(f, key, 'object') : undefined;
  if (v === null && o.nullable) return null;
  if (!isPlainObject(v)) return wrongType(f, key, o.nullable ? ['object', 'null'] : ['object'], v);
  if (jsonDepthExceeds(v)) return f.problem({ rule: 'depth', path: at(f, key), key, max: MAX_JSON_DEPTH });
  return v;
}

/** A list of at most `max` items (nested at most MAX_JSON_DEPTH levels); null when null. */
export function list(f: Fields, key: string, o: { max?: number } = {}): unknown[] | null | undefined {
  const v = f.raw(key);
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (!Array.isArray(v)) return wrongType(f, key, ['array', 'null'], v);
  if (o.max !== undefined && v.length > o.max) return f.custom(key, MAX_ITEMS, `more than ${o.max} items`, o.max);
  if (jsonDepthExceeds(v)) return f.problem({ rule: 'depth', path: at(f, key), key, max: MAX_JSON_DEPTH });
  return v;
}

/** The fields of an object found at `path` (a list item, a nested object, a stored object read as if sent). */
function fieldsAt(f: Fields, value: Obj, path: Array<string | number>): Fields {
  return new Fields(value, f.reporter, { path });
}

/** Reads each item of a list that is an object, in order, as Fields (any other item is a type problem). */
export function eachObject(f: Fields, key: string, items: unknown[], read: (item: Fields) => void): void {
  items.forEach((item, i) => {
    const path = [...at(f, key), i];
    if (!isPlainObject(item)) f.problem({ rule: 'type', path, key: String(i), expected: ['object'], got: kindOf(item), value: item });
    else read(fieldsAt(f, item, path));
  });
}

/** merchant_id: a non-negative integer as a number or a string (the signature check already found the merchant). */
export function merchantId(f: Fields, isRequired: boolean): string | undefined {
  const v = f.raw('merchant_id');
  if (v === undefined || v === null) return isRequired ? required(f, 'merchant_id', 'string') : undefined;
  if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,18}$/.test(v.trim())))
    return String(v).trim();
  return wrongType(f, 'merchant_id', ['string'], v);
}

// ------------------------------------------------------------------------------------------- bodies

/** The session fields of `/session`, `/checkout/session` and `/frames/init`. */
export function sessionInput(f: Fields, merchant: string, kind: SessionKind, phoneRequired: boolean): Omit<NewSession, 'status'> {
  merchantId(f, true);
  const successRedirectTimeout = count(f, 'success_redirect_timeout', { min: 0 });
  return {
    merchantId: merchant,
    kind,
    clientFirstName: str(f, 'client_first_name') ?? null,
    clientLastName: str(f, 'client_last_name') ?? null,
    clientPatronymic: str(f, 'client_patronymic') ?? null,
    clientPhone: str(f, 'client_phone', { required: phoneRequired, format: 'phone' }) ?? null,
    clientEmail: str(f, 'client_email', { format: 'email' }) ?? null,
    callbackUrl: str(f, 'callback_url', { format: 'uri', max: 2048 }) ?? null,
    successUrl: str(f, 'success_url', { format: 'uri', max: 2048 }) ?? null,
    failUrl: str(f, 'fail_url', { format: 'uri', max: 2048 }) ?? null,
    successRedirectTimeout: successRedirectTimeout ?? null,
    metadata: (object(f, 'metadata', { nullable: true }) as JsonObject | null | undefined) ?? null,
  };
}

export type PaymentInput = Omit<NewPayment, 'deliveryAmount'>;

/** A secure payment's package: its weights, and the recipient's city and warehouse (Nova Poshta refs). */
export function deliveryInput(f: Fields, minWeight: string, recipientsRequired: boolean): SessionDelivery | null {
  const volume = decimal(f, 'volume_weight', { required: true, min: '0.0004' });
  const weight = decimal(f, 'weight', { required: true, min: minWeight });
  const city = str(f, 'recipient_city', { required: recipientsRequired, nullable: !recipientsRequired, max: 36 });
  const warehouse = str(f, 'recipient_warehouse', { required: recipientsRequired, nullable: !recipientsRequired, max: 36 });
  if (volume === undefined || weight === undefined) return null;
  return { volume_weight: volume, weight, recipient_city: city ?? '', recipient_warehouse: warehouse ?? '' };
}

/** The payment fields of `/payment`, `/checkout/payment` and `/frames/init`; undefined when anything is wrong. */
export function paymentInput(
  f: Fields,
  o: { minWeight: string; recipientsRequired: boolean; fallbackDelivery?: JsonObject | null },
): PaymentInput | undefined {
  const total = amount(f, 'amount', { required: true });
  const externalId = str(f, 'external_id') ?? null;
  str(f, 'identifier');
  const products = list(f, 'products', { max: 500 });
  if (products)
    eachObject(f, 'products', products, (item) => {
      str(item, 'description', { max: 1000 });
      count(item, 'count', { min: 1 });
      if (item.raw('price') !== undefined) amount(item, 'price');
    });
  const useHold = bool(f, 'use_hold') ?? false;
  let delivery: SessionDelivery | null = null;
  const d = object(f, 'delivery', { nullable: true });
  if (d) delivery = deliveryInput(fieldsAt(f, d, ['delivery']), o.minWeight, o.recipientsRequired);
  else if (d === undefined && isPlainObject(o.fallbackDelivery) && o.fallbackDelivery.weight !== undefined)
    delivery = deliveryInput(fieldsAt(f, o.fallbackDelivery, ['delivery']), o.minWeight, o.recipientsRequired);
  if (f.reporter.problems.length || total === undefined) return undefined;
  return { amount: total, externalId, products: products ?? null, useHold, delivery };
}

/** The session a request names (`session_id`), with the optional merchant_id. */
export function sessionIdOf(f: Fields): string | undefined {
  merchantId(f, false);
  return str(f, 'session_id', { required: true, min: 1 }) ?? undefined;
}
