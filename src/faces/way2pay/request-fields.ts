// The fields of Way2Pay requests, read with the kit's field reader (src/faces/kit/fields.ts) and answered through
// the face's reporter (http.ts): a wrong field is 20000 "wrong input: <what>", an absent externalID 60009, an
// unknown currency 60000 (inactive 60001), an unknown bank or method 20000 (generation 3: 60014 / 60015), more
// than 13 digits before the point 30007; a wrong query parameter 20002, a path id that is not a UUID 20003.
import type { FastifyRequest } from 'fastify';
import { normalizePan, validateCardNumber } from '../../core/cards.js';
import { parseMajor } from '../../core/money.js';
import { Fields } from '../kit/fields.js';
import { codeProblem, genCode, objectBody, Way2PayError, way2payReporter, type JsonBody } from './http.js';
import { CURRENCIES, findBank, type Currency } from './reference-data.js';
import { isStatus, MERCHANT_SETTABLE, type Generation, type Way2PayStatus } from './wire.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTERNAL_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const AMOUNT_RE = /^\d{1,13}(?:\.\d{1,2})?$/;
/** more than 13 digits before the point is more than one operation may move (the core's MAX_AMOUNT) */
const TOO_MANY_DIGITS_RE = /^\d{14,}(?:\.\d{1,2})?$/;

const absent = (v: unknown) => v === undefined || v === null || v === '';

/** The fields of a JSON body (an object; an empty body has none). */
export function bodyFields(body: JsonBody): Fields {
  return new Fields(objectBody(body), way2payReporter());
}

export function externalId(f: Fields): string {
  return f.str('externalID', { required: true, pattern: EXTERNAL_ID_RE, format: 'externalID' })!;
}

/** A currency by id (`currencyId: 1`) or code (`currency: "RUB"`): 60000 unknown, 60001 inactive. */
function currencyOf(f: Fields, key: string, v: unknown): Currency {
  let c: Currency | undefined;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) f.custom(key, 'integer', `${key} must be an integer id or a currency code`, v);
    c = CURRENCIES.find((x) => x.id === v);
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{1,6}$/.test(s)) c = CURRENCIES.find((x) => x.id === Number(s));
    else if (/^[A-Za-z]{3,10}$/.test(s)) c = CURRENCIES.find((x) => x.key === s.toUpperCase());
  } else {
    f.problem({ rule: 'type', path: [...f.path, key], key, expected: ['integer', 'string'], got: 'object', value: v });
  }
  if (!c) return f.custom(key, codeProblem(60000), '', v) as never;
  if (!c.isActive) return f.custom(key, codeProblem(60001), '', v) as never;
  return c;
}

/** `currencyId`, else `currency`; `fallback` when neither is given (else 20000 "currencyId is required"). */
export function currency(f: Fields, fallback?: Currency): Currency {
  for (const key of ['currencyId', 'currency']) {
    const v = f.raw(key);
    if (v !== undefined && v !== null) return currencyOf(f, key, v);
  }
  if (fallback) return fallback;
  return f.problem({ rule: 'required', path: [...f.path, 'currencyId'], key: 'currencyId', expected: 'integer' }) as never;
}

/** A positive decimal in major units with at most two decimals (text or a JSON number), in minor units. */
export function amount(f: Fields, currencyKey: string): bigint {
  const v = f.raw('amount');
  const fail = (p: Parameters<Fields['problem']>[0]) => f.problem(p) as never;
  const at = [...f.path, 'amount'];
  if (absent(v)) return fail({ rule: 'required', path: at, key: 'amount', expected: 'string' });
  let text: string;
  if (typeof v === 'string') text = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return fail({ rule: 'type', path: at, key: 'amount', expected: ['string'], got: 'object', value: v });
  if (TOO_MANY_DIGITS_RE.test(text)) return f.custom('amount', codeProblem(30007), '', v) as never;
  if (!AMOUNT_RE.test(text)) return fail({ rule: 'format', path: at, key: 'amount', format: 'decimal', value: v });
  const minor = parseMajor(text, currencyKey);
  if (minor <= 0n) return fail({ rule: 'range', path: at, key: 'amount', min: '1', failed: 'min', value: v });
  return minor;
}

/** The amount when one is given (null counts as none). */
export function optionalAmount(f: Fields, currencyKey: string): bigint | undefined {
  const v = f.raw('amount');
  return v === undefined || v === null ? undefined : amount(f, currencyKey);
}

/** A method of `table` (case-insensitive); `fallback` when absent. */
export function method(f: Fields, gen: Generation, table: Readonly<Record<string, unknown>>, fallback?: string): string {
  const v = f.raw('method');
  if (absent(v) && fallback) return fallback;
  const m = f.str('method', { required: true })!.trim().toUpperCase();
  if (!Object.prototype.hasOwnProperty.call(table, m))
    return f.custom('method', codeProblem(genCode(gen, 20000, 60015)), 'unknown method') as never;
  return m;
}

