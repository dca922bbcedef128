// URLs merchants give the gateway (redirects, callbacks, webhooks): what every face accepts, and how a stored one
// is put into a Location header.

/** C0 and C1 control characters and DEL: a URL holding one (CR/LF above all) is refused wherever it is taken. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlChars(s: string): boolean {
  return CONTROL_CHARS.test(s);
}

/** An absolute http(s) URL of at most 2048 characters, without control characters (every face's URL fields). */
export function isHttpUrl(u: unknown): u is string {
  if (typeof u !== 'string' || u.length > 2048 || hasControlChars(u)) return false;
  try {
    const p = new URL(u);
    return p.protocol === 'http:' || p.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * What a Location header may carry for a stored URL: its serialized form (ASCII only, non-ASCII characters
 * percent-encoded, the host in punycode), or null when it is not an http(s) URL without control characters.
 * Pages redirect through it, so a URL stored before it was checked (or by another version) cannot make an
 * answer fail.
 */
export function safeLocation(u: unknown): string | null {
  if (!isHttpUrl(u)) return null;
  const href = new URL(u).href;
  return /^[\x21-\x7e]+$/.test(href) ? href : null;
}
