// Mbill's HTTP Basic parsing and webhook signature check, as pure functions: the forms a header can take
// (spaces around it, the URL-safe base64 alphabet, no colon), and the webhook check with a missing, listed or
// padded header. Expected values are computed here with node:crypto from the documented rule.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseBasic, verifyWebhookSignature } from '../../src/faces/mbill/signing.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Mbill HTTP Basic parsing', () => {
  it('reads username and password, trimmed, with or without a colon', () => {
    expect(parseBasic(`Basic ${b64('tok:pw')}`)).toEqual({ username: 'tok', password: 'pw' });
    expect(parseBasic(`Basic ${b64(' tok : pw ')}`)).toEqual({ username: 'tok', password: 'pw' });
    expect(parseBasic(`Basic ${b64('tok')}`)).toEqual({ username: 'tok', password: '' });
    expect(parseBasic(`Basic ${b64('tok:')}`)).toEqual({ username: 'tok', password: '' });
    expect(parseBasic(`Basic ${b64(':pw:x')}`)).toEqual({ username: '', password: 'pw:x' });
  });

  it('allows spaces around the header and between its parts, in any case of the scheme', () => {
    const v = b64('tok:');
    for (const h of [`  Basic ${v}`, `Basic ${v}  `, `\tBasic\t\t${v}\t`, `basic    ${v}`, `BASIC ${v}`])
      expect(parseBasic(h), JSON.stringify(h)).toEqual({ username: 'tok', password: '' });
  });

  it('decodes the URL-safe base64 alphabet as the standard one', () => {
    // "?>?>~:" encodes to "Pz4/Pn46": "/" becomes "_" in the URL-safe alphabet; "~~~>:" to "fn5+Pjo=": "+" becomes "-"
    expect(b64('?>?>~:')).toContain('/');
    expect(parseBasic(`Basic ${b64('?>?>~:').replace(/\//g, '_')}`)).toEqual({ username: '?>?>~', password: '' });
    expect(b64('~~~>:')).toContain('+');
    expect(parseBasic(`Basic ${b64('~~~>:').replace(/\+/g, '-')}`)).toEqual({ username: '~~~>', password: '' });
  });

  it('is not a Basic credential otherwise', () => {
    const v = b64('tok:');
    for (const h of [undefined, '', 'Basic', `XBasic ${v}`, `Basic ${v} more`, `Bearer ${v}`, `Basic ${v}!`, `Basic${v}`])
      expect(parseBasic(h), JSON.stringify(h)).toBeUndefined();
  });
});

describe('Mbill webhook signature check', () => {
  const body = '{"data":{"id":1}}';
  const good = 'sha256=' + createHmac('sha256', 'api-token').update(body).digest('hex');

  it('accepts the HMAC-SHA256 of the body keyed with the API token, also padded or first of a list', () => {
    expect(verifyWebhookSignature('api-token', body, good)).toBe(true);
    expect(verifyWebhookSignature('api-token', Buffer.from(body), ` ${good} `)).toBe(true);
    expect(verifyWebhookSignature('api-token', body, [good, 'sha256=00'])).toBe(true);
  });

  it('refuses a missing, empty, other or second-listed signature', () => {
    expect(verifyWebhookSignature('api-token', body, undefined)).toBe(false);
    expect(verifyWebhookSignature('api-token', body, '')).toBe(false);
    expect(verifyWebhookSignature('api-token', body, [])).toBe(false);
    expect(verifyWebhookSignature('api-token', body, ['sha256=00', good])).toBe(false);
    expect(verifyWebhookSignature('other-token', body, good)).toBe(false);
    expect(verifyWebhookSignature('api-token', body + ' ', good)).toBe(false);
  });
});
