// Property-based fuzzing of a face over real HTTP: random and mutated bodies, headers, query strings,
// encodings, huge numbers, deep nesting and oversized bodies. Every answer must be a 4xx (or a 2xx for
// what happens to be valid), never a 5xx, and the server must stay up.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../../src/core/engine.js';
import type { ApiLog } from '../../src/server/api-log.js';
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
    fc.constantFrom(
      null,
      true,
      false,
      '',
      '0',
      '-1',
      '1e309',
      'NaN',
      '9999999999999999999999',
      '4242424242424242',
      '12/99',
      '\u0000',
      '💳',
      '<script>',
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Bodies: JSON objects with plausible keys, raw strings, broken JSON, deep nesting, invalid UTF-8, forms. */
export function bodies(keys: string[]): fc.Arbitrary<Buffer> {
  const plausible = fc.dictionary(fc.constantFrom(...keys, ...keys.map((k) => k.toUpperCase()), 'x'), jsonValue, {
    maxKeys: keys.length + 1,
  });
  return fc.oneof(
    plausible.map((o) => Buffer.from(JSON.stringify(o))),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.integer({ min: 1, max: 5000 }).map((d) => Buffer.from('['.repeat(d) + ']'.repeat(d))),
    fc.integer({ min: 1, max: 3000 }).map((d) => Buffer.from('{"a":'.repeat(d) + '1' + '}'.repeat(d))),
    plausible.map((o) => Buffer.from(JSON.stringify(o)).subarray(0, Math.max(1, Math.floor(JSON.stringify(o).length / 2)))),
    plausible.map((o) =>
      Buffer.from(
        new URLSearchParams(
          Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
        ).toString(),
      ),
    ),
    fc.constant(Buffer.alloc(1024 * 1024 + 10, 0x61)),
  );
}

export const queries = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 })
    .map((o) => '?' + new URLSearchParams(o).toString()),
  fc.string({ maxLength: 60 }).map((s) => '?' + encodeURI(s)),
  fc.constantFrom('?limit=-1', '?limit=99999999999999999999', '?from=not-a-date', '?offset=1e3', '?%ZZ', '?a=%00'),
);

export const contentTypes = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/json; charset=windows-1251',
  'multipart/form-data; boundary=x',
  '',
);

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
  return fc
    .tuple(fc.constantFrom(...keys), fc.integer({ min: 10, max: 4000 }), fc.boolean())
    .map(([k, d, arrays]) =>
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
    'content-type': fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/json; charset=utf-16',
      'application/json; charset=windows-1251',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'x/x',
      ';;;',
    ),
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
export async function sendFull(
  base: string,
  r: FuzzRequest,
  timeoutMs = 15_000,
): Promise<{ status: number; type: string; text: string; json: any; requestId: string | null }> {
  const res = await fetch(base + r.path + r.query, {
    method: r.method,
    headers: r.headers,
    signal: AbortSignal.timeout(timeoutMs),
    ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { body: r.body }),
  });
  const { text, json } = await bodyOf(res);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    json,
    requestId: res.headers.get('x-polypay-request-id'),
  };
}

/**
 * The tables the older attack suites leave out of their comparison (attacks-faces.test.ts). The fuzzing and
 * attacks.test.ts compare every table with StoreWatch below instead.
 */
export const VOLATILE_TABLES = ['api_requests', 'outbox', 'deliveries', 'delivery_attempts', 'jobs'];

/**
 * A digest of every table of the store (rows sorted), per table, except the ones named: two equal digests
 * mean no row was added, removed or changed in between.
 */
export async function stateDigest(engine: Engine, exclude: string[] = VOLATILE_TABLES): Promise<Record<string, string>> {
  return engine.read(async (tx) => {
    const db = tx.db<any>();
    const tables = (await db.introspection.getTables())
      .map((t) => t.name)
      .filter((n) => !exclude.includes(n) && !n.startsWith('kysely_'))
      .sort();
    const out: Record<string, string> = {};
    for (const t of tables) {
      const rows = await db.selectFrom(t).selectAll().execute();
      const lines = rows
        .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v)))
        .sort();
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
  const raw = (k: string, literal: string) =>
    JSON.stringify({ ...template, [k]: '\u0000RAW\u0000' }).replace('"\\u0000RAW\\u0000"', literal);
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
      return JSON.stringify({
        ...template,
        [k]: typeof v === 'number' ? String(v) : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : [v],
      });
    }),
    fc
      .boolean()
      .map((upper) =>
        JSON.stringify(Object.fromEntries(Object.entries(template).map(([k, v]) => [upper ? k.toUpperCase() : k.toLowerCase(), v]))),
      ),
    fc
      .dictionary(fc.string({ maxLength: 12 }), jsonValue, { minKeys: 1, maxKeys: 4 })
      .map((extra) => JSON.stringify({ ...template, ...extra })),
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
    fc
      .tuple(k, fc.integer({ min: 1, max: 2000 }))
      .map(([key, n]) => Buffer.from(Array.from({ length: n }, (_, i) => `${key}[]=${i}`).join('&'))),
    fc.constant(Buffer.from('a=1&'.repeat(150_001))),
    fc
      .tuple(k, fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '+++', '[', ']', '[]', '[[]]', '__proto__[x]', 'constructor[prototype][x]'))
      .map(([key, bad]) => Buffer.from(`${key}=${bad}&${bad}=1&${key}${bad}=2`)),
    fc.constant(Buffer.from('&&&==&=&')),
  );
}

