// A typed client for the Mbill Transfer Tokenization Service API (as served by Polypay under /mbill, or
// by the provider). Tokens go as the HTTP Basic username; answers are API Manifest envelopes; any non-2xx
// answer throws MbillApiError with the error's type and `invalid[]` entries.
import { parseMajor } from '../../core/money.js';
import { basicAuthorization, verifyWebhookSignature } from './signing.js';
import { expectedFee, formatFee } from './limits.js';
import type { CardTokenView, ClaimView, Decline, ErrorBody, InvalidEntry, TransferStatus, TransferView } from './wire.js';

export { verifyWebhookSignature };
export type { CardTokenView, ClaimView, Decline, ErrorBody, InvalidEntry, TransferStatus, TransferView };

export interface MbillClientOptions {
  /** e.g. http://127.0.0.1:8080/mbill */
  baseUrl: string;
  /** the merchant's API token (POST /transfers, GET /transfers, webhook settings) */
  apiToken?: string;
}

export interface Meta {
  url: string;
  type: 'object' | 'list';
  code: number;
  request_id: string;
  idempotency_key?: string;
}

export interface Paging {
  limit: number;
  cursors: { starting_after: string | null; ending_before: string | null };
  has_more: boolean;
  size?: number;
}

export interface MbillResponse<T> {
  status: number;
  headers: Headers;
  meta: Meta;
  data: T;
  paging?: Paging;
}

export interface RequestOptions {
  /** X-Request-ID */
  requestId?: string;
  /** X-Idempotency-Key */
  idempotencyKey?: string;
}

export interface CardInput {
  type?: 'card';
  number: string;
  expiration_month: string;
  expiration_year: string;
  cvv: string;
}

export type SenderCredential = (CardInput & { type: 'card' }) | { type: 'card-token'; token: string };
export type RecipientCredential =
  | { type: 'card-number'; number: string }
  | { type: 'card-token'; token: string }
  | { type: 'external-credential'; id?: string; metadata?: Record<string, unknown> }
  /** the blueprint prose's name of `external-credential` (a transfer claimed later) */
  | { type: 'external-id'; id?: string; metadata?: Record<string, unknown> };

export interface TransferRequest {
  amount: number | string;
  fee: number | string;
  description?: string;
  metadata?: Record<string, unknown>;
  sender: { phone?: string; email?: string; credential: SenderCredential };
  recipient: { phone?: string; email?: string; credential: RecipientCredential };
}

export interface ClaimRequest {
  id: string;
  credential: { type: 'card-number'; number: string } | { type: 'card-token'; token: string };
  metadata?: Record<string, unknown>;
}

export interface WebhookSetting {
  type: 'webhook';
  url: string | null;
}

export class MbillApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorBody,
    readonly meta: Meta | undefined,
    readonly headers: Headers,
  ) {
    super(`${status} ${error.type}${error.message ? ': ' + error.message : ''}`);
    this.name = 'MbillApiError';
  }
  get type(): string {
    return this.error.type;
  }
  get invalid(): InvalidEntry[] {
    return this.error.invalid ?? [];
  }
}

/** The fee the service demands for an amount in UAH: max(amount × 1 %, 5), rounded half up to 3 significant digits (exact decimals). */
export function mbillFee(amount: number | string): number {
  return Number(formatFee(expectedFee(parseMajor(amount, 'UAH'))));
}

export class MbillClient {
  constructor(private readonly o: MbillClientOptions) {}

  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions & { body?: unknown; token?: string | null; query?: Record<string, string | number | undefined> } = {},
  ): Promise<MbillResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = opts.token === undefined ? this.o.apiToken : opts.token;
    if (token) headers.authorization = basicAuthorization(token);
    if (opts.requestId) headers['x-request-id'] = opts.requestId;
    if (opts.idempotencyKey) headers['x-idempotency-key'] = opts.idempotencyKey;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const q = Object.entries(opts.query ?? {}).filter(([, v]) => v !== undefined);
    const qs = q.length ? '?' + q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') : '';
    const res = await fetch(this.o.baseUrl.replace(/\/$/, '') + path + qs, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: { meta?: Meta; data?: T; paging?: Paging; error?: ErrorBody };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new MbillApiError(res.status, { type: 'internal_error', message: text.slice(0, 200) }, undefined, res.headers);
    }
    if (!res.ok) throw new MbillApiError(res.status, json.error ?? { type: 'internal_error' }, json.meta, res.headers);
    const out: MbillResponse<T> = { status: res.status, headers: res.headers, meta: json.meta!, data: json.data as T };
    if (json.paging) out.paging = json.paging;
    return out;
  }

  // ---- tokens
  createToken(card: CardInput, opts: RequestOptions = {}) {
    return this.request<CardTokenView>('POST', '/tokens', { ...opts, body: card, token: null });
  }

  // ---- transfers
  createTransfer(t: TransferRequest, opts: RequestOptions = {}) {
    return this.request<TransferView>('POST', '/transfers', { ...opts, body: t });
  }
  getTransfer(id: string, transferToken: string, opts: RequestOptions = {}) {
    return this.request<TransferView>('GET', `/transfers/${encodeURIComponent(id)}`, { ...opts, token: transferToken });
  }
  authenticateTransfer(id: string, transferToken: string, code: string, opts: RequestOptions = {}) {
    return this.request<TransferView>('POST', `/transfers/${encodeURIComponent(id)}/auth`, {
      ...opts,
      token: transferToken,
      body: { code },
    });
  }
  listTransfers(q: { limit?: number; starting_after?: string; ending_before?: string } = {}, opts: RequestOptions = {}) {
    return this.request<TransferView[]>('GET', '/transfers', { ...opts, query: q });
  }

  // ---- claims
  createClaim(c: ClaimRequest, opts: RequestOptions = {}) {
    return this.request<ClaimView>('POST', '/claims', { ...opts, body: c, token: null });
  }
  getClaim(id: string, claimToken: string, opts: RequestOptions = {}) {
    return this.request<ClaimView>('GET', `/claims/${encodeURIComponent(id)}`, { ...opts, token: claimToken });
  }
  authenticateClaim(id: string, claimToken: string, code: string, opts: RequestOptions = {}) {
    return this.request<ClaimView>('POST', `/claims/${encodeURIComponent(id)}/auth`, { ...opts, token: claimToken, body: { code } });
  }

  // ---- webhook setting
  getWebhook() {
    return this.request<WebhookSetting>('GET', '/webhook');
  }
  setWebhook(url: string | null) {
    return this.request<WebhookSetting>('PUT', '/webhook', { body: { url } });
  }
}
