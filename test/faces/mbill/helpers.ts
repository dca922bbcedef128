// Shared pieces of the Mbill face tests: the seed, the gateway with the Mbill face, raw requests, cards,
// and the operator's view of a transfer's OTP.
import { ALL_FACES } from '../../../src/faces/registry.js';
import { mbillFace } from '../../../src/faces/mbill/face.js';
import { MbillClient, type RecipientCredential, type SenderCredential, type TransferRequest } from '../../../src/faces/mbill/client.js';
import { mbillStore } from '../../../src/faces/mbill/store.js';
import type { Seed } from '../../../src/operator/seed.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import type { StoreKind } from '../../helpers/stores.js';
import { basicToken } from './documented.js';

export const API_TOKEN = 'DGRsMpXDCj';
export const OTHER_TOKEN = 'other_shop_token_2';

export const MBILL_SEED: Seed = {
  merchants: [
    { id: 'shop1', name: 'Test Shop', currencies: ['UAH'], mbill: { apiToken: API_TOKEN } },
    { id: 'shop2', name: 'Other Shop', currencies: ['UAH'], mbill: { apiToken: OTHER_TOKEN } },
  ],
};

export const FACES = [...ALL_FACES.filter((f) => f.name !== 'mbill'), mbillFace];

export function startMbill(kind: StoreKind, seed: Seed = MBILL_SEED): Promise<TestGateway> {
  return startTestGateway(kind, seed, undefined, { faces: FACES });
}

export function client(h: TestGateway, apiToken: string = API_TOKEN): MbillClient {
  return new MbillClient({ baseUrl: `${h.url}/mbill`, apiToken });
}

export interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A request with exact bytes and headers, for wire-shape assertions. */
export async function raw(
  h: TestGateway,
  method: string,
  path: string,
  opts: { body?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Raw> {
  const headers: Record<string, string> = {
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(opts.headers ?? {}),
  };
  if (opts.token !== undefined) headers.authorization = basicToken(opts.token);
  const res = await fetch(`${h.url}/mbill${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Cards of the simulated issuer (docs/test-cards.md). */
export const CARDS = {
  visa3ds: '4242424242424242',
  mc3ds: '5555555555554444',
  visaNo3ds: '4000000000003055',
  mcNo3ds: '5205000000003055',
  visaOtp: '4000000000000101',
  insufficient3ds: '4012888888881881',
  mir: '2200000000000004',
  luhnBad: '4242424242424241',
};

export const EXP = { expiration_month: '12', expiration_year: '2030' };

export function card(number: string, extra: Record<string, string> = {}) {
  return { type: 'card' as const, number, ...EXP, cvv: '123', ...extra };
}

export function masked(pan: string): string {
  return pan.slice(0, 6) + '******' + pan.slice(-4);
}

/** The one-time code the sandbox generated for a transfer's lookup (what the operator sees). */
export async function transferOtp(h: TestGateway, transferId: string): Promise<string> {
  const engine = h.gw.engine;
  return engine.read(async (tx) => {
    const t = await mbillStore.getTransfer(tx, Number(transferId));
    const c = t?.challengeId ? await tx.challenges.get(t.challengeId) : undefined;
    if (!c?.otpCode) throw new Error('no OTP for transfer ' + transferId);
    return c.otpCode;
  });
}

export async function claimOtp(h: TestGateway, claimId: string): Promise<string> {
  return h.gw.engine.read(async (tx) => {
    const c = await mbillStore.getClaim(tx, Number(claimId));
    const ch = c?.challengeId ? await tx.challenges.get(c.challengeId) : undefined;
    if (!ch?.otpCode) throw new Error('no OTP for claim ' + claimId);
    return ch.otpCode;
  });
}

export async function balance(h: TestGateway, merchantId = 'shop1', kind = 'available'): Promise<bigint> {
  return h.gw.engine.read(async (tx) => (await h.gw.engine.ledger.balance(tx, merchantId, 'UAH', kind)).posted);
}

/** The gateway's fee income from one merchant (its own fees account). */
export async function feesBalance(h: TestGateway, merchantId = 'shop1'): Promise<bigint> {
  return h.gw.engine.read(async (tx) => (await h.gw.engine.ledger.balance(tx, merchantId, 'UAH', 'fees')).posted);
}

/** A transfer body as the blueprint shows it, with the fee the service demands. */
export function transferBody(
  sender: SenderCredential,
  recipient: RecipientCredential,
  amount: number | string = 1000,
  fee: number | string = 10,
  extra: Record<string, unknown> = {},
): TransferRequest {
  return {
    amount,
    fee,
    description: 'some content',
    metadata: { feel_free: 'to set any metadata' },
    sender: { phone: '+380631112233', email: 'ivan@example.com', credential: sender },
    recipient: { phone: '+380631112233', email: 'ivan@example.com', credential: recipient },
    ...extra,
  };
}
