// A parameterised statement as plain SQL text with its values written in as literals, so that several statements
// can travel in one simple-protocol query (deferred-writes.ts). A value is written exactly as the pg client would
// send it as a parameter (its text, untyped, for PostgreSQL to read in the parameter's place): a quoted literal
// made by pg's own escapeLiteral, so the statement means the same with the literal as with the parameter. Buffers
// become bytea hex literals; null and undefined become NULL.
import pg from 'pg';

/** A value that cannot be written into SQL text: the caller sends that statement with its parameters instead. */
const NOT_INLINABLE = Symbol('not inlinable');

function literal(v: unknown): string | typeof NOT_INLINABLE {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v))) return `'${v.toString()}'`;
  if (typeof v === 'boolean') return v ? "'true'" : "'false'";
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`;
  let text: string;
  if (typeof v === 'string') text = v;
  else if (v instanceof Date) text = v.toISOString();
  else if (typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v)) text = JSON.stringify(v);
  else return NOT_INLINABLE;
  // the statement text is a C string on the wire: a NUL would cut it short. The parameterised statement lets
  // PostgreSQL refuse the value as it refuses any NUL.
  if (text.includes('\u0000')) return NOT_INLINABLE;
  return pg.escapeLiteral(text);
}

/**
 * The statement with each `$n` placeholder replaced by the literal of params[n-1]; null when a value cannot be
 * written as a literal or the text has a `$` that is not a placeholder (dollar quoting), so that the caller sends
 * it with parameters. Quoted strings, quoted identifiers and comments are copied as they are.
 */
export function inlineParameters(text: string, params: readonly unknown[]): string | null {
  if (params.length === 0) return text;
  const literals = params.map(literal);
  if (literals.includes(NOT_INLINABLE)) return null;
  let out = '';
  let i = 0;
  let from = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      // a quoted string or identifier: a doubled quote stays inside it
      let j = i + 1;
      for (;;) {
        const k = text.indexOf(c, j);
        if (k < 0) return null;
        if (text[k + 1] === c) j = k + 2;
        else {
          i = k + 1;
          break;
        }
      }
    } else if (c === '-' && text[i + 1] === '-') {
      const k = text.indexOf('\n', i);
      i = k < 0 ? n : k + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const k = text.indexOf('*/', i + 2);
      if (k < 0) return null;
      i = k + 2;
    } else if (c === '$') {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j === i + 1) return null;
      const index = Number(text.slice(i + 1, j)) - 1;
      if (index < 0 || index >= literals.length) return null;
      out += text.slice(from, i) + (literals[index] as string);
      from = i = j;
    } else i++;
  }
  return out + text.slice(from);
}
