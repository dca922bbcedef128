// JSON read into a tree that keeps every number as written (its lexeme) and every key in order (duplicates too),
// and written back compactly. The request log redacts bodies on this tree: a number too large for a double
// (a 19-digit card number sent as a JSON number) keeps its exact digits for the checks instead of being rounded.
// The grammar is JSON.parse's, after the same `trim()` the faces apply; nesting deeper than a limit is refused.

export type RawJson =
  | { kind: 'object'; entries: Array<[string, RawJson]> }
  | { kind: 'array'; items: RawJson[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'literal'; raw: 'true' | 'false' | 'null' };

export class RawJsonError extends Error {}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses JSON text (trimmed as the faces trim it); throws RawJsonError on anything JSON.parse would refuse. */
export function parseRawJson(text: string, maxDepth = 64): RawJson {
  const s = text.trim();
  let i = 0;
  const fail = (): never => {
    throw new RawJsonError(`invalid JSON at ${i}`);
  };
  const ws = () => {
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const str = (): string => {
    i++; // the opening quote
    let out = '';
    let from = i;
    for (;;) {
      if (i >= s.length) fail();
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(from, i);
        i++;
        return out;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        out += s.slice(from, i);
        const e = s[i + 1];
        if (e === 'u') {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const v = e === undefined ? undefined : ESCAPES[e];
          if (v === undefined) fail();
          out += v;
          i += 2;
        }
        from = i;
        continue;
      }
      i++;
    }
  };
  const value = (depth: number): RawJson => {
    if (depth > maxDepth) throw new RawJsonError('JSON nested too deeply');
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, RawJson]> = [];
      ws();
      if (s[i] === '}') {
        i++;
        return { kind: 'object', entries };
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail();
        const key = str();
        ws();
        if (s[i] !== ':') fail();
        i++;
        entries.push([key, value(depth + 1)]);
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === '}') {
          i++;
          return { kind: 'object', entries };
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      const items: RawJson[] = [];
      ws();
      if (s[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === ']') {
          i++;
          return { kind: 'array', items };
        } else fail();
      }
    }
    if (c === '"') return { kind: 'string', value: str() };
    for (const lit of ['true', 'false', 'null'] as const) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return { kind: 'literal', raw: lit };
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(s);
    if (!m) fail();
    i += m![0].length;
    return { kind: 'number', raw: m![0] };
  };
  const v = value(0);
  ws();
  if (i !== s.length) fail();
  return v;
}

/** Compact JSON text of a tree (numbers exactly as they were written). */
export function writeRawJson(v: RawJson): string {
  switch (v.kind) {
    case 'object':
      return '{' + v.entries.map(([k, x]) => JSON.stringify(k) + ':' + writeRawJson(x)).join(',') + '}';
    case 'array':
      return '[' + v.items.map(writeRawJson).join(',') + ']';
    case 'string':
      return JSON.stringify(v.value);
    case 'number':
    case 'literal':
      return v.raw;
  }
}