/** `bankId` (or `bank`): an id, key or name of a bank of the currency. */
export function bank(f: Fields, gen: Generation, cur: Currency, required: boolean): number | undefined {
  const key = absent(f.raw('bankId')) && !absent(f.raw('bank')) ? 'bank' : 'bankId';
  const v = f.raw(key);
  if (absent(v))
    return required
      ? (f.problem({ rule: 'required', path: [...f.path, 'bankId'], key: 'bankId', expected: 'integer' }) as never)
      : undefined;
  if (typeof v !== 'number' && typeof v !== 'string')
    return f.problem({ rule: 'type', path: [...f.path, key], key: 'bankId', expected: ['integer'], got: 'object', value: v }) as never;
  const b = findBank(v);
  if (!b) return f.custom(key, codeProblem(genCode(gen, 20000, 60014)), 'unknown bank', v) as never;
  if (b.currency !== cur.key) return f.custom(key, codeProblem(60001), '', v) as never;
  return b.id;
}

export function callbackUrl(f: Fields, required: boolean): string | null {
  return f.url('callbackURL', { required }) ?? null;
}

export function optionalText(f: Fields, key: string, max: number): string | null {
  return f.str(key, { max }) ?? null;
}

/** A pay-out's receiver: a valid card number (CARD), a phone (SBP) or an account number (ACCOUNT). */
export function receiver(f: Fields, methodName: string): string {
  const text = f.str('receiver', { required: true, max: 64 })!;
  const bad = (format: string) =>
    f.problem({ rule: 'format', path: [...f.path, 'receiver'], key: 'receiver', format, value: text }) as never;
  if (methodName === 'CARD') {
    try {
      return validateCardNumber(text).pan;
    } catch {
      return bad('card');
    }
  }
  if (methodName === 'SBP') {
    const phone = text.trim().replace(/[\s()-]/g, '');
    return /^\+?\d{10,15}$/.test(phone) ? phone : bad('phone');
  }
  const account = normalizePan(text.trim());
  return /^\d{16,34}$/.test(account) ? account : bad('account');
}

/** The holder's name: 3–100 characters. */
export function holder(f: Fields): string {
  const h = f.str('holder', { required: true, max: 200, trim: true })!;
  if (h.length < 3 || h.length > 100) return f.custom('holder', 'length', 'holder must be 3-100 characters', h) as never;
  return h;
}

// ---------------------------------------------------------------------------------------------- path and query

/** The `{id}` of the path: a UUID (20003 otherwise), lower-cased. */
export function idParam(req: FastifyRequest): string {
  const id = (req.params as { id?: string }).id ?? '';
  if (!UUID_RE.test(id)) throw new Way2PayError(20003);
  return id.toLowerCase();
}

/** The `{status}` of `PUT …/status/{status}`: unknown 60002, one the merchant may not set 30000. */
export function statusParam(req: FastifyRequest): Way2PayStatus {
  const raw = ((req.params as { status?: string }).status ?? '').toUpperCase();
  if (!isStatus(raw)) throw new Way2PayError(60002);
  if (!MERCHANT_SETTABLE.has(raw)) throw new Way2PayError(30000);
  return raw;
}

const queryFields = (req: FastifyRequest) => new Fields(req.query as Record<string, unknown>, way2payReporter(20002));

export interface ListQuery {
  limit: number;
  offset: number;
  status?: Way2PayStatus;
  externalId?: string;
}

/** `?offset&limit&status&externalID` of the lists (20002 when wrong). */
export function listQuery(req: FastifyRequest): ListQuery {
  const f = queryFields(req);
  const int = (key: string, def: number, min: number, max: number): number => {
    const v = f.raw(key);
    if (v === undefined || v === '') return def;
    if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) return f.custom(key, 'integer', '', v) as never;
    return f.int(key, { min, max })!;
  };
  const out: ListQuery = { limit: int('limit', 10, 1, 100), offset: int('offset', 0, 0, 1_000_000_000) };
  const status = f.raw('status');
  if (!absent(status)) {
    if (typeof status !== 'string' || !isStatus(status.toUpperCase())) f.custom('status', 'status', '', status);
    out.status = (status as string).toUpperCase() as Way2PayStatus;
  }
  const ext = f.str('externalID', { max: 64 });
  if (ext !== undefined) out.externalId = ext;
  return out;
}

/** `?currency=` (or `currencyId`) of the balance: RUB by default. */
export function queryCurrency(req: FastifyRequest): Currency {
  const f = queryFields(req);
  const v = f.raw('currencyId') ?? f.raw('currency');
  if (v === undefined || v === '') return CURRENCIES[0]!;
  if (typeof v !== 'string') return f.custom('currency', 'type', '', v) as never;
  return currencyOf(f, 'currency', v);
}

/** `X-Environment`: SANDBOX, TEST or PRODUCTION (the default). */
export function environment(req: FastifyRequest): string {
  const v = req.headers['x-environment'];
  const s = typeof v === 'string' ? v.trim().toUpperCase() : '';
  return s === 'SANDBOX' || s === 'TEST' || s === 'PRODUCTION' ? s : 'PRODUCTION';
}
