// NP-ACCESS-TOKEN: hex HMAC-SHA256(secret, timestamp + METHOD + path + query + body), shared by the
// server's check and the typed client.
import { createHmac } from 'node:crypto';
import { API_VERSION } from './wire.js';

export function numopaySignature(secret: string, timestamp: string, method: string, path: string, query: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + method.toUpperCase() + path + query + body)
    .digest('hex');
}

export function numopayAuthorization(
  apiKey: string,
  secret: string,
  timestamp: number,
  method: string,
  path: string,
  query: string,
  body: string,
): string {
  const ts = String(timestamp);
  return `NP-ACCESS-TOKEN ${API_VERSION}.${ts}.${apiKey}.${numopaySignature(secret, ts, method, path, query, body)}`;
}

/** Strict URI encoding with sorted keys, as the query-string package's stringify does. */
export function sortedQuery(params: Record<string, string | number | boolean | undefined | null>): string {
  const strict = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const parts = Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined && params[k] !== null)
    .map((k) => `${strict(k)}=${strict(String(params[k]))}`);
  return parts.length ? '?' + parts.join('&') : '';
}

export interface ParsedToken {
  version: string;
  timestamp: string;
  apiKey: string;
  signature: string;
}

/** Parses `NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>`; undefined when malformed. */
export function parseAuthorization(header: string | undefined): ParsedToken | undefined {
  if (!header) return undefined;
  const m = /^NP-ACCESS-TOKEN\s+(.+)$/.exec(header.trim());
  if (!m) return undefined;
  const parts = m[1]!.split('.');
  if (parts.length < 4) return undefined;
  const version = parts[0]!;
  const timestamp = parts[1]!;
  const signature = parts[parts.length - 1]!;
  const apiKey = parts.slice(2, -1).join('.');
  if (!/^\d{1,12}$/.test(timestamp) || !apiKey || !/^[0-9a-fA-F]{64}$/.test(signature)) return undefined;
  return { version, timestamp, apiKey, signature: signature.toLowerCase() };
}
