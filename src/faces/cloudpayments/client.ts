// A typed CloudPayments client (HTTP Basic `PublicId:ApiSecret`, JSON or form bodies, X-Request-ID), the
// cryptogram builder (RSA PKCS#1 v1.5 over `PAN@YYMM@CVV@PublicId`, legacy "01" or base64 JSON packets), and
// notification signature checks. Like the provider's own clients it does not throw on `Success:false`: the
// answer (accepted, declined, 3-D Secure or an error message) is returned as is, with the HTTP status. The Models of
// the answers are client-models.ts.
import { constants, createHmac, publicEncrypt, timingSafeEqual } from 'node:crypto';
import type { OrderModel, SubscriptionModel, ThreeDs, Transaction } from './client-models.js';

export type { OrderModel, SubscriptionModel, ThreeDs, Transaction };

export interface CloudPaymentsClientOptions {
  /** e.g. http://127.0.0.1:8080/cloudpayments */
  endpoint: string;
  publicId: string;
  apiSecret: string;
}

export interface CpAnswer<M = unknown> {
  Success: boolean;
  Message: string | null;
  Model?: M;
  /** the HTTP status (not part of the body) */
  status: number;
  /** the exact body bytes as text */
  raw: string;
}

export interface CallOptions {
  requestId?: string;
  /** send application/x-www-form-urlencoded instead of JSON */
  form?: boolean;
  /** send no Authorization header (/test, /payments/publickey) */
  anonymous?: boolean;
}

export interface CardData {
  number: string;
  expMonth: number;
  /** two or four digits */
  expYear: number;
  cvv: string;
}

type Params = Record<string, unknown>;

function formEncode(params: Params, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...formEncode(v as Params, key));
    else if (Array.isArray(v)) for (const item of v) out.push(`${encodeURIComponent(key + '[]')}=${encodeURIComponent(String(item))}`);
    else out.push(`${encodeURIComponent(key)}=${encodeURIComponent(v === null ? '' : String(v))}`);
  }
  return out;
}

/** A CardCryptogramPacket for a card, encrypted to the gateway's public key (PEM from /payments/publickey). */
export function buildCryptogram(
  card: CardData,
  publicId: string,
  publicKeyPem: string,
  opts: { format?: 'json' | 'legacy'; keyVersion?: string | number } = {},
): string {
  const pan = card.number.replace(/\D/g, '');
  const yy = String(card.expYear % 100).padStart(2, '0');
  const mm = String(card.expMonth).padStart(2, '0');
  const plaintext = `${pan}@${yy}${mm}@${card.cvv}@${publicId}`;
  const value = publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(plaintext, 'ascii')).toString(
    'base64',
  );
  const version = String(opts.keyVersion ?? 1);
  if (opts.format === 'legacy') return `01${pan.slice(0, 6)}${pan.slice(-4)}${yy}${mm}${version.padStart(2, '0').slice(-2)}${value}`;
  const browser = Buffer.from(
    JSON.stringify({
      AcceptHeader: '*/*',
      JavaEnabled: false,
      JavaScriptEnabled: true,
      Language: 'ru-RU',
      ColorDepth: '24',
      Height: '1080',
      Width: '1920',
      TimeZone: '0',
      UserAgent: 'polypay-client',
    }),
  ).toString('base64');
  const json = {
    Type: 'CloudCard',
    BrowserInfoBase64: browser,
    Format: 1,
    CardInfo: { FirstSixDigits: pan.slice(0, 6), LastFourDigits: pan.slice(-4), ExpDateYear: yy, ExpDateMonth: mm },
    KeyVersion: version,
    Value: value,
  };
  return Buffer.from(JSON.stringify(json)).toString('base64');
}