/** The same buffer, printed by fast-check as its length and first bytes (a failing 1 MiB body stays readable). */
export function printable(b: Buffer): Buffer {
  const preview = b
    .subarray(0, 80)
    .toString('utf8')
    .replace(/[^\x20-\x7e]/g, '.');
  const text = `Buffer(${b.length} bytes: ${JSON.stringify(preview)}${b.length > 80 ? '…' : ''})`;
  // constant bodies are the same object on every run: the property stays configurable
  Object.defineProperty(b, fc.toStringMethod, { value: () => text, enumerable: false, configurable: true });
  return b;
}

// ---- comparing every table of the store around one request (the fuzzing and attacks.test.ts)

/** The request log table: append-only by design, one row per request to a face (refused ones included). */
export const REQUEST_LOG = 'api_requests';

export interface LogRow {
  id: number;
  request_id: string;
  merchant_id: string | null;
  face: string;
  method: string;
  status: number;
}

/** What a gateway under watch offers: its engine (store, scheduler, dispatcher) and its request log. */
export interface Watched {
  engine: Engine;
  apiLog: ApiLog;
}

/**
 * A checksum of the request log's rows up to `upTo` (all rows when absent): their count, last id, and sums over
 * every column, computed by the store. Reading every logged body after each request would cost more than the
 * fuzzing itself; old rows changed, removed or added below the mark change this checksum.
 */
function logChecksumSql(upTo?: number) {
  const where = upTo === undefined ? sql`` : sql`where id <= ${upTo}`;
  return sql<
    Record<string, unknown>
  >`select count(*) as n, coalesce(max(id), 0) as max_id, coalesce(sum(status), 0) as statuses, coalesce(sum(at), 0) as ats,
      coalesce(sum(duration_ms), 0) as durations, coalesce(sum(length(path) + length(method) + length(face) + length(request_id) + length(subjects)), 0) as texts,
      coalesce(sum(length(coalesce(merchant_id, '-'))), 0) as merchants, coalesce(sum(length(coalesce(request_body, '-')) + length(coalesce(response_body, '-'))), 0) as bodies
    from api_requests ${where}`;
}

async function logChecksum(db: Kysely<any>, upTo?: number): Promise<{ text: string; maxId: number }> {
  const row = (await logChecksumSql(upTo).execute(db)).rows[0]!;
  const text = Object.keys(row)
    .sort()
    .map((k) => `${k}=${String(row[k])}`)
    .join(',');
  return { text, maxId: Number(row.max_id) };
}

/** The store's tables (the migrations' own left out). */
export async function tableNames(engine: Engine): Promise<string[]> {
  return engine.read(async (tx) =>
    (await tx.db<any>().introspection.getTables())
      .map((t) => t.name)
      .filter((n) => !n.startsWith('kysely_'))
      .sort(),
  );
}

const rowText = (r: unknown) =>
  JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v));

export interface FullDigest {
  /** per table: a digest of all its rows (the request log: its checksum up to the mark asked for) */
  tables: Record<string, string>;
  /** the request log's checksum over all its rows, and its last id */
  log: string;
  logMaxId: number;
}

/**
 * Every row of every table digested per table (rows sorted), the request log by its checksum (up to `logUpTo`,
 * and over all rows). On PostgreSQL the store digests the rows itself, in one query.
 */
