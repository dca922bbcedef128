// Property-based fuzzing of a face over real HTTP: random and mutated bodies, headers, query strings,
// encodings, huge numbers, deep nesting and oversized bodies. Every answer must be a 4xx (or a 2xx for
// what happens to be valid), never a 5xx, and the server must stay up.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Engine } from '../../src/core/engine.js';
import { bodyOf } from './http.js';

export interface FuzzTarget {
  method: string;
  path: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((b) => b.toString()),
    fc.constantFrom(null, true, false, '', '0', '-1', '1e309', 'NaN', '9999999999999999999999', '4242424242424242', '12/99', '\u0000', '💳', '<script>'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Bodies: JSON objects with plausible keys, raw strings, broken JSON, deep nesting, invalid UTF-8, forms. */
export function bodies(keys: string[]): fc.Arbitrary<Buffer> {
  const plausible = fc.dictionary(fc.constantFrom(...keys, ...keys.map((k) => k.toUpperCase()), 'x'), jsonValue, { maxKeys: keys.length + 1 });
  return fc.oneof(
    plausible.map((o) => Buffer.from(JSON.stringify(o))),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.integer({ min: 1, max: 5000 }).map((d) => Buffer.from('['.repeat(d) + ']'.repeat(d))),
    fc.integer({ min: 1, max: 3000 }).map((d) => Buffer.from('{"a":'.repeat(d) + '1' + '}'.repeat(d))),
    plausible.map((o) => Buffer.from(JSON.stringify(o)).subarray(0, Math.max(1, Math.floor(JSON.stringify(o).length / 2)))),
    plausible.map((o) => Buffer.from(new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString())),
    fc.constant(Buffer.alloc(1024 * 1024 + 10, 0x61)),
  );
}

export const queries = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((o) => '?' + new URLSearchParams(o).toString()),
  fc.string({ maxLength: 60 }).map((s) => '?' + encodeURI(s)),
  fc.constantFrom('?limit=-1', '?limit=99999999999999999999', '?from=not-a-date', '?offset=1e3', '?%ZZ', '?a=%00'),
);

export const contentTypes = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=windows-1251', 'multipart/form-data; boundary=x', '');

export async function send(base: string, r: FuzzRequest): Promise<number> {
  const headers = { ...r.headers };
  const res = await fetch(base + r.path + r.query, {
    method: r.method,
    headers,
    ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { body: r.body }),
  });
  await res.arrayBuffer();
  return res.status;
}

export const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });

// ---- additions for the fuzzing of every face (test/reliability/fuzz-*.test.ts)

/** Numeric literals JSON.parse turns into Infinity, lost precision, -0 or denormals. */
export const numberLiterals = fc.constantFrom(
  '1e309',
  '-1e309',
  '1E+400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-9007199254740993',
  '1.7976931348623157e308',
  '4.9e-324',
  '0.0000000000000000000001',
  '-0',
  '0.1e-7',
  '1' + '0'.repeat(400),
  '99999999999999.999',
  '100000000000000.01',
);

/** JSON objects whose values under plausible keys are huge or odd numeric literals (written raw, not quoted). */
export function hugeNumbers(keys: string[]): fc.Arbitrary<Buffer> {
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...keys), numberLiterals), { minLength: 1, maxLength: 4, selector: (x) => x[0] })
    .map((pairs) => Buffer.from('{' + pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',') + '}'));
}

/** Deep nesting inside a plausible field (arrays or objects, up to thousands of levels). */
export function deepFields(keys: string[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...keys), fc.integer({ min: 10, max: 4000 }), fc.boolean()).map(([k, d, arrays]) =>
    Buffer.from(`{${JSON.stringify(k)}:` + (arrays ? '['.repeat(d) + ']'.repeat(d) : '{"x":'.repeat(d) + 'null' + '}'.repeat(d)) + '}'),
  );
}

