// A typed Way2Pay API v1 client for both auth generations:
//   generation 1 (the original README): headers Content-Type, Nonce, Public-Key, Signature = hex HMAC-SHA256(secret,
//                            JSON body + nonce), nonce = unix seconds + 300;
//   generation 2:            headers Content-Type, Expires, Public-Key, Signature = hex HMAC-SHA512(secret, path (with
//                            its query) + sorted-key JSON + Expires), Expires = unix seconds + 300;
//   generation 3:            headers Content-Type, nonce, Public-Key, Signature = hex HMAC-SHA512(secret,
//                            path (with "?" + its alphabetical query, when there is one) + sorted-key JSON +
//                            nonce), an 18-digit increasing nonce; GET signs "".
// Any answer with success:false throws a Way2PayApiError with the code and HTTP status.
import { canonicalJson, gen1Signature, gen2Signature, gen3Signature, nextNonce } from './signing.js';

export interface Way2PayClientOptions {
  /** e.g. http://127.0.0.1:8080/way2pay (requests go to baseUrl + /api/v1/...) */
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  /** 1 (default), 2 or 3: must match the merchant's generation */
  generation?: 1 | 2 | 3;
  /** a nonce (generation 2: Expires) source (default: strictly increasing per key in this process) */
  nonce?: () => string;
  /** X-Environment: SANDBOX | TEST | PRODUCTION */
  environment?: string;
}

export type Way2PayStatus =
  'CREATED' | 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'TIMEOUT' | 'CANCELLED' | 'ERROR' | 'INCORRECT_AMOUNT' | 'REFUNDED';

/** The original README's pay-in (generation 1). */
export interface PayInSeed {
  id: string;
  externalID: string;
  currency: string;
  amount: string;
  status: Way2PayStatus;
  method: string;
  bank: string;
  cardNumber: string | null;
  holder: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The current pay-in (generation 3). */
export interface PayIn {
  id: string;
  externalID: string;
  trackerID: string;
  status: Way2PayStatus;
  amount: string;
  commission: string;
  currency: string;
  bank: string;
  method: string;
  receiver: string | null;
  holder: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PayOut {
  id: string;
  externalID: string;
  trackerID: string;
  status: Way2PayStatus;
  amount: string;
  commission: string;
  currency: string;
  bank: string;
  method: string;
  receiver: string;
  holder: string;
  description: string | null;
  createdAt: string;
  updatedAt?: string;
}

export interface StatusChange {
  id: string;
  externalID: string;
  trackerID: string;
  status: Way2PayStatus;
  amount: string;
  currency: string;
  method: string;
  createdAt: string;
  updatedAt: string;
}

export interface BalanceSide {
  currency: string;
  available: string;
  frozen: string;
}
export interface Balance {
  balance: { payment: BalanceSide; payout: BalanceSide };
}
export interface Bank {
  id: number;
  name: string;
  key: string;
  currency: string;
  environment: string;
}
export interface Currency {
  id: number;
  name: string;
  key: string;
  isActive: boolean;
}
export interface CommissionRow {
  id: number;
  bank: string;
  method: string;
  percent: number;
  minAmount: string;
  maxAmount: string;
  isActive: boolean;
}
export interface List<T> {
  total: number;
  items: T[];
}

/** The original README's pay-in body. */
export interface PayInSeedBody {
  externalID: string;
  currency: string;
  callbackURL?: string;
  description?: string;
  amount: string;
}
/** The current pay-in body. */
export interface PayInBody {
  bankId: number;
  externalID: string;
  currencyId: number;
  callbackURL?: string;
  description?: string;
  amount: string;
  method: string;
}
export interface PayOutBody {
  externalID: string;
  bankId: number;
  method: 'CARD' | 'SBP' | 'ACCOUNT';
  currencyId: number;
  callbackURL: string;
  amount: string;
  receiver: string;
  holder: string;
  description?: string;
}
export interface ListQuery {
  offset?: number;
  limit?: number;
  status?: Way2PayStatus;
  externalID?: string;
}

export class Way2PayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'Way2PayApiError';
  }
}

export interface SignedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The header each generation sends its nonce in (generation 2: its expiry). */
const NONCE_HEADER = { 1: 'Nonce', 2: 'Expires', 3: 'nonce' } as const;

export class Way2PayClient {
  readonly generation: 1 | 2 | 3;
  constructor(private readonly o: Way2PayClientOptions) {
    this.generation = o.generation ?? 1;
  }