export async function fullDigest(engine: Engine, names: string[], logUpTo?: number): Promise<FullDigest> {
  if (!names.includes(REQUEST_LOG)) throw new Error(`no ${REQUEST_LOG} table among ${names.join(', ')}`);
  return engine.read(async (tx) => {
    const db = tx.db<any>();
    const tables: Record<string, string> = {};
    const all = await logChecksum(db);
    tables[REQUEST_LOG] = logUpTo === undefined ? all.text : (await logChecksum(db, logUpTo)).text;
    const others = names.filter((t) => t !== REQUEST_LOG);
    if (tx.dialect === 'postgres') {
      const parts = others.map(
        (t) =>
          sql`select ${t} as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, E'\n' order by x::text)), '') as d from ${sql.table(t)} x`,
      );
      const r = await sql<{ t: string; d: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
      for (const row of r.rows) tables[row.t] = row.d;
    } else {
      for (const t of others) {
        const rows = await db.selectFrom(t).selectAll().execute();
        tables[t] = `${rows.length}:${createHash('sha256').update(rows.map(rowText).sort().join('\n')).digest('hex').slice(0, 16)}`;
      }
    }
    return { tables, log: all.text, logMaxId: all.maxId };
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until nothing moves by itself: due jobs run, outbox events fanned out, due webhook deliveries sent and
 * recorded (also those the dispatcher's own loop had claimed), the clock saved and the request log written.
 * With the sandbox clock frozen, nothing becomes due afterwards.
 */
export async function settleGateway(gw: Watched): Promise<void> {
  const { engine } = gw;
  await engine.clockSaved();
  // longer than a webhook attempt may take (the dispatcher's 30 s timeout): in flight means not settled yet
  const deadline = Date.now() + 45_000;
  for (;;) {
    await engine.scheduler.drain();
    try {
      await engine.dispatcher.fanOut();
      await engine.dispatcher.deliverDue();
    } catch {
      /* an event that cannot be rendered stays pending: counted as busy below */
    }
    const now = engine.clock.now();
    const busy = await engine.read(async (tx) => {
      const r = await sql<{
        n: unknown;
      }>`select (select count(*) from deliveries where status = 'pending' and (locked_until > ${now} or next_attempt_at <= ${now}))
          + (select count(*) from outbox where fanned_out = 0) + (select count(*) from jobs where status = 'pending' and run_at <= ${now}) as n`.execute(
        tx.db<any>(),
      );
      return Number(r.rows[0]!.n);
    });
    if (busy === 0) break;
    if (Date.now() > deadline) throw new Error(`the gateway does not settle: ${busy} deliveries, events or jobs still due or in flight`);
    await pause(20);
  }
  await gw.apiLog.flush();
}

/** The request log's rows after an id, in order. */
export async function logRowsAfter(engine: Engine, id: number): Promise<LogRow[]> {
  return engine.read(async (tx) => {
    const db = tx.db<any>();
    const rows = await db
      .selectFrom(REQUEST_LOG)
      .select(['id', 'request_id', 'merchant_id', 'face', 'method', 'status'])
      .where('id', '>', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), status: Number(r.status) }) as LogRow);
  });
}

/** The requests a check expects in the log, and which merchant (with valid credentials) each may be attributed to. */
export interface LoggedRequest {
  /** the answer's x-polypay-request-id (null: the request never reached the gateway's hooks) */
  requestId: string | null;
  /** the face whose mount the path is under (null: not a face request, never logged) */
  face: string | null;
  method: string;
  /** the merchant whose valid credentials the request carried (null: none) */
  merchant: string | null;
}

export interface WatchResult {
  /** tables whose rows differ, other than the request log's new rows */
  changed: string[];
  /** new request log rows */
  logged: LogRow[];
  /** what is wrong with the new log rows (empty when they are exactly the requests' own rows) */
  logProblems: string[];
}

/**
 * Compares every table of a gateway's store before and after some requests. The request log may gain exactly one
 * row per face request sent (its own request id, face and method), attributed to no merchant or to the one whose
 * valid credentials it carried; its older rows may not change. Every other table is compared row by row.
 */
export class StoreWatch {
  private before: FullDigest | null = null;
  private names: string[] | null = null;

  constructor(private readonly gw: () => Watched) {}

  /** Settles the gateway and takes the baseline. */
  async mark(): Promise<void> {
    await settleGateway(this.gw());
    this.names = await tableNames(this.gw().engine);
    this.before = await fullDigest(this.gw().engine, this.names);
  }

  /** Settles the gateway, compares with the baseline, and makes the present state the next baseline. */
  async check(requests: LoggedRequest[]): Promise<WatchResult> {
    if (!this.before) await this.mark();
    const before = this.before!;
    const gw = this.gw();
    const expected = requests.filter((r) => r.requestId !== null && r.face !== null);
    let logged: LogRow[] = [];
    for (let round = 0; ; round++) {
      await settleGateway(gw);
      logged = await logRowsAfter(gw.engine, before.logMaxId);
      // the log row is recorded when the answer has been written: it may trail the client by a moment
      if (expected.every((r) => logged.some((l) => l.request_id === r.requestId)) || round >= 100) break;
      await pause(20);
    }
    const after = await fullDigest(gw.engine, this.names!, before.logMaxId);
    const changed = changedTables(before.tables, after.tables);
    const logProblems: string[] = [];
    for (const l of logged) {
      const r = expected.find((x) => x.requestId === l.request_id);
      if (!r) {
        logProblems.push(`log row ${l.id} (${l.request_id} ${l.method} ${l.face} ${l.status}) is not a request of this check`);
        continue;
      }
      if (l.face !== r.face || l.method !== r.method)
        logProblems.push(`log row ${l.id} says ${l.method} on ${l.face}, the request was ${r.method} on ${r.face}`);
      if (l.merchant_id !== null && l.merchant_id !== r.merchant)
        logProblems.push(`log row ${l.id} is attributed to merchant ${l.merchant_id}; allowed: ${r.merchant ?? 'none'}`);
    }
    for (const r of expected) {
      const n = logged.filter((l) => l.request_id === r.requestId).length;
      if (n !== 1) logProblems.push(`${r.method} request ${r.requestId} on ${r.face} has ${n} log rows, not 1`);
    }
    // the next baseline: the same rows, with the request log's checksum over all of its rows
    this.before = { tables: { ...after.tables, [REQUEST_LOG]: after.log }, log: after.log, logMaxId: after.logMaxId };
    return { changed, logged, logProblems };
  }
}
