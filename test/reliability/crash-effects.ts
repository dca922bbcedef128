// What the store holds for the crash load's writes, read directly (another connection, as an operator would):
// each write's effects counted by its key, the money of each payment against the acknowledged captures and
// refunds, objects no request accounts for, and the consistency of the whole store.
import { Ledger } from '../../src/core/ledger.js';
import { systemClock } from '../../src/core/clock.js';
import type { Payment, Payout } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import type { Op } from './crash-load.js';

interface Row {
  [k: string]: unknown;
}

export interface StoreView {
  payments: Payment[];
  payouts: Payout[];
  refunds: Array<{ paymentId: number; amount: bigint; key: string | null }>;
  /** ledger transfers per `${refType}:${refId}`: how many holds (pending) and posted holds (post_pending) */
  transfers: Map<string, { holds: number; posts: number }>;
  mbTransfers: Array<{ id: string; merchantId: string; key: string | null; paymentId: number }>;
  w2p: Array<{ table: 'payin' | 'payout'; merchantId: string; externalId: string }>;
  events: number;
}

const parse = (s: unknown): any => (typeof s === 'string' ? JSON.parse(s) : s);

/** Reads everything the checks need in one read transaction, and verifies the ledger there. */
export async function readStore(store: Store): Promise<StoreView> {
  return store.read(async (tx) => {
    await new Ledger(systemClock).verify(tx);
    const db = tx.db<any>();
    const transfers = new Map<string, { holds: number; posts: number }>();
    for (const t of (await db.selectFrom('ledger_transfers').select(['kind', 'ref_type', 'ref_id']).execute()) as Row[]) {
      const k = `${String(t.ref_type)}:${String(t.ref_id)}`;
      const e = transfers.get(k) ?? transfers.set(k, { holds: 0, posts: 0 }).get(k)!;
      if (t.kind === 'pending') e.holds++;
      if (t.kind === 'post_pending') e.posts++;
    }
    const refunds = ((await db.selectFrom('refunds').select(['payment_id', 'amount', 'metadata']).execute()) as Row[]).map((r) => ({
      paymentId: Number(r.payment_id),
      amount: BigInt(r.amount as bigint),
      key: (parse(r.metadata)?.jsonData?.crashKey as string | undefined) ?? null,
    }));
    const mbTransfers = (
      (await db.selectFrom('mbill_transfers').select(['id', 'merchant_id', 'metadata', 'payment_id']).execute()) as Row[]
    ).map((r) => ({
      id: String(r.id),
      merchantId: String(r.merchant_id),
      key: (parse(r.metadata)?.crash_key as string | undefined) ?? null,
      paymentId: Number(r.payment_id),
    }));
    const w2p = [
      ...((await db.selectFrom('way2pay_payins').select(['merchant_id', 'external_id']).execute()) as Row[]).map((r) => ({
        table: 'payin' as const,
        merchantId: String(r.merchant_id),
        externalId: String(r.external_id),
      })),
      ...((await db.selectFrom('way2pay_payouts').select(['merchant_id', 'external_id']).execute()) as Row[]).map((r) => ({
        table: 'payout' as const,
        merchantId: String(r.merchant_id),
        externalId: String(r.external_id),
      })),
    ];
    const events = Number(
      (
        (await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()) as Row
      ).n,
    );
    return {
      payments: await tx.payments.list({ limit: 1_000_000 }),
      payouts: await tx.payouts.list({ limit: 1_000_000 }),
      refunds,
      transfers,
      mbTransfers,
      w2p,
      events,
    };
  });
}

/** The store's own rules, whatever the load: nothing half-written. */
export function consistencyFaults(v: StoreView): string[] {
  const faults: string[] = [];
  const refunded = new Map<number, bigint>();
  for (const r of v.refunds) refunded.set(r.paymentId, (refunded.get(r.paymentId) ?? 0n) + r.amount);
  for (const p of v.payments) {
    const t = v.transfers.get(`payment:${p.id}`) ?? { holds: 0, posts: 0 };
    if (
      (p.status === 'created' || p.status === 'declined' || p.status === 'expired' || p.status === 'requires_authentication') &&
      t.holds !== 0
    )
      faults.push(`payment ${p.id} ${p.status} has ${t.holds} holds`);
    if (p.status === 'authorized' && (t.holds !== 1 || t.posts !== 0))
      faults.push(`payment ${p.id} authorized: ${t.holds} holds, ${t.posts} posts`);
    if ((p.status === 'captured' || p.status === 'partially_refunded' || p.status === 'refunded') && (t.holds !== 1 || t.posts !== 1))
      faults.push(`payment ${p.id} ${p.status}: ${t.holds} holds, ${t.posts} posts`);
    if ((refunded.get(p.id) ?? 0n) !== p.refundedAmount)
      faults.push(`payment ${p.id}: refunds add up to ${refunded.get(p.id) ?? 0n}, refunded amount ${p.refundedAmount}`);
  }
  return faults;
}

