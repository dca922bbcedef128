// A typed NovaPay "qecom" API v1 client. Every call is a JSON POST whose exact body bytes are signed
// with the merchant's RSA key into `x-sign` (SHA-1 as the legacy SDKs do, or SHA-256 as the current
// SDK does). Optionally checks the `X-Sign` / `x-sign-v2` response signatures with the gateway's key.
import type { KeyObject } from 'node:crypto';
import type { NpEnvelope } from './novaposhta.js';
import { REQUEST_SIGN_HEADER, signBody, verifyBody, type SignAlgorithm } from './signing.js';
import type { SessionStatus } from './store.js';
import type { Operation, StatusBody } from './wire/status.js';

export type MerchantId = string | number;
export type { SessionStatus };

export interface NovapayClientOptions {
  /** e.g. http://127.0.0.1:8080/novapay/v1 */
  baseUrl: string;
  merchantId: MerchantId;
  /** the merchant's RSA private key (PEM or KeyObject) */
  privateKey: string | KeyObject;
  /** sha1 (legacy, default) or sha256 (current SDK) */
  algorithm?: SignAlgorithm;
  /** when given, every response's X-Sign (SHA-1) and x-sign-v2 (SHA-256) must verify with it */
  gatewayPublicKey?: string;
  /** send merchant_id as a number (seed) instead of a string (current SDK) */
  merchantIdAsNumber?: boolean;
}

export interface Product {
  description?: string | null;
  count?: string | number | null;
  price?: string | number | null;
}

export interface Delivery {
  volume_weight: number | string;
  weight: number | string;
  recipient_city?: string;
  recipient_warehouse?: string;
}

export interface CreateSession {
  client_phone?: string;
  client_first_name?: string | null;
  client_last_name?: string | null;
  client_patronymic?: string | null;
  client_email?: string | null;
  callback_url?: string | null;
  success_url?: string | null;
  fail_url?: string | null;
  success_redirect_timeout?: number;
  metadata?: Record<string, unknown> | null;
}

export interface AddPayment {
  session_id: string;
  amount: number | string;
  external_id?: string | null;
  products?: Product[] | null;
  use_hold?: boolean;
  delivery?: Delivery | null;
  identifier?: string;
}

/** The `/get-status` answer: the server's own wire type. */
export type { Operation };
export type SessionStatusResponse = StatusBody;

/** A Nova Poshta envelope as `/delivery-info` answers it. */
export type NpResponse<T = Record<string, unknown>> = Omit<NpEnvelope, 'data'> & { data: T[] };

export interface RawResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
}

export class NovapayApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly text: string,
  ) {
    const b = body as { type?: string; error?: string; errors?: Array<{ message?: string }> } | undefined;
    super(b?.type === 'validation' ? `validation: ${(b.errors ?? []).map((e) => e.message).join('; ')}` : (b?.error ?? `HTTP ${status}`));
    this.name = 'NovapayApiError';
  }
  get type(): string | undefined {
    return (this.body as { type?: string } | undefined)?.type;
  }
  get code(): string | undefined {
    return (this.body as { code?: string } | undefined)?.code;
  }
}

export class NovapayClient {
  constructor(readonly o: NovapayClientOptions) {}

  private withMerchant<T extends object>(body: T): Record<string, unknown> {
    const id = this.o.merchantIdAsNumber && /^\d+$/.test(String(this.o.merchantId)) ? Number(this.o.merchantId) : String(this.o.merchantId);
    return { merchant_id: id, ...body };
  }

  /** Signs and posts exact bytes; returns the raw answer (any status). */
  async raw(path: string, body: string | Buffer, opts: { sign?: string | null; algorithm?: SignAlgorithm } = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const sign = opts.sign === undefined ? signBody(body, this.o.privateKey, opts.algorithm ?? this.o.algorithm ?? 'sha1') : opts.sign;
    if (sign !== null) headers[REQUEST_SIGN_HEADER] = sign;
    const res = await fetch(this.o.baseUrl.replace(/\/$/, '') + path, { method: 'POST', headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, bytes, text: bytes.toString('utf8') };
  }

  /** A signed call: JSON.stringify(body) is what is signed and sent; non-2xx throws NovapayApiError. */
  async call<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const text = JSON.stringify(body);
    const r = await this.raw(path, text);
    this.checkResponse(r);
    let json: unknown;
    try {
      json = r.text ? JSON.parse(r.text) : undefined;
    } catch {
      json = undefined;
    }
    if (r.status < 200 || r.status >= 300) throw new NovapayApiError(r.status, json, r.text);
    return json as T;
  }

