// HTTP Basic tokens (the API token, transfer and claim tokens) and the signature of Mbill webhooks, shared
// by the server and the typed client.
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../../core/crypto.js';
import { basicText } from '../kit/basic-auth.js';

export const SIGNATURE_HEADER = 'x-mbill-signature';
export const EVENT_ID_HEADER = 'x-polypay-event-id';
export const EVENT_HEADER = 'x-mbill-event';

/** `Authorization: Basic base64(TOKEN:)`, as `curl -uTOKEN:` sends it. */
export function basicAuthorization(token: string): string {
  return 'Basic ' + Buffer.from(`${token}:`).toString('base64');
}

/** Username and password of an HTTP Basic header; undefined when it is not one. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const decoded = basicText(header);
  if (decoded === undefined) return undefined;
  const i = decoded.indexOf(':');
  const username = (i === -1 ? decoded : decoded.slice(0, i)).trim();
  const password = i === -1 ? '' : decoded.slice(i + 1).trim();
  return { username, password };
}

/** `sha256=<hex>`: HMAC-SHA256 over the exact body bytes, keyed with the merchant's API token. */
export function webhookSignature(apiToken: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', apiToken).update(body).digest('hex');
}

/** For merchants' webhook handlers: checks the X-Mbill-Signature header in constant time. */
export function verifyWebhookSignature(apiToken: string, body: string | Buffer, header: string | string[] | undefined): boolean {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return false;
  return safeEqual(webhookSignature(apiToken, body), h.trim());
}

/** Where an API token is looked up: its SHA-256, so that the lookup never compares the token itself. */
export function tokenKey(token: string): string {
  return 'sha256:' + createHash('sha256').update(token).digest('hex');
}
