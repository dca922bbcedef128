// Redaction of the request log (api_requests): bodies, answers and URLs are parsed, never masked as text.
//
// A request body is read as JSON (numbers kept as written) or, when it is not JSON, as a form
// (`a=1&b[c]=2`, `+` and percent escapes decoded); a body that is neither (or too large, or nested too deeply)
// is not kept at all: `[unparsed body, N bytes]`. Then:
// - the face's declared fields (Face.sensitive) and the common names below are masked by what they hold: a card
//   number field keeps at most its first 6 and last 4 digits when it holds a valid card number, and is
//   `[redacted]` otherwise (an already masked value is kept); a secret field (CVV, cryptogram, PaRes, one-time
//   code, secret) is always `[redacted]`, whether a string or a number;
// - as a second net, every other string, number and key is searched for digits joined by the separators that
//   normalizePan accepts (PAN_SEPARATOR_CLASS, shared with it): a run that is a Luhn-valid 13–19 digit number is
//   masked to first 6 + last 4, a longer run that contains one is `[redacted]`. A string holding JSON or a form
//   (CloudPayments' JsonData, a form hidden in a JSON string) is read and masked the same way.
// Answers are JSON the gateway wrote and go through the same walk (anything else is not kept); the query string
// of a URL is read as a form, and each path segment is searched like a string (decoded as a form value).
import { luhnValid, maskPan, normalizePan } from '../core/cards.js';
import { CVV_LIKE, maskCardRuns, REDACTED } from '../core/card-text.js';
import { numberToPlainString } from '../core/money.js';
import type { SensitiveFields } from '../faces/face.js';
import { parseRawJson, RawJsonError, type RawJson } from './raw-json.js';

export { REDACTED };
/** Bodies larger than this are not parsed for the log, and so not kept. */
export const MAX_PARSED_BYTES = 256 * 1024;
/** Kept excerpts are cut to this many characters (after redaction). */
export const MAX_EXCERPT = 4096;
export const MAX_URL = 1024;
const MAX_DEPTH = 64;

export function unparsed(bytes: number): string {
  return `[unparsed body, ${bytes} bytes]`;
}

/** Names every face gets: card form fields, 3-D Secure and one-time codes, secrets. */
export const COMMON_SENSITIVE: SensitiveFields = {
  pan: ['pan', 'card_number', 'cardNumber', 'card_no', 'cardNo'],
  secret: [
    'cvv',
    'cvv2',
    'cvc',
    'cvc2',
    'cvn',
    'csc',
    'security_code',
    'securityCode',
    'PaRes',
    'pa_res',
    'CardCryptogramPacket',
    'cryptogram',
    'otp',
    'otp_code',
    'otp-code',
    'otpCode',
    'password',
    'secret',
    'api_secret',
    'apiSecret',
    'secret_key',
    'secretKey',
    'private_key',
    'privateKey',
  ],
};

// ------------------------------------------------------------------------------------------- text

/** Percent escapes decoded as a browser or a query-string parser decodes them (malformed ones stay as they are). */
export function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => Buffer.from(m.replace(/%/g, ''), 'hex').toString('utf8'));
}

function formDecode(s: string): string {
  return percentDecode(s.replace(/\+/g, ' '));
}