/** Bodies meant to trip parsers: prototype pollution, duplicate keys, BOMs, NULs, lone surrogates, huge strings. */
export function trickyBodies(keys: string[]): fc.Arbitrary<Buffer> {
  const k = fc.constantFrom(...keys);
  return fc.oneof(
    fc.constant(Buffer.from('{"__proto__":{"admin":true,"merchantId":"other"}}')),
    fc.constant(Buffer.from('{"constructor":{"prototype":{"admin":true}}}')),
    k.map((key) => Buffer.from(`{${JSON.stringify(key)}:1,${JSON.stringify(key)}:"x",${JSON.stringify(key)}:null}`)),
    k.map((key) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{${JSON.stringify(key)}:"1"}`)])),
    k.map((key) => Buffer.from(`{${JSON.stringify(key)}:"\\ud800\\u0000\\udfff"}`)),
    k.map((key) => Buffer.from(`{${JSON.stringify(key)}:"${'x'.repeat(200_000)}"}`)),
    k.map((key) => Buffer.from(`{${JSON.stringify(key)}:[${'1,'.repeat(50_000)}1]}`)),
    fc.constant(Buffer.from('null')),
    fc.constant(Buffer.from('"a string"')),
    fc.constant(Buffer.from('[]')),
    fc.constant(Buffer.from('{}')),
    fc.constant(Buffer.from('{"a":1}garbage')),
  );
}

/** A body re-encoded: UTF-16 with a BOM, Latin-1, gzip without saying so, base64, percent-encoding. */
export function encodings(body: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc.tuple(body, fc.constantFrom('utf16le', 'latin1', 'gzip', 'base64', 'percent', 'same')).map(([b, how]) => {
    const text = b.toString('utf8');
    switch (how) {
      case 'utf16le':
        return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      case 'latin1':
        return Buffer.from(text, 'latin1');
      case 'gzip':
        return gzipSync(b);
      case 'base64':
        return Buffer.from(b.toString('base64'));
      case 'percent':
        return Buffer.from(encodeURIComponent(text));
      default:
        return b;
    }
  });
}

/** Header sets of odd content types, encodings and lengths that a client might send. */
export const oddHeaders = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-16', 'application/json; charset=windows-1251', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'x/x', ';;;'),
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
    accept: fc.constantFrom('*/*', 'text/html', 'application/xml', 'x'),
    'x-request-id': fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x')),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1', ''),
  },
  { requiredKeys: [] },
);

/** Path segments under a face: plausible words, traversal, encoded NULs and malformed percent-escapes. */
export function pathSegments(words: string[]): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(...words, '..', '%2e%2e', '%00', '%', '%E0%A4%A', '%ZZ', '%2F', '%u0041', '~', '999999999999999999999', '-1', '0'),
        fc.string({ maxLength: 10 }).map(encodeURIComponent),
      ),
      { maxLength: 6 },
    )
    .map((parts) => '/' + parts.join('/'));
}

/** Sends a request; answers status, content type, body text and the body parsed as JSON (or undefined). */
export async function sendFull(base: string, r: FuzzRequest, timeoutMs = 15_000): Promise<{ status: number; type: string; text: string; json: any }> {
  const res = await fetch(base + r.path + r.query, {
    method: r.method,
    headers: r.headers,
    signal: AbortSignal.timeout(timeoutMs),
    ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { body: r.body }),
  });
  const { text, json } = await bodyOf(res);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
}

/** Tables that change on their own (request log, webhook dispatch, scheduled jobs) or by design on a refused request. */
export const VOLATILE_TABLES = ['api_requests', 'outbox', 'deliveries', 'delivery_attempts', 'jobs'];

/**
 * A digest of every table of the store (rows sorted), per table, except the ones named: two equal digests
 * mean no row was added, removed or changed in between.
 */
export async function stateDigest(engine: Engine, exclude: string[] = VOLATILE_TABLES): Promise<Record<string, string>> {
  return engine.read(async (tx) => {
    const db = tx.raw as Kysely<any>;
    const tables = (await db.introspection.getTables()).map((t) => t.name).filter((n) => !exclude.includes(n) && !n.startsWith('kysely_')).sort();
    const out: Record<string, string> = {};
    for (const t of tables) {
      const rows = await db.selectFrom(t).selectAll().execute();
      const lines = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
      out[t] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
    }
    return out;
  });
}

/** The tables whose digests differ. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}

/**
 * Mutations of a valid JSON body: a field dropped, retyped, nulled, set to a huge or odd number literal or to
 * deep nesting, keys re-cased, unknown fields added, the text cut short. Answers the JSON text.
 */
export function mutations(template: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(template);
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant('x');
  const raw = (k: string, literal: string) => JSON.stringify({ ...template, [k]: '\u0000RAW\u0000' }).replace('"\\u0000RAW\\u0000"', literal);
  return fc.oneof(
    key.map((k) => {
      const o = { ...template };
      delete o[k];
      return JSON.stringify(o);
    }),
    fc.tuple(key, jsonValue).map(([k, v]) => JSON.stringify({ ...template, [k]: v })),
    key.map((k) => JSON.stringify({ ...template, [k]: null })),
    fc.tuple(key, numberLiterals).map(([k, lit]) => raw(k, lit)),
    fc.tuple(key, fc.integer({ min: 50, max: 3000 })).map(([k, d]) => raw(k, '['.repeat(d) + ']'.repeat(d))),
    key.map((k) => {
      const v = template[k];
      return JSON.stringify({ ...template, [k]: typeof v === 'number' ? String(v) : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : [v] });
    }),
    fc.boolean().map((upper) => JSON.stringify(Object.fromEntries(Object.entries(template).map(([k, v]) => [upper ? k.toUpperCase() : k.toLowerCase(), v])))),
    fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { minKeys: 1, maxKeys: 4 }).map((extra) => JSON.stringify({ ...template, ...extra })),
    fc.integer({ min: 1, max: 60 }).map((n) => JSON.stringify(template).slice(0, -n)),
    fc.tuple(key, fc.string({ maxLength: 30 })).map(([k, s]) => JSON.stringify({ ...template, [k]: s })),
  );
}

/** A JSON object written as a form (nested objects as a[b]=…), as form clients send it. */
export function toForm(o: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}[${Array.isArray(v) ? '' : k}]` : k, x);
    } else out.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(v === null || v === undefined ? '' : String(v))}`);
  };
  walk('', o);
  return out.join('&');
}

/** Form bodies that stress a form parser: bracket nesting, repeated keys, many fields, bad escapes. */
export function formBodies(keys: string[]): fc.Arbitrary<Buffer> {
  const k = fc.constantFrom(...keys);
  return fc.oneof(
    fc.dictionary(k, fc.string({ maxLength: 30 }), { maxKeys: keys.length }).map((o) => Buffer.from(new URLSearchParams(o).toString())),
    fc.tuple(k, fc.integer({ min: 1, max: 5000 })).map(([key, d]) => Buffer.from(`${key}${'[a]'.repeat(d)}=1`)),
    fc.tuple(k, fc.integer({ min: 1, max: 2000 })).map(([key, n]) => Buffer.from(Array.from({ length: n }, (_, i) => `${key}[]=${i}`).join('&'))),
    fc.constant(Buffer.from('a=1&'.repeat(150_001))),
    fc.tuple(k, fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '+++', '[', ']', '[]', '[[]]', '__proto__[x]', 'constructor[prototype][x]')).map(([key, bad]) => Buffer.from(`${key}=${bad}&${bad}=1&${key}${bad}=2`)),
    fc.constant(Buffer.from('&&&==&=&')),
  );
}

/** The same buffer, printed by fast-check as its length and first bytes (a failing 1 MiB body stays readable). */
export function printable(b: Buffer): Buffer {
  const preview = b.subarray(0, 80).toString('utf8').replace(/[^\x20-\x7e]/g, '.');
  const text = `Buffer(${b.length} bytes: ${JSON.stringify(preview)}${b.length > 80 ? '…' : ''})`;
  // constant bodies are the same object on every run: the property stays configurable
  Object.defineProperty(b, fc.toStringMethod, { value: () => text, enumerable: false, configurable: true });
  return b;
}
