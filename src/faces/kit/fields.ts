// One field reader for every face. A face parses its body (JSON, or a form), then reads each field with
// `Fields`: `str`, `int`, `bool`, `amount`, `url`, `json`, `enumOf`, `obj`, `list`. What is wrong with a field is
// described once, as a `Problem` (its path, the rule it broke and the rule's parameters), and handed to the face's
// `Reporter`, which turns it into the provider's own wire error:
//   - throwing providers (Numopay, CloudPayments, Way2Pay) answer the first problem: `firstProblem(toError)`;
//   - collecting providers (Mbill's `invalid[]`, NovaPay's `errors[]`) answer them all: `collectProblems(toError)`,
//     then `fields.done()` throws when anything was collected.
// Key lookup may be case-insensitive (CloudPayments documents its parameter names so) and take aliases.
import { isCoreError } from '../../core/errors.js';
import { parseMajor, parseMinor, type Rounding } from '../../core/money.js';
import { isHttpUrl } from './urls.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth.js';

export type Path = Array<string | number>;

/** The JSON kinds a problem names (`expected` and `got`). */
export type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'undefined';

export type Problem =
  | { rule: 'required'; path: Path; key: string; expected: Kind }
  | { rule: 'type'; path: Path; key: string; expected: Kind[]; got: Kind; value: unknown }
  | { rule: 'length'; path: Path; key: string; min?: number; max?: number; failed: 'min' | 'max'; value: string }
  | { rule: 'range'; path: Path; key: string; min?: string; max?: string; failed: 'min' | 'max'; value: unknown }
  | { rule: 'precision'; path: Path; key: string; digits: number; value: unknown }
  | { rule: 'format'; path: Path; key: string; format: string; value: unknown }
  | { rule: 'enum'; path: Path; key: string; allowed: readonly string[]; value: unknown }
  | { rule: 'depth'; path: Path; key: string; max: number }
  | { rule: 'custom'; path: Path; key: string; name: string; message: string; value?: unknown };

/** What a face does with a problem: throw its wire error now, or collect it for one answer. */
export interface Reporter {
  report(p: Problem): void;
  /** throws the face's error when problems were collected (a throwing reporter never has any) */
  done(): void;
  readonly problems: readonly Problem[];
}

/** The provider answers the first problem it finds. */
export function firstProblem(toError: (p: Problem) => Error): Reporter {
  return {
    problems: [],
    report(p) {
      throw toError(p);
    },
    done() {},
  };
}

/** The provider answers every problem at once. */
export function collectProblems(toError: (ps: readonly Problem[]) => Error): Reporter {
  const problems: Problem[] = [];
  return {
    problems,
    report(p) {
      problems.push(p);
    },
    done() {
      if (problems.length) throw toError(problems);
    },
  };
}

