// CloudPayments request plumbing: HTTP Basic `PublicId:ApiSecret`, JSON or form-urlencoded bodies with
// case-insensitive parameter names, `{"Success":false,"Message":…}` errors (never a 500 on bad input).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import { isCoreError } from '../../core/errors.js';
import { isSupportedCurrency, parseMajor } from '../../core/money.js';
import type { Credential, Json, JsonObject, Merchant } from '../../core/model.js';
import type { FaceContext } from '../face.js';
import { jsonDepthExceeds } from '../kit/json-depth.js';
import { ERROR_MESSAGES, isCpCurrency } from './wire.js';

export const AUTH_FAILED = 'Authorization has been denied for this request.';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A CloudPayments error: `{"Success":false,"Message":message}` with an HTTP status (200 for business errors). */
export class CpError extends Error {
  constructor(
    message: string,
    readonly status = 200,
  ) {
    super(message);
    this.name = 'CpError';
  }
}

export interface Authed {
  merchant: Merchant;
  credential: Credential;
}

// ---- authentication

/** HTTP Basic `PublicId:ApiSecret`; the secret is compared in constant time, also for an unknown PublicId. */
export async function authenticate(req: FastifyRequest, ctx: FaceContext): Promise<Authed> {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!m) throw new CpError(AUTH_FAILED, 401);
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new CpError(AUTH_FAILED, 401);
  const publicId = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const found =
    publicId.length <= 200 ? await ctx.engine.read((tx) => ctx.engine.merchants.authenticate(tx, 'cloudpayments', publicId)) : undefined;
  const ok = safeEqual(secret, found?.credential.secret ?? '\u0000no-such-public-id');
  if (!found || !ok) throw new CpError(AUTH_FAILED, 401);
  return found;
}

// ---- bodies

export function rawText(req: FastifyRequest): string {
  const b = req.body;
  return Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
}

const MAX_FIELDS = 150_000;

/** Sets `a[b][]`-style form keys into an object (qs-like, without prototype pollution). */
function setFormKey(root: Record<string, unknown>, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)] : [key];
  let node: Record<string, unknown> = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (part === '__proto__' || part === 'constructor' || part === 'prototype') return;
    const last = i === path.length - 1;
    const nextIsList = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1]!));
    if (part === '' || (Array.isArray(node) && /^\d+$/.test(part))) {
      // `a[b]=1&a[]=2` makes `a` an object, then asks to append to it as to a list: a bad form, not a 500
      if (!Array.isArray(node)) throw new CpError('Invalid form-urlencoded request body', 400);
      const list = node as unknown as unknown[];
      if (last) list.push(value);
      else {
        const child = nextIsList ? [] : Object.create(null);
        list.push(child);
        node = child as Record<string, unknown>;
      }
      continue;
    }
    if (last) {
      // a repeated key appends in place: copying the list per value made a form of one key repeated
      // 150 000 times quadratic (minutes of CPU on the event loop)
      const prev = node[part];
      if (prev === undefined) node[part] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else node[part] = [prev, value];
    } else {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = nextIsList ? [] : Object.create(null);
      node = node[part] as Record<string, unknown>;
    }
  }
}

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  let count = 0;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    if (++count > MAX_FIELDS) throw new CpError('Too many fields in the request', 400);
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new CpError('Invalid form-urlencoded request body', 400);
    }
    if (!key) throw new CpError('Invalid form-urlencoded request body', 400);
    setFormKey(out, key, value);
  }
  return out;
}

function parseJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CpError('Invalid JSON in the request body', 400);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CpError('The request body must be a JSON object', 400);
  return v as Record<string, unknown>;
}

/** The request parameters: a JSON object or a form, by Content-Type (sniffed when absent). */
export function bodyParams(req: FastifyRequest): Params {
  const text = rawText(req);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!text.trim()) return new Params({});
  if (type.includes('json')) return new Params(parseJson(text));
  if (type.includes('x-www-form-urlencoded')) return new Params(parseForm(text));
  if (type.includes('multipart/'))
    throw new CpError('Unsupported Content-Type: use application/json or application/x-www-form-urlencoded', 415);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return new Params(parseJson(text));
  return new Params(parseForm(text));
}

// ---- parameters (names are case-insensitive)

const INT_RE = /^\s*-?\d+(\.\d+)?\s*$/;

export class Params {
  private readonly map = new Map<string, unknown>();

  constructor(obj: Record<string, unknown>) {
    for (const k of Object.keys(obj)) this.map.set(k.toLowerCase(), obj[k]);
  }

  /** The value of the first of the names given (aliases), or undefined. */
  raw(...names: string[]): unknown {
    for (const n of names) {
      const v = this.map.get(n.toLowerCase());
      if (v !== undefined) return v;
    }
    return undefined;
  }

  has(name: string): boolean {
    const v = this.raw(name);
    return v !== undefined && v !== null && v !== '';
  }

  str(name: string, opts: { required?: boolean; max?: number; aliases?: string[] } = {}): string | undefined {
    const v = this.raw(name, ...(opts.aliases ?? []));
    if (v === undefined || v === null || v === '') {
      if (opts.required) throw new CpError(`${name} is required`);
      return undefined;
    }
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
    else if (typeof v === 'boolean') s = String(v);
    else throw new CpError(`Invalid ${name} value`);
    if (s.length > (opts.max ?? 2000)) throw new CpError(`Invalid ${name} value`);
    return s;
  }

