// A typed Numopay API v2 client (NP-ACCESS-TOKEN signing included). It behaves as the provider's
// Client.js does: GET/HEAD send sorted, strictly encoded query strings; other methods a JSON body
// (`{}` when there are no parameters, as on DELETE); any non-2xx throws an Error with `json.error`.
import { numopayAuthorization, sortedQuery } from './signing.js';

export interface NumopayClientOptions {
  /** e.g. http://127.0.0.1:8080/numopay (the path after it is what gets signed) */
  baseUrl: string;
  apiKey: string;
  secret: string;
  /** seconds since the epoch; defaults to the local clock */
  now?: () => number;
}

export interface Account {
  id: string;
  currency: string;
}
export interface PaymentStatus {
  order_slug: string;
  is_completed: boolean;
  status: 'new' | 'pending' | 'hold' | 'error' | 'expired' | 'success' | 'canceled';
  type: 'charge_unregistered' | 'refill_unregistered';
  amount: string;
  currency: string;
  card_number: string | null;
  state_code: number;
  state_description: string;
  checkout_session_id: string | null;
  original_amount: string;
  original_currency: string;
}
export interface WebhookEndpoint {
  id: string;
  url: string;
  event: 'order';
  created_at: string;
  updated_at: string;
}
export interface CardInfo {
  number: string;
  month: string;
  year: string;
  cvv: string;
  holder?: string;
}

export class NumopayApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NumopayApiError';
  }
}

/** How far ahead of the clock a write's timestamp may be when it is sent, in seconds. */
const MAX_LEAD = 10;

/** The timestamp last used per identical write (key, method, path, body) in this process. */
const lastWrites = new Map<string, number>();

/**
 * The gateway refuses a state-changing request whose signature it has seen (a replay), and the signature of two
 * identical writes in one second is the same: the second gets the next free second as its timestamp. A timestamp is
 * never more than MAX_LEAD seconds ahead of the clock when sent (the client waits instead), so a burst of identical
 * writes stays inside the ±30 s window.
 */
function writeTimestamp(key: string, ts: number): number {
  const last = lastWrites.get(key);
  const next = last !== undefined && last >= ts ? last + 1 : ts;
  if (lastWrites.size > 10_000) for (const [k, at] of lastWrites) if (at < ts - 60) lastWrites.delete(k);
  lastWrites.set(key, next);
  return next;
}

export class NumopayClient {
  constructor(private readonly o: NumopayClientOptions) {}

  async api<T = unknown>(path: string, opts: { method?: string; parameters?: Record<string, unknown>; signed?: boolean } = {}): Promise<T> {
    const method = (opts.method ?? 'GET').toUpperCase();
    const params = opts.parameters ?? {};
    const isRead = method === 'GET' || method === 'HEAD';
    const query = isRead ? sortedQuery(params as Record<string, string>) : '';
    const body = isRead ? '' : JSON.stringify(params);
    const now = this.o.now ? this.o.now() : Math.floor(Date.now() / 1000);
    const ts = isRead ? now : writeTimestamp(`${this.o.apiKey} ${method} ${path} ${body}`, now);
    if (!this.o.now && ts - now > MAX_LEAD) await new Promise((r) => setTimeout(r, (ts - now - MAX_LEAD) * 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.signed !== false) headers.authorization = numopayAuthorization(this.o.apiKey, this.o.secret, ts, method, path, query, body);
    const res = await fetch(this.o.baseUrl.replace(/\/$/, '') + path + query, { method, headers, ...(isRead ? {} : { body }) });
    const json = (await res.json()) as { data?: T; error?: string };
    if (!res.ok) throw new NumopayApiError(res.status, json.error ?? `HTTP ${res.status}`);
    return json.data as T;
  }

  time() {
    return this.api<{ iso: string; epoch: number }>('/v2/time', { signed: false });
  }
  accounts() {
    return this.api<Account[]>('/v2/accounts');
  }
  account(id: string) {
    return this.api<Account>(`/v2/accounts/${id}`);
  }
  balance(id: string) {
    return this.api<{ amount: string; currency: string }>(`/v2/accounts/${id}/balance`);
  }
  createChargeToken(id: string, p: { amount: string; redirect_url?: string; currency?: string }) {
    return this.api<{ token: string; order_slug: string }>(`/v2/accounts/${id}/charge/token`, { method: 'POST', parameters: p });
  }
  charge(id: string, p: { token: string; card_info: CardInfo }) {
    return this.api<{ charge_link: string }>(`/v2/accounts/${id}/charge`, { method: 'POST', parameters: p });
  }
  paymentStatus(id: string, orderSlug: string) {
    return this.api<PaymentStatus>(`/v2/accounts/${id}/payment/${orderSlug}`);
  }
  createRefillToken(id: string, p: { amount: string; redirect_url?: string; currency?: string }) {
    return this.api<{ token: string; order_slug: string }>(`/v2/accounts/${id}/refill/token`, { method: 'POST', parameters: p });
  }
  refill(id: string, p: { token: string; card_number: string }) {
    return this.api<{ token: string }>(`/v2/accounts/${id}/refill`, { method: 'POST', parameters: p });
  }
  transactions(id: string, q: { from?: string; to?: string; limit?: number; offset?: number } = {}) {
    return this.api<PaymentStatus[]>(`/v2/accounts/${id}/transactions`, { parameters: q });
  }
  createWebhookEndpoint(id: string, p: { url: string; event: 'order' }) {
    return this.api<WebhookEndpoint>(`/v2/accounts/${id}/webhook-endpoints`, { method: 'POST', parameters: p });
  }
  updateWebhookEndpoint(id: string, wid: string, p: { url?: string; event?: 'order' }) {
    return this.api<WebhookEndpoint>(`/v2/accounts/${id}/webhook-endpoints/${wid}`, { method: 'PUT', parameters: p });
  }
  listWebhookEndpoints(id: string) {
    return this.api<WebhookEndpoint[]>(`/v2/accounts/${id}/webhook-endpoints`);
  }
  deleteWebhookEndpoint(id: string, wid: string) {
    return this.api<{ id: string }>(`/v2/accounts/${id}/webhook-endpoints/${wid}`, { method: 'DELETE' });
  }
  createCheckoutSession(
    id: string,
    p: {
      items: Array<{ name: string; description?: string; images?: string[]; amount: string; currency: string }>;
      success_url: string;
      cancel_url: string;
    },
  ) {
    return this.api<{ id: string; token: string; items: unknown[]; success_url: string; cancel_url: string }>(
      `/v2/accounts/${id}/checkout/sessions`,
      { method: 'POST', parameters: p },
    );
  }
  createPaymentPage(p: { key: string; session_id: string; session_token: string }) {
    return this.api<{ url: string }>('/v2/payment-pages', { method: 'POST', parameters: p, signed: false });
  }
  latestRates(id: string, q: { base?: string; amount?: string } = {}) {
    return this.api<{ base: string; date: string; rates: Record<string, string> }>(`/v2/accounts/${id}/rates/latest`, { parameters: q });
  }
}
