// Statements with their values written in as literals (src/store/postgres/inline-sql.ts), so that several travel in
// one simple-protocol query: each value as the text the pg client would send as its parameter, quoted safely.
import { describe, expect, it } from 'vitest';
import { inlineParameters } from '../../src/store/postgres/inline-sql.js';

describe('inlineParameters', () => {
  it('writes each kind of value as a literal in its placeholder', () => {
    expect(inlineParameters('select $1, $2, $3, $4, $5, $6', [7, 12345678901234567890n, true, null, undefined, 'x'])).toBe(
      "select '7', '12345678901234567890', 'true', NULL, NULL, 'x'",
    );
    expect(inlineParameters('insert into t values ($1)', [Buffer.from([0, 1, 255])])).toBe("insert into t values ('\\x0001ff'::bytea)");
    expect(inlineParameters('select $1', [{ a: "it's" }])).toBe(`select '{"a":"it''s"}'`);
    expect(inlineParameters('select $1', [new Date(Date.UTC(2030, 0, 2, 3, 4, 5))])).toBe("select '2030-01-02T03:04:05.000Z'");
  });

  it('quotes quotes and backslashes, and tells $10 from $1', () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    values[0] = "a'b\\c";
    expect(inlineParameters('select $10, $1', values)).toBe("select 'v10',  E'a''b\\\\c'");
  });

  it('leaves placeholders inside quoted strings, identifiers and comments alone', () => {
    expect(inlineParameters(`select '$1', "$1", $1 -- $1\n, /* $1 */ $2`, ['a', 'b'])).toBe(`select '$1', "$1", 'a' -- $1\n, /* $1 */ 'b'`);
  });

  it('declines what it cannot write safely: NUL characters, arrays, numbers that are not finite, dollar quoting', () => {
    expect(inlineParameters('select $1', ['a\u0000b'])).toBeNull();
    expect(inlineParameters('select $1', [[1, 2]])).toBeNull();
    expect(inlineParameters('select $1', [Number.NaN])).toBeNull();
    expect(inlineParameters('select $$x$$, $1', ['a'])).toBeNull();
    expect(inlineParameters('select $2', ['a'])).toBeNull();
    expect(inlineParameters("select 'unterminated", ['a'])).toBeNull();
  });
});
