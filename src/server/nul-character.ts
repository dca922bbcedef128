// The NUL character (U+0000) in a request. PostgreSQL's text and jsonb cannot hold it, so a NUL that reached a
// lookup or a stored value would be a database error on that store while SQLite kept it. The gateway refuses a
// request holding one, on every store alike, before any face reads it: as a raw byte in the body, as the JSON
// escape \u0000, or percent-encoded (%00) in the URL or a form body. No provider takes a NUL in any field.

/** Whether a JSON text holds the escape \u0000 (not an escaped backslash followed by "u0000"). */
function hasJsonNulEscape(text: string): boolean {
  for (let i = text.indexOf('\\u0000'); i >= 0; i = text.indexOf('\\u0000', i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return true;
  }
  return false;
}

/** Whether the request's URL or body holds the NUL character in any of the spellings above. */
export function holdsNulCharacter(url: string, body: unknown, contentType: string | undefined): boolean {
  if (url.includes('%00')) return true;
  if (!Buffer.isBuffer(body) || body.length === 0) return false;
  if (body.includes(0)) return true;
  const text = body.toString('latin1');
  if (/x-www-form-urlencoded/i.test(contentType ?? '') && text.includes('%00')) return true;
  return hasJsonNulEscape(text);
}