  /** An integer; fractional values are rounded (as CloudPayments documents). */
  int(name: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') {
      if (opts.required) throw new CpError(`${name} is required`);
      return undefined;
    }
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && INT_RE.test(v)) n = Number(v);
    else throw new CpError(`Invalid ${name} value`);
    if (!Number.isFinite(n)) throw new CpError(`Invalid ${name} value`);
    n = Math.round(n);
    if (!Number.isSafeInteger(n) || n < (opts.min ?? 0) || n > (opts.max ?? Number.MAX_SAFE_INTEGER))
      throw new CpError(`Invalid ${name} value`);
    return n;
  }

  bool(name: string, aliases: string[] = []): boolean | undefined {
    const v = this.raw(name, ...aliases);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true' || s === '1' || s === 'on' || s === 'yes') return true;
      if (s === 'false' || s === '0' || s === 'off' || s === 'no') return false;
    }
    throw new CpError(`Invalid ${name} value`);
  }

  /**
   * An amount in major units, as CloudPayments documents it: at least 0.01, with at most the currency's fractional
   * digits (two): `1.005` is refused, not rounded (`1.50` and `10.00000` are exact). At most 10^12 major units.
   */
  amount(currency: string, opts: { name?: string; required?: boolean } = {}): bigint | undefined {
    const name = opts.name ?? 'Amount';
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') {
      if (opts.required ?? true) throw new CpError(`${name} is required`);
      return undefined;
    }
    if (typeof v !== 'number' && typeof v !== 'string') throw new CpError(`Invalid ${name} value`);
    let minor: bigint;
    try {
      minor = parseMajor(typeof v === 'string' ? v.trim().replace(',', '.') : v, currency, 'reject');
    } catch (e) {
      if (isCoreError(e)) throw new CpError(`Invalid ${name} value`);
      throw e;
    }
    if (minor <= 0n || minor > 10n ** 14n) throw new CpError(`Invalid ${name} value`);
    return minor;
  }

  currency(opts: { required?: boolean } = {}): string {
    const c = this.str('Currency', { required: opts.required, max: 10 });
    const code = (c ?? 'RUB').trim().toUpperCase();
    if (!isSupportedCurrency(code) || !isCpCurrency(code)) throw new CpError('Invalid Currency value');
    return code;
  }

  /**
   * JsonData: a JSON object, or a string holding JSON (kept as a string when it is not JSON). Nesting deeper
   * than MAX_JSON_DEPTH is refused (it would overflow the stack of whatever walks it later).
   */
  json(name: string): Json | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      if (v.length > 100_000) throw new CpError(`Invalid ${name} value`);
      let parsed: Json | undefined;
      try {
        parsed = JSON.parse(v) as Json;
      } catch {
        /* a plain string */
      }
      if (typeof parsed === 'object') {
        if (jsonDepthExceeds(parsed)) throw new CpError(`Invalid ${name} value`);
        return parsed;
      }
      return v;
    }
    if (typeof v === 'object') {
      if (jsonDepthExceeds(v)) throw new CpError(`Invalid ${name} value`);
      return plain(v) as Json;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    throw new CpError(`Invalid ${name} value`);
  }

  obj(name: string): JsonObject | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !jsonDepthExceeds(parsed))
          return parsed as JsonObject;
      } catch {
        /* fall through */
      }
      throw new CpError(`Invalid ${name} value`);
    }
    if (typeof v !== 'object' || Array.isArray(v) || jsonDepthExceeds(v)) throw new CpError(`Invalid ${name} value`);
    return plain(v) as JsonObject;
  }

  /** A list: an array, repeated form keys, or a comma-separated string. */
  list(name: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : typeof v === 'object' ? Object.values(v as object) : null;
    if (!items || items.some((x) => typeof x !== 'string')) throw new CpError(`Invalid ${name} value`);
    return (items as string[]).map((x) => x.trim()).filter(Boolean);
  }
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

/** Parses a date or date-time given in UTC (a value without a zone is UTC). */
export function parseUtcDate(v: string, name: string): number {
  const s = v.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) throw new CpError(`Invalid ${name} value`);
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
    throw new CpError(`Invalid ${name} value`);
  return t;
}

// ---- responses

export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

export function ok(): { Success: true; Message: null } {
  return { Success: true, Message: null };
}

/** Maps anything thrown in a CloudPayments route to `{Success:false, Message}` and an HTTP status. */
export function toWire(e: unknown, stateMessage?: string): { status: number; message: string } {
  if (e instanceof CpError) return { status: e.status, message: e.message };
  if (isCoreError(e)) {
    const m = ERROR_MESSAGES[e.code];
    if (e.code === 'INVALID_STATE')
      return { status: 200, message: stateMessage ?? 'The operation is not allowed for the transaction in its current status' };
    return { status: m.status, message: m.message ?? e.message };
  }
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (fe && fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, message: 'The request body is too large' };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, message: 'Invalid request' };
  return { status: 500, message: 'Internal server error' };
}
