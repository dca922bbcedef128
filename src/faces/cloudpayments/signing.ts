// Notification encoding and signing: the form of a notification (UTF-8 or Windows-1251, `+` for spaces) and its
// two signatures, `Content-HMAC` (base64 HMAC-SHA256 keyed with the API Secret over the raw body or query) and
// `X-Content-HMAC` (over its URL-decoded form).
import { createHmac } from 'node:crypto';

/** The text encoding of a notification (per the merchant's settings). */
export type Encoding = 'UTF8' | 'Windows1251';

/** A notification's fields, in order. */
export type FormFields = Array<[string, string]>;

/** Windows-1251's upper half: each character it holds → its byte (from the platform's decoder of that code page). */
const CP1251_BYTES: ReadonlyMap<number, number> = (() => {
  const decoder = new TextDecoder('windows-1251');
  const bytes = new Map<number, number>();
  for (let b = 0x80; b <= 0xff; b++) bytes.set(decoder.decode(Uint8Array.of(b)).codePointAt(0)!, b);
  return bytes;
})();

/** Windows-1251 bytes of a string (anything the code page lacks becomes '?'). */
function cp1251(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out.push(c < 0x80 ? c : (CP1251_BYTES.get(c) ?? 0x3f));
  }
  return Buffer.from(out);
}

function encodeComponent(v: string, encoding: Encoding): string {
  if (encoding === 'UTF8') return encodeURIComponent(v).replace(/%20/g, '+');
  let out = '';
  for (const b of cp1251(v)) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(ch) ? ch : b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function encodeForm(fields: FormFields, encoding: Encoding = 'UTF8'): string {
  return fields.map(([k, v]) => `${encodeComponent(k, encoding)}=${encodeComponent(v, encoding)}`).join('&');
}

/** The URL-decoded form of an encoded body or query (what X-Content-HMAC covers), in its encoding. */
function decodedForm(encoded: string, encoding: Encoding = 'UTF8'): string {
  const bytes: number[] = [];
  const text = encoded.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const m = text[i] === '%' ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(i + 1, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!));
  }
  return new TextDecoder(encoding === 'UTF8' ? 'utf-8' : 'windows-1251').decode(Uint8Array.from(bytes));
}

function hmacBase64(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64');
}

export function signatureHeaders(secret: string, signed: string, encoding: Encoding = 'UTF8'): Record<string, string> {
  return { 'Content-HMAC': hmacBase64(secret, signed), 'X-Content-HMAC': hmacBase64(secret, decodedForm(signed, encoding)) };
}
