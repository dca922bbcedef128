// HTTP Basic credentials, as the faces that take them read the header: the scheme in any case, white space around
// and after it, one token of the standard or URL-safe base64 alphabet (Node decodes both), nothing after it.

const BASIC = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

/** The decoded `user:password` text of an `Authorization: Basic …` header; undefined when the header is not one. */
export function basicText(header: unknown): string | undefined {
  const m = typeof header === 'string' ? BASIC.exec(header) : null;
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
}
