// Property-based fuzzing of a face over real HTTP: random and mutated bodies, headers, query strings,
// encodings, huge numbers, deep nesting and oversized bodies. Every answer must be a 4xx (or a 2xx for
// what happens to be valid), never a 5xx, and the server must stay up.
import fc from 'fast-check';

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
