// The crash suite's load: one merchant per client on four faces, and every write sent with what makes it
// safe to send again (CloudPayments X-Request-ID, Mbill X-Idempotency-Key, Way2Pay's unique externalID,
// Numopay's one-use tokens). Requests go through a Wire that counts those whose answer has not arrived; every
// write is kept as an Op with its outcome (acknowledged, refused, or cut off by a kill), the answer to compare a
// replay with, and what it acts on. After a restart the cut-off writes are sent again (retry) and every
// acknowledged one is sent again once (replay), expecting what the face promises for a repeat.
import { buildCryptogram } from '../../src/faces/cloudpayments/client.js';
import { basicAuthorization } from '../../src/faces/mbill/signing.js';
import { numopayAuthorization, sortedQuery } from '../../src/faces/numopay/signing.js';
import { Way2PayClient } from '../../src/faces/way2pay/client.js';
import type { Seed } from '../../src/operator/seed.js';

// ---- merchants: one per client, so that each face's per-key rules (Way2Pay's increasing nonces,
// CloudPayments' five requests per terminal) hold while the clients run side by side

export interface CrashMerchant {
  id: string;
  np: { apiKey: string; secret: string; account: string };
  cp: { publicId: string; apiSecret: string };
  mbill: string;
  w2p: { publicKey: string; secretKey: string; generation: 1 | 3 };
}

export function crashMerchants(n: number): CrashMerchant[] {
  return Array.from({ length: n }, (_, w) => ({
    id: `crash${w}`,
    np: {
      apiKey: `np_crash_${w}`,
      secret: `np_crash_secret_${w}`,
      account: `423e5010-24d7-11ea-a0af-ad4afa2c68${String(w).padStart(2, '0')}`,
    },
    cp: { publicId: `pk_crash${String(w).padStart(22, '0')}`, apiSecret: `cp_crash_secret_${w}` },
    mbill: `mbill_crash_token_${w}`,
    w2p: { publicKey: `w2p_pk_crash_${w}`, secretKey: `w2p_sk_crash_${w}`, generation: w % 2 === 0 ? 1 : 3 },
  }));
}

export function crashSeed(merchants: CrashMerchant[], hookUrl: string): Seed {
  const notify = { address: `${hookUrl}/cp`, httpMethod: 'POST' };
  return {
    merchants: merchants.map((m) => ({
      id: m.id,
      name: `Crash Shop ${m.id}`,
      currencies: ['RUB', 'UAH'],
      numopay: { apiKey: m.np.apiKey, secret: m.np.secret, accounts: [{ id: m.np.account, currency: 'RUB' }] },
      cloudpayments: {
        publicId: m.cp.publicId,
        apiSecret: m.cp.apiSecret,
        notifications: { pay: notify, confirm: notify, refund: notify },
      },
      mbill: { apiToken: m.mbill, webhookUrl: `${hookUrl}/mbill` },
      way2pay: { publicKey: m.w2p.publicKey, secretKey: m.w2p.secretKey, generation: m.w2p.generation, payoutBalance: '1000000.00' },
    })),
  };
}

// ---- the wire

export interface Spec {
  method: string;
  /** from the gateway's root, e.g. /cloudpayments/payments/cards/charge */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** The request's answer never came: the connection broke (the gateway was killed). */
export class CutOff extends Error {}
/** Not sent: the clients were told to stop before the kill. */
export class Stopped extends Error {}

/** Sends requests and counts, on the client side, those sent and those whose answer has not fully arrived. */
export class Wire {
  base = '';
  sent = 0;
  inFlight = 0;
  stopped = false;

