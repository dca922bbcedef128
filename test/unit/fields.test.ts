// The face kit's field reader: each value read exactly, each fault described once as a problem, handed to the
// face's reporter (first problem thrown, or all collected).
import { describe, expect, it } from 'vitest';
import { collectProblems, Fields, firstProblem, jsonPath, type Problem } from '../../src/faces/kit/fields.js';

class Wire extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${jsonPath(p.path)} ${p.rule}`).join('; '));
  }
}
const first = () => firstProblem((p) => new Wire([p]));
const all = () => collectProblems((ps) => new Wire(ps));
const thrown = (fn: () => unknown): readonly Problem[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof Wire) return e.problems;
    throw e;
  }
  throw new Error('nothing thrown');
};

describe('Fields', () => {
  it('reads strings, integers, booleans and enums, and answers undefined for what is absent', () => {
    const f = new Fields({ a: 'x', n: 12, s: ' 7 ', b: true, w: 'yes', e: 'month', blank: '', nul: null }, first());
    expect(f.str('a')).toBe('x');
    expect(f.int('n')).toBe(12);
    expect(f.int('s')).toBe(7);
    expect(f.bool('b')).toBe(true);
    expect(f.bool('w', { words: true })).toBe(true);
    expect(f.enumOf('e', ['Day', 'Week', 'Month'] as const, { caseInsensitive: true })).toBe('Month');
    expect(f.str('missing')).toBeUndefined();
    expect(f.str('blank')).toBeUndefined();
    expect(f.str('nul')).toBeUndefined();
  });

  it('finds names case-insensitively and through aliases when asked', () => {
    const f = new Fields({ amount: '10.50', accountId: 'u1', RequireConfiramtion: true }, first(), { caseInsensitive: true });
    expect(f.amount('Amount', 'RUB', { form: 'major' })).toBe(1050n);
    expect(f.str('AccountId')).toBe('u1');
    expect(f.bool('RequireConfirmation', { aliases: ['RequireConfiramtion'] })).toBe(true);
    const strict = new Fields({ amount: '1' }, first());
    expect(strict.str('Amount')).toBeUndefined();
  });

  it('reads amounts exactly in major and minor units, refusing extra precision unless rounding is asked', () => {
    const f = new Fields({ a: 10.5, b: '1.005', c: '1050', d: 0.1, e: '10,25', big: '1000000000000000' }, first());
    expect(f.amount('a', 'RUB', { form: 'major' })).toBe(1050n);
    expect(f.amount('d', 'USD', { form: 'major' })).toBe(10n);
    expect(f.amount('c', 'RUB', { form: 'minor' })).toBe(1050n);
    expect(f.amount('b', 'RUB', { form: 'major', rounding: 'half-up' })).toBe(101n);
    expect(f.amount('e', 'RUB', { form: 'major', decimalComma: true })).toBe(1025n);
    expect(thrown(() => f.amount('b', 'RUB', { form: 'major' }))).toEqual([
      { rule: 'precision', path: ['b'], key: 'b', digits: 0, value: '1.005' },
    ]);
    expect(thrown(() => f.amount('big', 'RUB', { form: 'minor', max: 999_999_999_999_999n }))).toEqual([
      { rule: 'range', path: ['big'], key: 'big', max: '999999999999999', failed: 'max', value: '1000000000000000' },
    ]);
    expect(thrown(() => f.amount('c', 'RUB', { form: 'minor', min: 2000n }))).toEqual([
      { rule: 'range', path: ['c'], key: 'c', min: '2000', failed: 'min', value: '1050' },
    ]);
  });

  it('describes each fault with its rule and parameters', () => {
    const f = new Fields(
      {
        s: 5,
        long: 'abcdef',
        n: 1.5,
        neg: -1,
        url: 'http://a/\r\nx',
        e: 'Year',
        deep: JSON.parse('['.repeat(70) + ']'.repeat(70)),
        list: 'x',
      },
      first(),
    );
    expect(thrown(() => f.str('s'))).toEqual([{ rule: 'type', path: ['s'], key: 's', expected: ['string'], got: 'number', value: 5 }]);
    expect(thrown(() => f.str('long', { max: 5 }))).toEqual([
      { rule: 'length', path: ['long'], key: 'long', max: 5, failed: 'max', value: 'abcdef' },
    ]);
    expect(thrown(() => f.int('n'))).toEqual([{ rule: 'type', path: ['n'], key: 'n', expected: ['integer'], got: 'number', value: 1.5 }]);
    expect(f.int('n', { round: true })).toBe(2);
    expect(thrown(() => f.int('neg', { min: 0 }))).toEqual([
      { rule: 'range', path: ['neg'], key: 'neg', min: '0', failed: 'min', value: -1 },
    ]);
    expect(thrown(() => f.url('url'))).toEqual([{ rule: 'format', path: ['url'], key: 'url', format: 'url', value: 'http://a/\r\nx' }]);
    expect(thrown(() => f.enumOf('e', ['Day', 'Week'] as const))).toEqual([
      { rule: 'enum', path: ['e'], key: 'e', allowed: ['Day', 'Week'], value: 'Year' },
    ]);
    expect(thrown(() => f.json('deep'))).toEqual([{ rule: 'depth', path: ['deep'], key: 'deep', max: 64 }]);
    expect(thrown(() => f.list('list', (x) => x))).toEqual([
      { rule: 'type', path: ['list'], key: 'list', expected: ['array'], got: 'string', value: 'x' },
    ]);
    expect(thrown(() => f.str('absent', { required: true }))).toEqual([
      { rule: 'required', path: ['absent'], key: 'absent', expected: 'string' },
    ]);
  });

  it('reads nested objects and lists with their paths, and a collecting reporter answers every problem at once', () => {
    const body = { sender: { credential: { number: 42, cvv: '12' } }, items: [{ price: '1.00' }, { price: 'x' }, 7] };
    const f = new Fields(body, all());
    const cred = f.obj('sender')!.obj('credential')!;
    expect(cred.str('number')).toBeUndefined();
    expect(cred.str('cvv', { pattern: /^\d{3,4}$/, format: 'cvv' })).toBeUndefined();
    const prices = f.list('items', (v, path) => f.itemFields(v, path)?.amount('price', 'UAH', { form: 'major' }));
    expect(prices).toEqual([100n]);
    f.custom('fee', 'fee', 'is invalid, must be 5');
    const problems = thrown(() => f.done());
    expect(problems.map((p) => [jsonPath(p.path), p.rule])).toEqual([
      ['$.sender.credential.number', 'type'],
      ['$.sender.credential.cvv', 'format'],
      ['$.items[1].price', 'format'],
      ['$.items[2]', 'type'],
      ['$.fee', 'custom'],
    ]);
  });

  it('parses JSON held in a string when asked and keeps plain strings', () => {
    const f = new Fields({ j: '{"a":1}', t: 'note', n: 5 }, first());
    expect(f.json('j', { parseStrings: true })).toEqual({ a: 1 });
    expect(f.json('t', { parseStrings: true })).toBe('note');
    expect(f.json('n')).toBe(5);
    expect(thrown(() => f.json('t', { objectOnly: true }))).toEqual([
      { rule: 'type', path: ['t'], key: 't', expected: ['object'], got: 'string', value: 'note' },
    ]);
  });
});