export function kindOf(v: unknown): Kind {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return typeof v as Kind;
  return 'undefined';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface FieldsOptions {
  /** key names compare case-insensitively (the first of several spellings wins) */
  caseInsensitive?: boolean;
  /** where this object sits in the body, for problem paths */
  path?: Path;
}

interface Common {
  required?: boolean;
  /** other names the field may be sent under */
  aliases?: string[];
}

const INT_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

/** Reads the fields of one object of a request body. */
export class Fields {
  private readonly source: Record<string, unknown>;
  private readonly lower: Map<string, string> | null;
  readonly path: Path;

  constructor(
    source: Record<string, unknown>,
    readonly reporter: Reporter,
    private readonly opts: FieldsOptions = {},
  ) {
    this.source = source;
    this.path = opts.path ?? [];
    if (opts.caseInsensitive) {
      this.lower = new Map();
      for (const k of Object.keys(source)) if (!this.lower.has(k.toLowerCase())) this.lower.set(k.toLowerCase(), k);
    } else this.lower = null;
  }

  /** The raw value of a field (the first of its names present), or undefined. */
  raw(name: string, aliases: string[] = []): unknown {
    for (const n of [name, ...aliases]) {
      const key = this.lower ? this.lower.get(n.toLowerCase()) : Object.prototype.hasOwnProperty.call(this.source, n) ? n : undefined;
      if (key !== undefined && this.source[key] !== undefined) return this.source[key];
    }
    return undefined;
  }

  /** Whether the field holds a value (not absent, null or an empty string). */
  has(name: string, aliases: string[] = []): boolean {
    return !blank(this.raw(name, aliases));
  }

  /** The names of the fields present. */
  keys(): string[] {
    return Object.keys(this.source);
  }

  problem(p: Problem): undefined {
    this.reporter.report(p);
    return undefined;
  }

  /** Reports a problem of the face's own kind (a rule the kit does not know) on a field. */
  custom(key: string, name: string, message: string, value?: unknown): undefined {
    return this.problem({ rule: 'custom', path: this.at(key), key, name, message, value });
  }

  private at(key: string): Path {
    return [...this.path, key];
  }

  /** Absent (or, unless `keepBlank`, null or ''): reports `required` when required, answers undefined. */
  private absent(name: string, v: unknown, o: Common & { expected: Kind; keepBlank?: boolean }): boolean {
    if (o.keepBlank ? v === undefined : blank(v)) {
      if (o.required) this.problem({ rule: 'required', path: this.at(name), key: name, expected: o.expected });
      return true;
    }
    return false;
  }

  /**
   * A string. Numbers are taken as their text when `numbers` is set (forms and lenient clients); `trim` trims;
   * `min`/`max` bound the length; `pattern` is a format named `format`.
   */
  str(
    name: string,
    o: Common & { min?: number; max?: number; trim?: boolean; numbers?: boolean; pattern?: RegExp; format?: string } = {},
  ): string | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'string' })) return undefined;
    let s: string;
    if (typeof v === 'string') s = v;
    else if (o.numbers && typeof v === 'number' && Number.isFinite(v)) s = String(v);
    else return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['string'], got: kindOf(v), value: v });
    if (o.trim) s = s.trim();
    if (o.max !== undefined && s.length > o.max)
      return this.problem({ rule: 'length', path: this.at(name), key: name, max: o.max, failed: 'max', value: s });
    if (o.min !== undefined && s.length < o.min)
      return this.problem({ rule: 'length', path: this.at(name), key: name, min: o.min, failed: 'min', value: s });
    if (o.pattern && !o.pattern.test(s))
      return this.problem({ rule: 'format', path: this.at(name), key: name, format: o.format ?? 'pattern', value: s });
    return s;
  }

  /**
   * An integer: a JSON number or a string of digits. With `round`, a fractional value is rounded (CloudPayments
   * documents this for integer fields); otherwise it is a `type` problem.
   */
  int(name: string, o: Common & { min?: number; max?: number; round?: boolean; strings?: boolean } = {}): number | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'integer' })) return undefined;
    let n: number;
    if (typeof v === 'number') n = v;
    else if ((o.strings ?? true) && typeof v === 'string' && INT_TEXT.test(v)) n = Number(v);
    else return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['integer'], got: kindOf(v), value: v });
    if (!Number.isFinite(n))
      return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['integer'], got: 'number', value: v });
    if (!Number.isInteger(n)) {
      if (!o.round) return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['integer'], got: 'number', value: v });
      n = Math.round(n);
    }
    if (!Number.isSafeInteger(n))
      return this.problem({ rule: 'range', path: this.at(name), key: name, max: String(Number.MAX_SAFE_INTEGER), failed: 'max', value: v });
    if (o.min !== undefined && n < o.min)
      return this.problem({ rule: 'range', path: this.at(name), key: name, min: String(o.min), failed: 'min', value: v });
    if (o.max !== undefined && n > o.max)
      return this.problem({ rule: 'range', path: this.at(name), key: name, max: String(o.max), failed: 'max', value: v });
    return n;
  }

  /** A boolean: true/false, 1/0, and (with `words`) "true"/"false", "1"/"0", "yes"/"no", "on"/"off". */
  bool(name: string, o: Common & { words?: boolean } = {}): boolean | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'boolean' })) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    if (o.words && typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (['true', '1', 'on', 'yes'].includes(s)) return true;
      if (['false', '0', 'off', 'no'].includes(s)) return false;
    }
    return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['boolean'], got: kindOf(v), value: v });
  }

  /**
   * An amount in the currency's minor units, from the wire's form: `major` (decimal text or a JSON number in major
   * units, "10.50"), or `minor` (an integer string or number of minor units, "1050"). More fractional digits than
   * the currency has are a `precision` problem unless `rounding` is 'half-up'. `min`/`max` are minor units.
   */
  amount(
    name: string,
    currency: string,
    o: Common & { form: 'major' | 'minor'; rounding?: Rounding; min?: bigint; max?: bigint; decimalComma?: boolean; numbers?: boolean },
  ): bigint | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'number' })) return undefined;
    if (typeof v !== 'string' && !(typeof v === 'number' && (o.numbers ?? true)))
      return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['number', 'string'], got: kindOf(v), value: v });
    let minor: bigint;
    try {
      const text = typeof v === 'string' ? (o.decimalComma ? v.trim().replace(',', '.') : v.trim()) : v;
      minor = o.form === 'major' ? parseMajor(text, currency, o.rounding ?? 'reject') : parseMinor(text);
    } catch (e) {
      if (!isCoreError(e)) throw e;
      if (e.code === 'AMOUNT_PRECISION') return this.problem({ rule: 'precision', path: this.at(name), key: name, digits: 0, value: v });
      return this.problem({ rule: 'format', path: this.at(name), key: name, format: o.form === 'major' ? 'decimal' : 'integer', value: v });
    }
    if (o.min !== undefined && minor < o.min)
      return this.problem({ rule: 'range', path: this.at(name), key: name, min: o.min.toString(), failed: 'min', value: v });
    if (o.max !== undefined && minor > o.max)
      return this.problem({ rule: 'range', path: this.at(name), key: name, max: o.max.toString(), failed: 'max', value: v });
    return minor;
  }

  /** An absolute http(s) URL without control characters. */
  url(name: string, o: Common & { max?: number } = {}): string | undefined {
    const s = this.str(name, { ...o, max: o.max ?? 2048 });
    if (s === undefined) return undefined;
    if (!isHttpUrl(s)) return this.problem({ rule: 'format', path: this.at(name), key: name, format: 'url', value: s });
    return s;
  }

  /** One of the allowed values; `caseInsensitive` answers the allowed spelling. */
  enumOf<T extends string>(name: string, allowed: readonly T[], o: Common & { caseInsensitive?: boolean } = {}): T | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'string' })) return undefined;
    if (typeof v === 'string') {
      const found = allowed.find((a) => (o.caseInsensitive ? a.toLowerCase() === v.trim().toLowerCase() : a === v));
      if (found !== undefined) return found;
    }
    return this.problem({ rule: 'enum', path: this.at(name), key: name, allowed, value: v });
  }

  /**
   * A free-form JSON value (metadata, JsonData): any JSON, nested at most `maxDepth` levels. With `parseStrings`,
   * a string holding a JSON object or list is parsed (and kept as the string when it is not JSON).
   */
  json(name: string, o: Common & { maxDepth?: number; parseStrings?: boolean; objectOnly?: boolean } = {}): unknown {
    let v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'object' })) return undefined;
    if (o.parseStrings && typeof v === 'string') {
      const t = v.trim();
      if (t.startsWith('{') || t.startsWith('[')) {
        try {
          v = JSON.parse(t) as unknown;
        } catch {
          /* a plain string */
        }
      }
    }
    if (o.objectOnly && !isPlainObject(v))
      return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['object'], got: kindOf(v), value: v });
    if (jsonDepthExceeds(v, o.maxDepth ?? MAX_JSON_DEPTH))
      return this.problem({ rule: 'depth', path: this.at(name), key: name, max: o.maxDepth ?? MAX_JSON_DEPTH });
    return v;
  }

  /** A nested object's fields (same reporter, a longer path); undefined when absent. */
  obj(name: string, o: Common & { nullable?: boolean } = {}): Fields | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'object', keepBlank: !o.nullable })) return undefined;
    if (v === null && o.nullable) return undefined;
    if (!isPlainObject(v))
      return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['object'], got: kindOf(v), value: v });
    return new Fields(v, this.reporter, { caseInsensitive: this.opts.caseInsensitive, path: this.at(name) });
  }

  /** A list, each item read by `item` (its index in the path); undefined when absent. */
  list<T>(
    name: string,
    item: (value: unknown, path: Path, index: number) => T | undefined,
    o: Common & { max?: number; min?: number } = {},
  ): T[] | undefined {
    const v = this.raw(name, o.aliases);
    if (this.absent(name, v, { ...o, expected: 'array', keepBlank: true })) return undefined;
    if (!Array.isArray(v))
      return this.problem({ rule: 'type', path: this.at(name), key: name, expected: ['array'], got: kindOf(v), value: v });
    if (o.max !== undefined && v.length > o.max)
      return this.problem({ rule: 'length', path: this.at(name), key: name, max: o.max, failed: 'max', value: String(v.length) });
    if (o.min !== undefined && v.length < o.min)
      return this.problem({ rule: 'length', path: this.at(name), key: name, min: o.min, failed: 'min', value: String(v.length) });
    const out: T[] = [];
    v.forEach((x, i) => {
      const r = item(x, [...this.at(name), i], i);
      if (r !== undefined) out.push(r);
    });
    return out;
  }

  /** Fields of a list item that is an object (for `list`). */
  itemFields(value: unknown, path: Path): Fields | undefined {
    const key = String(path[path.length - 1]);
    if (!isPlainObject(value)) return this.problem({ rule: 'type', path, key, expected: ['object'], got: kindOf(value), value });
    return new Fields(value, this.reporter, { caseInsensitive: this.opts.caseInsensitive, path });
  }

  /** Throws the face's error when its reporter collected problems. */
  done(): void {
    this.reporter.done();
  }
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A path as JSONPath (`$.sender.credential.number`, `$.items[0].price`). */
export function jsonPath(path: Path): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}