  async send(s: Spec): Promise<Answer> {
    if (this.stopped) throw new Stopped();
    this.sent++;
    this.inFlight++;
    try {
      const res = await fetch(this.base + s.path, {
        method: s.method,
        headers: s.headers,
        ...(s.body !== undefined ? { body: s.body } : {}),
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (e) {
      throw new CutOff(`${s.method} ${s.path}: ${String((e as Error).cause ?? e)}`);
    } finally {
      this.inFlight--;
    }
  }
}

// ---- operations

export type OpKind =
  | 'np_charge_token'
  | 'np_charge'
  | 'np_refill_token'
  | 'np_refill'
  | 'cp_charge'
  | 'cp_auth'
  | 'cp_confirm'
  | 'cp_refund'
  | 'cp_topup'
  | 'mb_transfer'
  | 'mb_auth'
  | 'w2p_payin'
  | 'w2p_payout';

export const OP_KINDS: OpKind[] = [
  'np_charge_token',
  'np_charge',
  'np_refill_token',
  'np_refill',
  'cp_charge',
  'cp_auth',
  'cp_confirm',
  'cp_refund',
  'cp_topup',
  'mb_transfer',
  'mb_auth',
  'w2p_payin',
  'w2p_payout',
];

export interface Op {
  seq: number;
  kind: OpKind;
  m: CrashMerchant;
  /**
   * What names the write's effect in the store: the idempotency key it carries (X-Request-ID, X-Idempotency-Key,
   * externalID, the Numopay token), or, for a Numopay token request (the API has no key for it), its amount, which
   * is unique per merchant.
   */
  key: string;
  round: number;
  outcome: 'acked' | 'refused' | 'cut';
  /** cut off by a kill and sent again after the restart */
  retried: boolean;
  /** how a retried write's outcome was learned: its answer, or a read after a refusal that told it had been done */
  learnedBy?: 'answer' | 'read';
  /** the acknowledged answer's body (CloudPayments and Mbill replays must equal it byte for byte) */
  answer?: string;
  refusal?: string;
  replayed: boolean;
  /** minor units the write moves: a payment's, capture's, refund's or payout's amount */
  amount: bigint;
  /** the payment it made or acts on (CloudPayments), when known */
  paymentId?: number;
  /** Numopay: the order and the token that pays it */
  slug?: string;
  token?: string;
  /** Mbill: the transfer and its token */
  transferId?: string;
  transferToken?: string;
}

interface Behaviour {
  /** the request, signed anew for each sending (Numopay timestamps, Way2Pay nonces) */
  request(): Spec;
  acked(a: Answer): boolean;
  /** bookkeeping once acknowledged */
  then?(a: Answer | null): void;
  /** after a retry was refused: a read telling whether the cut-off attempt had been done after all */
  doneBefore?(): Promise<boolean>;
  /** before a retry of a write with no idempotency key: a read telling whether it was done (then it is not sent) */
  findDone?(): Promise<boolean>;
  /** what a replay must answer; null when there is nothing to replay (no key) */
  replayFault: ((op: Op, a: Answer) => string | null) | null;
}

interface Tracked {
  op: Op;
  b: Behaviour;
}

interface ClientState {
  refundable: Array<{ id: number; left: bigint }>;
  authorized: Array<{ id: number; amount: bigint }>;
  transfers: Array<{ id: string; token: string }>;
  w2pBank: number;
}

const CARD = '4000000000003055';
const PAYOUT_CARD = '5205000000003055';
const json = (t: string): any => {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
};

/** The load of one store's run: the clients, every write they made, and the cut-off writes to retry. */
export class Load {
  readonly wire = new Wire();
  /** retries, reads and replays after a restart (not counted as the load's requests) */
  readonly after = new Wire();
  readonly ops: Tracked[] = [];
  private cut: Tracked[] = [];
  round = 0;
  acked = 0;
  private seq = 0;
  private readonly state: ClientState[];
  private readonly lastTs = new Map<string, number>();
  private readonly w2p: Way2PayClient[];
  private served = 0;

  constructor(
    readonly merchants: CrashMerchant[],
    private readonly hookUrl: string,
    private readonly cpKey: { pem: string; version: number },
    /** called before each scenario: lets the webhook receiver fail now and then */
    private readonly beforeScenario: (n: number) => void = () => {},
  ) {
    this.state = merchants.map(() => ({ refundable: [], authorized: [], transfers: [], w2pBank: 0 }));
    this.w2p = merchants.map(
      (m) =>
        new Way2PayClient({ baseUrl: '/way2pay', publicKey: m.w2p.publicKey, secretKey: m.w2p.secretKey, generation: m.w2p.generation }),
    );
  }

  /** Per merchant: a Numopay webhook endpoint, and a Way2Pay bank for pay-outs. */
  async setup(): Promise<void> {
    for (const [w, m] of this.merchants.entries()) {
      const hook = await this.after.send(
        this.numopay(m, 'POST', `/v2/accounts/${m.np.account}/webhook-endpoints`, { url: `${this.hookUrl}/numopay`, event: 'order' }),
      );
      if (hook.status !== 200) throw new Error(`numopay webhook endpoint: ${hook.status} ${hook.text}`);
      const banks = await this.after.send(this.way2pay(w, 'GET', '/api/v1/banks'));
      const rub = (json(banks.text)?.data as Array<{ id: number; currency: string }> | undefined)?.find((b) => b.currency === 'RUB');
      if (!rub) throw new Error(`way2pay banks: ${banks.status} ${banks.text}`);
      this.state[w]!.w2pBank = rub.id;
    }
  }

  // ---- clients

  /** One client: its merchant's scenarios in turn until told to stop or cut off by the kill. */
  async client(w: number): Promise<void> {
    const scenarios = [
      this.cpCharge,
      this.npCharge,
      this.cpAuthConfirm,
      this.cpRefund,
      this.mbTransfer,
      this.w2pPayIn,
      this.npRefill,
      this.cpRefund,
      this.cpTopup,
      this.w2pPayOut,
    ];
    try {
      for (let i = 0; ; i++) {
        this.beforeScenario(this.served++);
        await scenarios[(w + i) % scenarios.length]!.call(this, w);
      }
    } catch (e) {
      if (e instanceof CutOff || e instanceof Stopped) return;
      throw e;
    }
  }

  private async cpCharge(w: number): Promise<void> {
    await this.run(this.cpPay(w, 'cp_charge', 100n + BigInt(this.seq % 50)));
  }

  private async cpAuthConfirm(w: number): Promise<void> {
    const s = this.state[w]!;
    if (!s.authorized.length && !(await this.run(this.cpPay(w, 'cp_auth', 200n + BigInt(this.seq % 50))))) return;
    const a = s.authorized.shift();
    if (a) await this.run(this.cpConfirm(w, a.id, a.amount - 5000n));
  }

  private async cpRefund(w: number): Promise<void> {
    const p = this.state[w]!.refundable.find((x) => x.left >= 1000n);
    if (!p) return this.cpCharge(w);
    await this.run(this.cpRefundOp(w, p.id, 1000n));
  }

  private async cpTopup(w: number): Promise<void> {
    await this.run(this.cpTopupOp(w, 1000n + BigInt(this.seq % 100)));
  }

  private async npCharge(w: number): Promise<void> {
    const t = this.npToken(w, 'np_charge_token', 100_000n + BigInt(this.seq));
    if (await this.run(t)) await this.run(this.npPay(w, 'np_charge', t.op));
  }

  private async npRefill(w: number): Promise<void> {
    const t = this.npToken(w, 'np_refill_token', 1_000n + BigInt(this.seq));
    if (await this.run(t)) await this.run(this.npPay(w, 'np_refill', t.op));
  }

  private async mbTransfer(w: number): Promise<void> {
    const s = this.state[w]!;
    if (!s.transfers.length && !(await this.run(this.mbCreate(w)))) return;
    const t = s.transfers.shift();
    if (t) await this.run(this.mbAuth(w, t.id, t.token));
  }

  private async w2pPayIn(w: number): Promise<void> {
    await this.run(this.w2pOp(w, 'w2p_payin', 100_000n + BigInt(this.seq % 100) * 100n));
  }

  private async w2pPayOut(w: number): Promise<void> {
    await this.run(this.w2pOp(w, 'w2p_payout', 15_000n + BigInt(this.seq % 100) * 100n));
  }

  /** Sends a write once; a cut-off one is kept for the retry after the restart and ends the client's scenario. */
  private async run(t: Tracked): Promise<boolean> {
    let a: Answer;
    try {
      a = await this.wire.send(t.b.request());
    } catch (e) {
      if (e instanceof CutOff) {
        t.op.outcome = 'cut';
        this.ops.push(t);
        this.cut.push(t);
      }
      throw e;
    }
    this.ops.push(t);
    return this.settle(t, a, 'answer');
  }

  private settle(t: Tracked, a: Answer | null, by: 'answer' | 'read'): boolean {
    if (a && !t.b.acked(a)) {
      t.op.outcome = 'refused';
      t.op.refusal = `${a.status} ${a.text.slice(0, 300)}`;
      return false;
    }
    t.op.outcome = 'acked';
    if (t.op.retried) t.op.learnedBy = by;
    if (a) t.op.answer = a.text;
    this.acked++;
    t.b.then?.(a);
    return true;
  }

  // ---- after a restart

  /** Acknowledged writes that carry a key and were not sent again (none once the run is over). */
  get unreplayed(): Op[] {
    return this.ops.filter((t) => t.op.outcome === 'acked' && t.b.replayFault && !t.op.replayed).map((t) => t.op);
  }

  /** The writes the last kill cut off. */
  get cutOff(): Op[] {
    return this.cut.map((t) => t.op);
  }

  /**
   * Sends every cut-off write again with its idempotency key (one per client at most, so the clients' own
   * order holds). A refusal that says the first attempt was done (a used Numopay token, a taken Way2Pay
   * externalID) is confirmed by a read.
   */
  async retryCutOffs(): Promise<void> {
    const cut = this.cut.splice(0);
    await Promise.all(
      cut.map(async (t) => {
        t.op.retried = true;
        if (t.b.findDone && (await t.b.findDone())) return this.settle(t, null, 'read');
        const a = await this.after.send(t.b.request());
        if (!t.b.acked(a) && t.b.doneBefore && (await t.b.doneBefore())) return this.settle(t, null, 'read');
        return this.settle(t, a, 'answer');
      }),
    );
  }

  /** Sends every acknowledged write not replayed yet again, per merchant in order; answers what went wrong. */
  async replayAcknowledged(): Promise<string[]> {
    const faults: string[] = [];
    const due = this.ops.filter((t) => t.op.outcome === 'acked' && !t.op.replayed && t.b.replayFault);
    await Promise.all(
      this.merchants.map(async (m) => {
        for (const t of due.filter((x) => x.op.m === m)) {
          const a = await this.after.send(t.b.request());
          t.op.replayed = true;
          const fault = t.b.replayFault!(t.op, a);
          if (fault) faults.push(`${t.op.kind} ${t.op.key}: ${fault}`);
        }
      }),
    );
    return faults;
  }

  // ---- CloudPayments: X-Request-ID on every write; a kept answer is replayed byte for byte

  private cp(m: CrashMerchant, path: string, params: Record<string, unknown>, requestId: string): Spec {
    return {
      method: 'POST',
      path: `/cloudpayments${path}`,
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic ' + Buffer.from(`${m.cp.publicId}:${m.cp.apiSecret}`).toString('base64'),
        'x-request-id': requestId,
      },
      body: JSON.stringify(params),
    };
  }

  private cpOp(
    w: number,
    kind: OpKind,
    amount: bigint,
    path: string,
    params: (key: string) => Record<string, unknown>,
    then?: (op: Op, model: any) => void,
  ): Tracked {
    const op = this.newOp(w, kind, `${kind}-${this.merchants[w]!.id}-${this.seq}`, amount);
    const spec = this.cp(op.m, path, params(op.key), op.key);
    return {
      op,
      b: {
        request: () => spec,
        acked: (a) => a.status === 200 && json(a.text)?.Success === true,
        then: (a) => then?.(op, json(a!.text)?.Model),
        replayFault: (o, a) =>
          a.text === o.answer ? null : `replay answered ${a.status} ${a.text.slice(0, 200)}, first ${o.answer?.slice(0, 200)}`,
      },
    };
  }

  private cryptogram(m: CrashMerchant): string {
    return buildCryptogram({ number: CARD, expMonth: 12, expYear: 2099, cvv: '123' }, m.cp.publicId, this.cpKey.pem, {
      keyVersion: this.cpKey.version,
    });
  }

  private cpPay(w: number, kind: 'cp_charge' | 'cp_auth', rub: bigint): Tracked {
    const m = this.merchants[w]!;
    return this.cpOp(
      w,
      kind,
      rub * 100n,
      kind === 'cp_charge' ? '/payments/cards/charge' : '/payments/cards/auth',
      (key) => ({ Amount: Number(rub), Currency: 'RUB', CardCryptogramPacket: this.cryptogram(m), Name: 'CRASH TEST', InvoiceId: key }),
      (op, model) => {
        op.paymentId = model.TransactionId;
        if (kind === 'cp_charge') this.state[w]!.refundable.push({ id: op.paymentId!, left: op.amount });
        else this.state[w]!.authorized.push({ id: op.paymentId!, amount: op.amount });
      },
    );
  }

  private cpConfirm(w: number, paymentId: number, amount: bigint): Tracked {
    const t = this.cpOp(
      w,
      'cp_confirm',
      amount,
      '/payments/confirm',
      () => ({ TransactionId: paymentId, Amount: Number(amount) / 100 }),
      () => this.state[w]!.refundable.push({ id: paymentId, left: amount }),
    );
    t.op.paymentId = paymentId;
    return t;
  }

  private cpRefundOp(w: number, paymentId: number, amount: bigint): Tracked {
    const t = this.cpOp(
      w,
      'cp_refund',
      amount,
      '/payments/refund',
      (key) => ({ TransactionId: paymentId, Amount: Number(amount) / 100, JsonData: { crashKey: key } }),
      () => {
        this.state[w]!.refundable.find((p) => p.id === paymentId)!.left -= amount;
      },
    );
    t.op.paymentId = paymentId;
    return t;
  }

  private cpTopupOp(w: number, amount: bigint): Tracked {
    const m = this.merchants[w]!;
    return this.cpOp(w, 'cp_topup', amount, '/payments/cards/topup', (key) => ({
      Amount: Number(amount) / 100,
      Currency: 'RUB',
      CardCryptogramPacket: this.cryptogram(m),
      Name: 'CRASH TEST',
      InvoiceId: key,
    }));
  }

  // ---- Numopay: signed with a timestamp (each sending signs anew); a charge or refill token pays once

  private numopay(m: CrashMerchant, method: string, path: string, params: Record<string, unknown> = {}): Spec {
    const read = method === 'GET';
    const query = read ? sortedQuery(params as Record<string, string>) : '';
    const body = read ? '' : JSON.stringify(params);
    // a signature is used once: the same write sent again in the same second gets the next second
    const id = `${m.np.apiKey} ${method} ${path} ${body}`;
    const now = Math.floor(Date.now() / 1000);
    const last = this.lastTs.get(id);
    const ts = last !== undefined && last >= now ? last + 1 : now;
    if (!read) this.lastTs.set(id, ts);
    return {
      method,
      path: `/numopay${path}${query}`,
      headers: {
        'content-type': 'application/json',
        authorization: numopayAuthorization(m.np.apiKey, m.np.secret, ts, method, path, query, body),
      },
      ...(read ? {} : { body }),
    };
  }

  /**
   * A charge or refill token. Numopay gives its creation no idempotency key: the amount (unique per merchant)
   * names it, and before a cut-off one is sent again the client reads its transactions to see whether it was made.
   */
  private npToken(w: number, kind: 'np_charge_token' | 'np_refill_token', amount: bigint): Tracked {
    const m = this.merchants[w]!;
    const op = this.newOp(w, kind, `${m.id}:${amount}`, amount);
    const path = `/v2/accounts/${m.np.account}/${kind === 'np_charge_token' ? 'charge' : 'refill'}/token`;
    const type = kind === 'np_charge_token' ? 'charge_unregistered' : 'refill_unregistered';
    return {
      op,
      b: {
        request: () => this.numopay(m, 'POST', path, { amount: String(amount) }),
        acked: (a) => a.status === 200 && typeof json(a.text)?.data?.token === 'string',
        then: (a) => {
          if (!a) return;
          op.token = json(a.text).data.token;
          op.slug = json(a.text).data.order_slug;
        },
        findDone: async () => {
          for (let offset = 0; offset < 2000; offset += 100) {
            const r = await this.after.send(this.numopay(m, 'GET', `/v2/accounts/${m.np.account}/transactions`, { limit: 100, offset }));
            const items = (json(r.text)?.data ?? []) as Array<{ order_slug: string; type: string; amount: string }>;
            const found = items.find((x) => x.type === type && x.amount === String(amount));
            if (found) {
              op.slug = found.order_slug;
              return true;
            }
            if (items.length < 100) return false;
          }
          return false;
        },
        replayFault: null,
      },
    };
  }

  /** Pays a token: sent again, the same token is refused ("Token already used") and pays nothing more. */
  private npPay(w: number, kind: 'np_charge' | 'np_refill', token: Op): Tracked {
    const m = this.merchants[w]!;
    const op = this.newOp(w, kind, token.token!, token.amount);
    op.slug = token.slug;
    op.token = token.token;
    const path = `/v2/accounts/${m.np.account}/${kind === 'np_charge' ? 'charge' : 'refill'}`;
    const params =
      kind === 'np_charge'
        ? { token: op.token, card_info: { number: CARD, month: '12', year: '2099', cvv: '123' } }
        : { token: op.token, card_number: PAYOUT_CARD };
    return {
      op,
      b: {
        request: () => this.numopay(m, 'POST', path, params),
        acked: (a) => a.status === 200,
        doneBefore: async () => {
          const r = await this.after.send(this.numopay(m, 'GET', `/v2/accounts/${m.np.account}/payment/${op.slug}`));
          return json(r.text)?.data?.status === 'success';
        },
        replayFault: (_o, a) =>
          a.status === 400 && json(a.text)?.error === 'Token already used'
            ? null
            : `a used token answered ${a.status} ${a.text.slice(0, 200)}`,
      },
    };
  }

  // ---- Mbill: X-Idempotency-Key (with a fixed X-Request-ID, a repeat's answer is the first one byte for byte)

  private mbill(path: string, auth: string, key: string, body: unknown): Spec {
    return {
      method: 'POST',
      path: `/mbill${path}`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: basicAuthorization(auth),
        'x-idempotency-key': key,
        'x-request-id': key,
      },
      body: JSON.stringify(body),
    };
  }

  private mbOp(
    w: number,
    kind: 'mb_transfer' | 'mb_auth',
    amount: bigint,
    spec: (key: string) => Spec,
    then: (op: Op, data: any) => void,
  ): Tracked {
    const op = this.newOp(w, kind, `${kind}-${this.merchants[w]!.id}-${this.seq}`, amount);
    const s = spec(op.key);
    return {
      op,
      b: {
        request: () => s,
        acked: (a) => a.status === 201,
        then: (a) => then(op, json(a!.text).data),
        replayFault: (o, a) =>
          a.status === 201 && a.headers.get('idempotent-replayed') === 'true' && a.text === o.answer
            ? null
            : `replay answered ${a.status} (replayed: ${a.headers.get('idempotent-replayed')}) ${a.text.slice(0, 200)}, first ${o.answer?.slice(0, 200)}`,
      },
    };
  }

  private mbCreate(w: number): Tracked {
    const m = this.merchants[w]!;
    const body = (key: string) => ({
      amount: 100,
      fee: 5,
      description: 'crash transfer',
      metadata: { crash_key: key },
      sender: { credential: { type: 'card', number: CARD, expiration_month: '12', expiration_year: '2030', cvv: '123' } },
      recipient: { credential: { type: 'card-number', number: PAYOUT_CARD } },
    });
    return this.mbOp(
      w,
      'mb_transfer',
      10_500n,
      (key) => this.mbill('/transfers', m.mbill, key, body(key)),
      (op, d) => {
        op.transferId = d.id;
        op.transferToken = d.token;
        this.state[w]!.transfers.push({ id: d.id, token: d.token });
      },
    );
  }

  /** The lookup code: the simulated issuer's fixed test code. */
  private mbAuth(w: number, id: string, token: string): Tracked {
    const t = this.mbOp(
      w,
      'mb_auth',
      10_500n,
      (key) => this.mbill(`/transfers/${id}/auth`, token, key, { code: '3382837' }),
      () => {},
    );
    t.op.transferId = id;
    return t;
  }

  // ---- Way2Pay: a unique externalID; a repeat is refused with 60010 and makes nothing

  private way2pay(
    w: number,
    method: string,
    path: string,
    params?: Record<string, unknown>,
    query?: Record<string, string | number | undefined>,
  ): Spec {
    const r = this.w2p[w]!.sign(method, path, params, query);
    return { method: r.method, path: r.url, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) };
  }