/** How many times the store holds the effect of one write, counted by the write's key. */
export function effectsOf(v: StoreView, op: Op): number {
  const mine = <T extends { merchantId: string }>(xs: T[]) => xs.filter((x) => x.merchantId === op.m.id);
  const npPayments = () => mine(v.payments).filter((p) => p.face === 'numopay' && p.amount === op.amount);
  const npPayouts = () => mine(v.payouts).filter((p) => p.face === 'numopay' && p.amount === op.amount);
  const holds = (ref: string) => v.transfers.get(ref)?.holds ?? 0;
  const posts = (ref: string) => v.transfers.get(ref)?.posts ?? 0;
  switch (op.kind) {
    case 'np_charge_token':
      return npPayments().length;
    case 'np_refill_token':
      return npPayouts().length;
    case 'np_charge':
      return npPayments().reduce((n, p) => n + holds(`payment:${p.id}`), 0);
    case 'np_refill':
      return npPayouts().reduce((n, p) => n + holds(`payout:${p.id}`), 0);
    case 'cp_charge':
    case 'cp_auth':
      return mine(v.payments).filter((p) => p.face === 'cloudpayments' && p.invoiceId === op.key).length;
    case 'cp_confirm':
      return posts(`payment:${op.paymentId}`);
    case 'cp_refund':
      return v.refunds.filter((r) => r.key === op.key).length;
    case 'cp_topup':
      return mine(v.payouts).filter((p) => p.face === 'cloudpayments' && (p.metadata as { invoiceId?: string }).invoiceId === op.key)
        .length;
    case 'mb_transfer':
      return mine(v.mbTransfers).filter((t) => t.key === op.key).length;
    case 'mb_auth': {
      const t = v.mbTransfers.find((x) => x.id === op.transferId);
      return t ? holds(`payment:${t.paymentId}`) : 0;
    }
    case 'w2p_payin':
    case 'w2p_payout':
      return mine(v.w2p).filter((r) => r.table === (op.kind === 'w2p_payin' ? 'payin' : 'payout') && r.externalId === op.key).length;
  }
}

export interface Tally {
  /** acknowledged writes whose effect is not in the store */
  lost: string[];
  /** effects found more than once: one line per extra effect */
  duplicated: string[];
  /** effects of refused writes, and objects no request accounts for */
  unexpected: string[];
  /** captured, refunded and paid-out amounts against the acknowledged writes */
  money: string[];
}

/**
 * Counts every write's effects. An acknowledged write must be there exactly once and a refused one not at all;
 * a cut-off write not yet retried at most once. Amounts are exact: a payment's captured amount is its
 * acknowledged charge or confirmation, its refunded amount the sum of its acknowledged refunds, plus at most the
 * cut-off ones not yet resolved (none at the end).
 */
