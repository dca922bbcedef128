// JSON text of values that hold bigints (amounts in minor units, ledger totals), as the admin API and the dashboard
// write it: every bigint as its exact decimal string, never a float, and nothing at all for undefined.
import { describe, expect, it } from 'vitest';
import { bigintsAsStrings, stringifyWithBigints } from '../../src/core/bigint-json.js';

describe('JSON with bigints', () => {
  it('writes every bigint as its exact decimal string, at any depth, and leaves other values as JSON has them', () => {
    expect(stringifyWithBigints({ amount: 12345678901234567890n, legs: [1n, -5n, 0n], n: 7, s: '8', ok: true, none: null })).toBe(
      '{"amount":"12345678901234567890","legs":["1","-5","0"],"n":7,"s":"8","ok":true,"none":null}',
    );
    expect(stringifyWithBigints(9007199254740993n)).toBe('"9007199254740993"');
    expect(stringifyWithBigints('plain')).toBe('"plain"');
  });

  it('indents when asked', () => {
    expect(stringifyWithBigints({ a: 1n, b: { c: 2 } }, 2)).toBe('{\n  "a": "1",\n  "b": {\n    "c": 2\n  }\n}');
  });

  it('gives an empty text for undefined (JSON has no text for it)', () => {
    expect(stringifyWithBigints(undefined)).toBe('');
  });

  it('is a replacer JSON.stringify can use directly', () => {
    expect(bigintsAsStrings('k', 42n)).toBe('42');
    expect(bigintsAsStrings('k', 42)).toBe(42);
    const obj = { x: 1 };
    expect(bigintsAsStrings('k', obj)).toBe(obj);
    expect(JSON.stringify({ total: -100n, list: [3n] }, bigintsAsStrings)).toBe('{"total":"-100","list":["3"]}');
  });
});