  private checkResponse(r: RawResponse): void {
    if (!this.o.gatewayPublicKey) return;
    const v1 = r.headers.get('x-sign') ?? '';
    const v2 = r.headers.get('x-sign-v2') ?? '';
    if (!verifyBody(r.bytes, v1, this.o.gatewayPublicKey, 'sha1') || !verifyBody(r.bytes, v2, this.o.gatewayPublicKey, 'sha256')) {
      throw new Error('NovaPay response signature does not verify');
    }
  }

  createSession(p: CreateSession) {
    return this.call<{ id: string; metadata: Record<string, unknown> | null }>('/session', this.withMerchant(p));
  }
  addPayment(p: AddPayment) {
    return this.call<{ url: string; id: string; session_id: string }>('/payment', this.withMerchant(p));
  }
  expire(sessionId: string) {
    return this.call<null>('/expire', this.withMerchant({ session_id: sessionId }));
  }
  void(sessionId: string) {
    return this.call<null>('/void', this.withMerchant({ session_id: sessionId }));
  }
  completeHold(
    sessionId: string,
    amount?: number | string,
    operations?: Array<{ id: string; amount?: number; recipient_identifier?: string }>,
  ) {
    return this.call<null>(
      '/complete-hold',
      this.withMerchant({ session_id: sessionId, ...(amount !== undefined ? { amount } : {}), ...(operations ? { operations } : {}) }),
    );
  }
  confirmDeliveryHold(sessionId: string) {
    return this.call<{ id: string; metadata: Record<string, unknown> | null; express_waybill: string; ref_id: string }>(
      '/confirm-delivery-hold',
      this.withMerchant({ session_id: sessionId }),
    );
  }
  getStatus(sessionId: string) {
    return this.call<SessionStatusResponse>('/get-status', this.withMerchant({ session_id: sessionId }));
  }
  framesInit(p: CreateSession & Omit<AddPayment, 'session_id'>) {
    return this.call<{ session_id: string; url: string }>('/frames/init', this.withMerchant(p));
  }
  deliveryInfo<T = Record<string, unknown>>(modelName: string, calledMethod: string, methodProperties: Record<string, unknown> = {}) {
    return this.call<NpResponse<T>>('/delivery-info', this.withMerchant({ modelName, calledMethod, methodProperties }));
  }
  deliveryPrice(p: {
    amount: number | string;
    volume_weight: number | string;
    weight: number | string;
    recipient_city: string;
    recipient_warehouse: string;
  }) {
    return this.call<{ delivery_price: number }>('/delivery-price', this.withMerchant(p));
  }
  async printExpressWaybill(sessionId: string): Promise<{ pdf: Buffer; fileName: string | null; mimeType: string | null }> {
    const r = await this.raw('/print-express-waybill', JSON.stringify(this.withMerchant({ session_id: sessionId })));
    this.checkResponse(r);
    if (r.status !== 200) {
      let json: unknown;
      try {
        json = JSON.parse(r.text);
      } catch {
        json = undefined;
      }
      throw new NovapayApiError(r.status, json, r.text);
    }
    const cd = r.headers.get('content-disposition') ?? '';
    const m = /filename="?([^";]+)"?/i.exec(cd);
    return { pdf: r.bytes, fileName: m ? m[1]! : null, mimeType: r.headers.get('content-type') };
  }
  checkoutSession(p: CreateSession & { create_express_waybill?: boolean; delivery?: Record<string, unknown> | null }) {
    return this.call<{ id: string; session_id: string; metadata: Record<string, unknown> | null }>(
      '/checkout/session',
      this.withMerchant(p),
    );
  }
  checkoutPayment(p: AddPayment) {
    return this.call<{ url: string; session_id: string }>('/checkout/payment', this.withMerchant(p));
  }
  /** The gateway's public key (PEM) that verifies responses and postbacks. */
  async publicKey(): Promise<string> {
    const res = await fetch(this.o.baseUrl.replace(/\/$/, '') + '/public-key');
    if (!res.ok) throw new Error(`public key: HTTP ${res.status}`);
    return res.text();
  }
}

/** Checks a postback as a merchant would: both headers over the raw body bytes. */
export function verifyPostback(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  gatewayPublicKey: string,
): { sha1: boolean; sha256: boolean } {
  const h = (n: string) => {
    const v = headers[n] ?? headers[n.toLowerCase()];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  return {
    sha1: verifyBody(rawBody, h('x-sign'), gatewayPublicKey, 'sha1'),
    sha256: verifyBody(rawBody, h('x-sign-v2'), gatewayPublicKey, 'sha256'),
  };
}