export function tally(v: StoreView, ops: Op[]): Tally {
  const t: Tally = { lost: [], duplicated: [], unexpected: [], money: [] };
  for (const op of ops) {
    const n = effectsOf(v, op);
    const name = `${op.kind} ${op.key}${op.retried ? ' (retried)' : ''}`;
    if (op.outcome === 'acked' && n === 0) t.lost.push(name);
    for (let i = 1; i < n; i++) t.duplicated.push(`${name}: ${n} effects`);
    if (op.outcome === 'refused' && n > 0) t.unexpected.push(`${name} was refused (${op.refusal}) yet has ${n} effects`);
  }
  const payment = new Map(v.payments.map((p) => [p.id, p]));
  const payout = (face: string, m: string, match: (p: Payout) => boolean) =>
    v.payouts.find((p) => p.face === face && p.merchantId === m && match(p));
  const refunds = new Map<number, { acked: bigint; open: bigint }>();
  for (const op of ops) {
    const acked = op.outcome === 'acked';
    if (op.kind === 'cp_refund' && op.outcome !== 'refused') {
      const r = refunds.get(op.paymentId!) ?? refunds.set(op.paymentId!, { acked: 0n, open: 0n }).get(op.paymentId!)!;
      if (acked) r.acked += op.amount;
      else r.open += op.amount;
    }
    if (!acked) continue;
    if (op.kind === 'cp_charge' || op.kind === 'cp_confirm') {
      const p = payment.get(op.paymentId!);
      if (p?.capturedAmount !== op.amount) t.money.push(`${op.kind} ${op.key}: captured ${p?.capturedAmount}, acknowledged ${op.amount}`);
    }
    if (op.kind === 'np_charge') {
      const p = v.payments.find((x) => x.face === 'numopay' && x.merchantId === op.m.id && x.amount === op.amount);
      if (p?.capturedAmount !== op.amount) t.money.push(`${op.kind} ${op.key}: captured ${p?.capturedAmount}, acknowledged ${op.amount}`);
    }
    if (op.kind === 'np_refill' || op.kind === 'cp_topup') {
      const p =
        op.kind === 'np_refill'
          ? payout('numopay', op.m.id, (x) => x.amount === op.amount)
          : payout('cloudpayments', op.m.id, (x) => (x.metadata as { invoiceId?: string }).invoiceId === op.key);
      if (p?.status !== 'completed' || p.amount !== op.amount)
        t.money.push(`${op.kind} ${op.key}: payout ${p?.status} ${p?.amount}, acknowledged ${op.amount}`);
    }
    if (op.kind === 'mb_auth') {
      const tr = v.mbTransfers.find((x) => x.id === op.transferId);
      const p = tr && payment.get(tr.paymentId);
      if (p?.capturedAmount !== op.amount)
        t.money.push(`${op.kind} ${op.key}: sender paid ${p?.capturedAmount}, acknowledged ${op.amount}`);
    }
  }
  for (const [id, r] of refunds) {
    const got = payment.get(id)?.refundedAmount ?? 0n;
    if (got < r.acked || got > r.acked + r.open)
      t.money.push(`payment ${id}: refunded ${got}, acknowledged refunds ${r.acked}${r.open ? ` (+ up to ${r.open} cut off)` : ''}`);
  }
  const refunded = new Set(refunds.keys());
  for (const p of v.payments)
    if (p.refundedAmount > 0n && !refunded.has(p.id)) t.money.push(`payment ${p.id}: refunded ${p.refundedAmount} with no refund sent`);
  t.unexpected.push(...unaccounted(v, ops));
  return t;
}

/** Objects in the store that no write sent accounts for. */
function unaccounted(v: StoreView, ops: Op[]): string[] {
  const keys = new Set(ops.map((o) => `${o.kind}|${o.m.id}|${o.key}`));
  const has = (kind: string, m: string, key: string | null) => key !== null && keys.has(`${kind}|${m}|${key}`);
  const out: string[] = [];
  for (const p of v.payments) {
    if (p.face === 'numopay' && !has('np_charge_token', p.merchantId, `${p.merchantId}:${p.amount}`))
      out.push(`numopay payment ${p.id} (${p.amount})`);
    if (p.face === 'cloudpayments' && !has('cp_charge', p.merchantId, p.invoiceId) && !has('cp_auth', p.merchantId, p.invoiceId))
      out.push(`cloudpayments payment ${p.id} (${p.invoiceId})`);
    if (p.face === 'mbill' && !v.mbTransfers.some((t) => t.paymentId === p.id)) out.push(`mbill payment ${p.id} without a transfer`);
  }
  for (const p of v.payouts) {
    if (p.face === 'numopay' && !has('np_refill_token', p.merchantId, `${p.merchantId}:${p.amount}`))
      out.push(`numopay payout ${p.id} (${p.amount})`);
    if (p.face === 'cloudpayments' && !has('cp_topup', p.merchantId, (p.metadata as { invoiceId?: string }).invoiceId ?? null))
      out.push(`cloudpayments payout ${p.id}`);
  }
  const refundKeys = new Set(ops.filter((o) => o.kind === 'cp_refund').map((o) => o.key));
  for (const r of v.refunds) if (r.key === null || !refundKeys.has(r.key)) out.push(`refund of payment ${r.paymentId} (${r.key})`);
  for (const t of v.mbTransfers) if (!has('mb_transfer', t.merchantId, t.key)) out.push(`mbill transfer ${t.id} (${t.key})`);
  for (const r of v.w2p)
    if (!has(r.table === 'payin' ? 'w2p_payin' : 'w2p_payout', r.merchantId, r.externalId)) out.push(`way2pay ${r.table} ${r.externalId}`);
  return out;
}