/** Percent escapes of a character's UTF-8 bytes (a lone surrogate becomes U+FFFD; never throws). */
function escapeChar(c: string): string {
  return [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** A form key or value as the log shows it: only what would change how the form reads is escaped. */
function formEncode(s: string): string {
  return s.replace(/[%&=+#\s\u0000-\u001f\u007f\ud800-\udfff]/gu, (c) => (c === ' ' ? '+' : escapeChar(c)));
}

/** A path segment as the log shows it. */
function segmentEncode(s: string): string {
  return s.replace(/[%/?#\s\u0000-\u001f\u007f\ud800-\udfff]/gu, escapeChar);
}

/** `a[b][]` → ['a', 'b', '']. */
function formPath(key: string): string[] {
  const m = /^([^[\]]*)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return [key];
  return [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
}

// ------------------------------------------------------------------------------------------- policy

type Kind = 'pan' | 'secret';

const stronger = (a: Kind | null, b: Kind | null): Kind | null => (a === 'secret' || b === 'secret' ? 'secret' : (a ?? b));

/** Field rules by how they match: bare names (lower case) and paths from the root (lower case; '*' is any one segment). */
interface Rules {
  names: Map<string, Kind>;
  paths: Array<{ kind: Kind; path: string[] }>;
}

function rulesOf(list: readonly SensitiveFields[]): Rules {
  const rules: Rules = { names: new Map(), paths: [] };
  for (const fields of list) {
    for (const [kind, names] of [
      ['pan', fields.pan],
      ['secret', fields.secret],
    ] as const) {
      for (const f of names) {
        const lower = f.toLowerCase();
        if (lower.startsWith('$.')) rules.paths.push({ kind, path: lower.slice(2).split('.') });
        else rules.names.set(lower, stronger(rules.names.get(lower) ?? null, kind)!);
      }
    }
  }
  return rules;
}

/** The redaction of one face: its declared fields plus the common ones. */
export class Redactor {
  private readonly rules: Rules;

  constructor(fields?: SensitiveFields) {
    this.rules = rulesOf(fields ? [COMMON_SENSITIVE, fields] : [COMMON_SENSITIVE]);
  }

  /** What the key at the end of `path` (lower case) holds, by the rules alone. */
  private kindAt(path: readonly string[]): Kind | null {
    const last = path[path.length - 1] ?? '';
    let kind: Kind | null = CVV_LIKE.test(last) ? 'secret' : (this.rules.names.get(last) ?? null);
    for (const r of this.rules.paths) {
      if (kind === 'secret') break;
      if (r.path.length === path.length && r.path.every((seg, i) => seg === '*' || seg === path[i])) kind = stronger(kind, r.kind);
    }
    return kind;
  }

  // ---- values

  private panText(text: string): string {
    const digits = normalizePan(text);
    if (/^[0-9]{13,19}$/.test(digits) && luhnValid(digits)) return maskPan(digits);
    if (text === '') return text;
    // already masked (at most 6 leading and 4 trailing digits around the stars): nothing more to hide
    if (/^[0-9]{0,6}\*+[0-9]{0,4}$/.test(digits)) return text;
    return REDACTED;
  }

  private string(value: string, path: string[], kind: Kind | null, depth: number): string {
    if (kind === 'secret') return value === '' ? value : REDACTED;
    if (kind === 'pan') return this.panText(value);
    if (depth < MAX_DEPTH) {
      const t = value.trim();
      if (t.startsWith('{') || t.startsWith('[')) {
        let tree: RawJson | undefined;
        try {
          tree = parseRawJson(t, MAX_DEPTH - depth);
        } catch (e) {
          if (!(e instanceof RawJsonError)) throw e;
        }
        if (tree) {
          const out = new Out(MAX_EXCERPT);
          this.emit(tree, path, null, depth + 1, out);
          return out.text();
        }
      }
      // a form inside a string: a page that reads the whole body as a form would find these fields
      if (value.includes('=')) {
        const f = this.formPairs(value, depth + 1, MAX_EXCERPT);
        if (f.touched) return f.text;
      }
    }
    return maskCardRuns(value).text;
  }

  /** A number's replacement (a string), or null to keep it as written. */
  private number(raw: string, kind: Kind | null): string | null {
    if (kind === 'secret') return REDACTED;
    if (kind === 'pan') return this.panText(raw);
    // fewer than 13 digits and no exponent: nothing to search
    if (raw.length < 13 && !/[eE]/.test(raw)) return null;
    const n = Number(raw);
    for (const candidate of [raw, String(n), numberToPlainString(n)]) {
      const m = maskCardRuns(candidate);
      if (m.changed) return m.text;
    }
    return null;
  }

  /** Writes the redacted JSON of a tree; `path` holds the lower-case keys down to `v` (and is restored). */
  private emit(v: RawJson, path: string[], kind: Kind | null, depth: number, out: Out): void {
    switch (v.kind) {
      case 'object':
        out.push('{');
        for (let i = 0; i < v.entries.length && !out.full; i++) {
          const [k, x] = v.entries[i]!;
          if (i) out.push(',');
          out.push(JSON.stringify(maskCardRuns(k).text) + ':');
          path.push(k.toLowerCase());
          this.emit(x, path, stronger(kind, this.kindAt(path)), depth + 1, out);
          path.pop();
        }
        out.push('}');
        return;
      case 'array':
        out.push('[');
        for (let i = 0; i < v.items.length && !out.full; i++) {
          if (i) out.push(',');
          path.push(String(i));
          this.emit(v.items[i]!, path, kind, depth + 1, out);
          path.pop();
        }
        out.push(']');
        return;
      case 'string':
        out.push(JSON.stringify(this.string(v.value, path, kind, depth)));
        return;
      case 'number': {
        const r = this.number(v.raw, kind);
        out.push(r === null ? v.raw : JSON.stringify(r));
        return;
      }
      case 'literal':
        out.push(v.raw);
        return;
    }
  }

  /** A form, each pair masked by its key's path; `touched` tells whether a field rule applied. */
  private formPairs(text: string, depth: number, max: number): { text: string; touched: boolean } {
    let touched = false;
    const out = new Out(max);
    const pieces = text.split('&');
    for (let i = 0; i < pieces.length && !out.full; i++) {
      const piece = pieces[i]!;
      if (i) out.push('&');
      if (!piece) continue;
      const eq = piece.indexOf('=');
      const key = formDecode(eq === -1 ? piece : piece.slice(0, eq));
      const path = formPath(key.toLowerCase());
      let kind: Kind | null = null;
      for (let n = 1; n <= path.length; n++) kind = stronger(kind, this.kindAt(path.slice(0, n)));
      if (kind) touched = true;
      out.push(formEncode(maskCardRuns(key).text));
      if (eq !== -1) out.push('=' + formEncode(this.string(formDecode(piece.slice(eq + 1)), path, kind, depth)));
    }
    return { text: out.text(), touched };
  }

  // ---- what the log keeps

  /** A request body as the log keeps it (null when there is none). */
  request(body: unknown): string | null {
    const b = bodyText(body);
    if (!b || b.bytes === 0) return null;
    if (b.bytes > MAX_PARSED_BYTES) return unparsed(b.bytes);
    const json = this.json(b.text);
    if (json !== undefined) return json;
    const t = b.text.trim();
    // broken JSON is not read as a form (a face reading it as JSON refuses it; its text is not kept)
    if (/^["{[]/.test(t) || isJson(t)) return unparsed(b.bytes);
    // a form has no raw control characters (a browser and every client encode them)
    if (/[\u0000-\u001f\u007f]/.test(t)) return unparsed(b.bytes);
    return this.formPairs(t, 0, MAX_EXCERPT).text;
  }

  /** An answer of the gateway as the log keeps it: JSON through the same walk, anything else not kept. */
  answer(payload: unknown): string | null {
    const b = bodyText(payload);
    if (!b) return null;
    if (b.bytes === 0) return '';
    if (b.bytes > MAX_PARSED_BYTES) return unparsed(b.bytes);
    return this.json(b.text) ?? unparsed(b.bytes);
  }

  /** A request URL as the log keeps it: path segments searched for card numbers, the query read as a form. */
  url(url: string): string {
    const q = url.indexOf('?');
    const path = (q === -1 ? url : url.slice(0, q))
      .split('/')
      .map((seg) => {
        // ('+' read as a space too: a separator to whoever decodes the path as a form would)
        const m = maskCardRuns(formDecode(seg));
        return m.changed ? segmentEncode(m.text) : seg;
      })
      .join('/');
    const query = q === -1 ? '' : '?' + this.formPairs(url.slice(q + 1), 0, MAX_URL).text;
    return cut(path + query, MAX_URL);
  }

  private json(text: string): string | undefined {
    let tree: RawJson;
    try {
      tree = parseRawJson(text, MAX_DEPTH);
    } catch (e) {
      if (e instanceof RawJsonError) return undefined;
      throw e;
    }
    const out = new Out(MAX_EXCERPT);
    this.emit(tree, [], null, 0, out);
    return out.text();
  }
}

function bodyText(body: unknown): { text: string; bytes: number } | null {
  if (Buffer.isBuffer(body)) return { text: body.length > MAX_PARSED_BYTES ? '' : body.toString('utf8'), bytes: body.length };
  if (typeof body === 'string') return { text: body, bytes: Buffer.byteLength(body) };
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Text written up to a budget: once past it the walk stops, since the excerpt is cut there anyway. */
class Out {
  private readonly parts: string[] = [];
  private length = 0;

  constructor(private readonly max: number) {}

  get full(): boolean {
    return this.length > this.max;
  }

  push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  text(): string {
    return cut(this.parts.join(''), this.max);
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