  /** Builds a signed request (path after the base URL, e.g. /api/v1/pay-in; query params alphabetical). */
  sign(method: string, path: string, params?: Record<string, unknown>, query?: Record<string, string | number | undefined>): SignedRequest {
    const m = method.toUpperCase();
    const nonce = this.o.nonce ? this.o.nonce() : nextNonce(this.o.publicKey, this.generation);
    const bodyless = m === 'GET' || m === 'HEAD';
    const qs = Object.keys(query ?? {})
      .sort()
      .filter((k) => query![k] !== undefined)
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query![k]))}`)
      .join('&');
    let body: string | undefined;
    let signature: string;
    if (this.generation === 1) {
      body = bodyless ? undefined : JSON.stringify(params ?? {});
      signature = gen1Signature(this.o.secretKey, body ?? '', nonce);
    } else {
      body = bodyless ? undefined : canonicalJson(params ?? {});
      // the signed path carries the query string (its parameters in alphabetical order)
      const sign = this.generation === 2 ? gen2Signature : gen3Signature;
      signature = sign(this.o.secretKey, qs ? `${path}?${qs}` : path, body ?? '', nonce);
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [NONCE_HEADER[this.generation]]: nonce,
      'Public-Key': this.o.publicKey,
      Signature: signature,
    };
    if (this.o.environment) headers['X-Environment'] = this.o.environment;
    return { url: this.o.baseUrl.replace(/\/$/, '') + path + (qs ? `?${qs}` : ''), method: m, headers, body };
  }

  async api<T>(
    method: string,
    path: string,
    params?: Record<string, unknown>,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const r = this.sign(method, path, params, query);
    const res = await fetch(r.url, { method: r.method, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) });
    const text = await res.text();
    let json: { success?: boolean; data?: T; error?: { message?: string; code?: number } };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new Way2PayApiError(res.status, 0, `HTTP ${res.status}: not JSON`);
    }
    if (!json.success) throw new Way2PayApiError(res.status, json.error?.code ?? 0, json.error?.message ?? `HTTP ${res.status}`);
    return json.data as T;
  }

  createPayIn(body: PayInBody | PayInSeedBody) {
    return this.api<PayIn & PayInSeed>('POST', '/api/v1/pay-in', body as unknown as Record<string, unknown>);
  }
  getPayIn(id: string) {
    return this.api<PayIn & PayInSeed>('GET', `/api/v1/pay-in/${id}`);
  }
  listPayIns(q: ListQuery = {}) {
    return this.api<List<PayIn & PayInSeed>>('GET', '/api/v1/pay-in/list', undefined, q as Record<string, string | number | undefined>);
  }
  /** The current cancel: PATCH /pay-in/{id}/cancel → {id, status} */
  cancelPayIn(id: string) {
    return this.api<{ id: string; status: Way2PayStatus }>('PATCH', `/api/v1/pay-in/${id}/cancel`);
  }
  /** The older form: PUT /pay-in/{id}/status/{status}, signed with the body {} */
  setPayInStatus(id: string, status: string) {
    return this.api<StatusChange>('PUT', `/api/v1/pay-in/${id}/status/${status}`, {});
  }
  createPayOut(body: PayOutBody) {
    return this.api<PayOut>('POST', '/api/v1/pay-out', body as unknown as Record<string, unknown>);
  }
  getPayOut(id: string) {
    return this.api<PayOut>('GET', `/api/v1/pay-out/${id}`);
  }
  listPayOuts(q: ListQuery = {}) {
    return this.api<List<PayOut>>('GET', '/api/v1/pay-out/list', undefined, q as Record<string, string | number | undefined>);
  }
  setPayOutStatus(id: string, status: string) {
    return this.api<StatusChange>('PUT', `/api/v1/pay-out/${id}/status/${status}`, {});
  }
  balance(q: { currency?: string } = {}) {
    return this.api<Balance>('GET', '/api/v1/balance', undefined, q);
  }
  banks() {
    return this.api<Bank[]>('GET', '/api/v1/banks');
  }
  currencies() {
    return this.api<Currency[]>('GET', '/api/v1/currencies');
  }
  commissions() {
    return this.api<{ payIn: CommissionRow[]; payOut: CommissionRow[] }>('GET', '/api/v1/commissions');
  }
}