  private w2pOp(w: number, kind: 'w2p_payin' | 'w2p_payout', amount: bigint): Tracked {
    const m = this.merchants[w]!;
    const op = this.newOp(w, kind, `${kind}-${m.id}-${this.seq}`, amount);
    const rub = (amount / 100n).toString();
    const callbackURL = `${this.hookUrl}/way2pay`;
    const gen1 = m.w2p.generation === 1;
    const path = kind === 'w2p_payin' ? '/api/v1/pay-in' : '/api/v1/pay-out';
    const body =
      kind === 'w2p_payin'
        ? gen1
          ? { externalID: op.key, currency: 'RUB', callbackURL, amount: rub }
          : { externalID: op.key, currencyId: 1, callbackURL, amount: rub, method: 'CARD' }
        : {
            externalID: op.key,
            bankId: this.state[w]!.w2pBank,
            method: 'CARD',
            currencyId: 1,
            callbackURL,
            amount: rub,
            receiver: PAYOUT_CARD,
            holder: 'IVAN IVANOV',
          };
    const taken = (a: Answer) => a.status === 409 && json(a.text)?.error?.code === 60010;
    return {
      op,
      b: {
        request: () => this.way2pay(w, 'POST', path, body),
        acked: (a) => a.status === 200 && json(a.text)?.success === true,
        doneBefore: async () => {
          const r = await this.after.send(this.way2pay(w, 'GET', `${path}/list`, undefined, { externalID: op.key }));
          return json(r.text)?.data?.total === 1;
        },
        replayFault: (_o, a) => (taken(a) ? null : `a taken externalID answered ${a.status} ${a.text.slice(0, 200)}`),
      },
    };
  }

  private newOp(w: number, kind: OpKind, key: string, amount: bigint): Op {
    return {
      seq: this.seq++,
      kind,
      m: this.merchants[w]!,
      key,
      round: this.round,
      outcome: 'refused',
      retried: false,
      replayed: false,
      amount,
    };
  }
}