/** Checks a notification's Content-HMAC (over the raw body, or the raw query string of a GET). */
export function verifyNotification(apiSecret: string, signed: string, contentHmac: string | undefined): boolean {
  if (!contentHmac) return false;
  const expected = Buffer.from(createHmac('sha256', apiSecret).update(signed, 'utf8').digest('base64'));
  const got = Buffer.from(contentHmac);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export class CloudPaymentsClient {
  private publicKeyCache: { pem: string; version: number } | null = null;

  constructor(private readonly o: CloudPaymentsClientOptions) {}

  async call<M = unknown>(path: string, params: Params = {}, opts: CallOptions = {}): Promise<CpAnswer<M>> {
    const headers: Record<string, string> = { 'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json' };
    if (!opts.anonymous) headers.authorization = 'Basic ' + Buffer.from(`${this.o.publicId}:${this.o.apiSecret}`).toString('base64');
    if (opts.requestId) headers['x-request-id'] = opts.requestId;
    const body = opts.form ? formEncode(params).join('&') : JSON.stringify(params);
    const res = await fetch(this.o.endpoint.replace(/\/$/, '') + path, { method: 'POST', headers, body });
    const raw = await res.text();
    let json: { Success?: boolean; Message?: string | null; Model?: M };
    try {
      json = JSON.parse(raw) as typeof json;
    } catch {
      throw new Error(`CloudPayments ${path}: HTTP ${res.status}, not JSON: ${raw.slice(0, 200)}`);
    }
    return { ...json, Success: json.Success === true, Message: json.Message ?? null, status: res.status, raw } as CpAnswer<M>;
  }

  test() {
    return this.call('/test', {}, { anonymous: true });
  }
  async publicKey(): Promise<{ pem: string; version: number }> {
    if (this.publicKeyCache) return this.publicKeyCache;
    const res = await fetch(this.o.endpoint.replace(/\/$/, '') + '/payments/publickey');
    const j = (await res.json()) as { Pem: string; Version: number };
    this.publicKeyCache = { pem: j.Pem, version: j.Version };
    return this.publicKeyCache;
  }
  /** A cryptogram of a card for this client's PublicId, encrypted to the gateway's key. */
  async cryptogram(card: CardData, format: 'json' | 'legacy' = 'json'): Promise<string> {
    const k = await this.publicKey();
    return buildCryptogram(card, this.o.publicId, k.pem, { format, keyVersion: k.version });
  }

  chargeCryptogram(p: Params, opts?: CallOptions) {
    return this.call<Transaction | ThreeDs>('/payments/cards/charge', p, opts);
  }
  authCryptogram(p: Params, opts?: CallOptions) {
    return this.call<Transaction | ThreeDs>('/payments/cards/auth', p, opts);
  }
  post3ds(p: { TransactionId: number; PaRes: string }, opts?: CallOptions) {
    return this.call<Transaction>('/payments/cards/post3ds', p, opts);
  }
  chargeToken(p: Params, opts?: CallOptions) {
    return this.call<Transaction>('/payments/tokens/charge', p, opts);
  }
  authToken(p: Params, opts?: CallOptions) {
    return this.call<Transaction>('/payments/tokens/auth', p, opts);
  }
  confirm(p: { TransactionId: number; Amount?: number; JsonData?: unknown }, opts?: CallOptions) {
    return this.call('/payments/confirm', p, opts);
  }
  void(p: { TransactionId: number }, opts?: CallOptions) {
    return this.call('/payments/void', p, opts);
  }
  refund(p: { TransactionId: number; Amount?: number; JsonData?: unknown }, opts?: CallOptions) {
    return this.call<{ TransactionId: number }>('/payments/refund', p, opts);
  }
  payoutCryptogram(p: Params, opts?: CallOptions) {
    return this.call<Transaction>('/payments/cards/topup', p, opts);
  }
  payoutToken(p: Params, opts?: CallOptions) {
    return this.call<Transaction>('/payments/token/topup', p, opts);
  }
  get(p: { TransactionId: number }, opts?: CallOptions) {
    return this.call<Transaction>('/payments/get', p, opts);
  }
  find(p: { InvoiceId: string }, opts?: CallOptions) {
    return this.call<Transaction>('/payments/find', p, opts);
  }
  findV2(p: { InvoiceId: string }, opts?: CallOptions) {
    return this.call<Transaction>('/v2/payments/find', p, opts);
  }
  list(p: { Date: string; TimeZone?: string }, opts?: CallOptions) {
    return this.call<Transaction[]>('/payments/list', p, opts);
  }
  listV2(
    p: { CreatedDateGte: string; CreatedDateLte: string; PageNumber?: number; TimeZone?: string; Statuses?: string[] },
    opts?: CallOptions,
  ) {
    return this.call<Transaction[]>('/v2/payments/list', p, opts);
  }
  tokens(p: { PageNumber?: number } = {}, opts?: CallOptions) {
    return this.call<
      Array<{ Token: string; AccountId: string | null; CardMask: string; ExpirationDateMonth: number; ExpirationDateYear: number }>
    >('/payments/tokens/list', p, opts);
  }
  chargebacks(p: { CreatedDateGte?: string; CreatedDateLte?: string; PageNumber?: number } = {}, opts?: CallOptions) {
    return this.call<unknown[]>('/chargebacks/list', p, opts);
  }
  createSubscription(p: Params, opts?: CallOptions) {
    return this.call<SubscriptionModel>('/subscriptions/create', p, opts);
  }
  getSubscription(p: { Id: string }, opts?: CallOptions) {
    return this.call<SubscriptionModel>('/subscriptions/get', p, opts);
  }
  findSubscriptions(p: { accountId: string }, opts?: CallOptions) {
    return this.call<SubscriptionModel[]>('/subscriptions/find', p, opts);
  }
  updateSubscription(p: Params & { Id: string }, opts?: CallOptions) {
    return this.call<SubscriptionModel>('/subscriptions/update', p, opts);
  }
  cancelSubscription(p: { Id: string }, opts?: CallOptions) {
    return this.call('/subscriptions/cancel', p, opts);
  }
  createOrder(p: Params, opts?: CallOptions) {
    return this.call<OrderModel>('/orders/create', p, opts);
  }
  cancelOrder(p: { Id: string }, opts?: CallOptions) {
    return this.call('/orders/cancel', p, opts);
  }
  notificationSettings(type: string, opts?: CallOptions) {
    return this.call<{ IsEnabled: boolean; Address: string | null; HttpMethod: string; Encoding: string; Format: string }>(
      `/site/notifications/${type}/get`,
      {},
      opts,
    );
  }
  updateNotificationSettings(
    type: string,
    p: { IsEnabled?: boolean; Address?: string; HttpMethod?: 'GET' | 'POST'; Encoding?: 'UTF8' | 'Windows1251'; Format?: string },
    opts?: CallOptions,
  ) {
    return this.call(`/site/notifications/${type}/update`, p, opts);
  }
  receipt(p: Params, opts?: CallOptions) {
    return this.call<{ Id: string }>('/kkt/receipt', p, opts);
  }
}
