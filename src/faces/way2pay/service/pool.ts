// The operator's side of a Way2Pay merchant: the pool of requisites payers transfer to (a card, a phone, an account
// or a link at a bank) and the commissions per direction, bank and method, with the demo set a merchant starts with.
import type { Tx } from '../../../core/ports.js';
import { luhnCheckDigit } from '../../../core/cards.js';
import { parseMajor } from '../../../core/money.js';
import { readTogether } from '../../../core/unit-of-work.js';
import { Way2PayError } from '../http.js';
import { BANKS, findBank, PAYIN_METHODS, PAYOUT_METHODS, type RequisiteKind } from '../reference-data.js';
import { way2payStore as S, type Commission, type Requisite } from '../store.js';
import { parseBasisPoints } from '../wire.js';

const DEMO_HOLDERS = [
  'Иванов Иван Иванович',
  'Петров Пётр Петрович',
  'Сидорова Анна Сергеевна',
  'Кузнецов Алексей Олегович',
  'Смирнова Мария Игоревна',
  'Попов Дмитрий Андреевич',
];

/** The demo requisites pool: a card, a phone and an account at each bank (the SBP bank: a phone). */
function demoRequisites(): Array<{ bankId: number; kind: RequisiteKind; value: string; holder: string }> {
  const out: Array<{ bankId: number; kind: RequisiteKind; value: string; holder: string }> = [];
  for (const b of BANKS) {
    const n = String(b.id).padStart(3, '0');
    const holder = DEMO_HOLDERS[(b.id - 1) % DEMO_HOLDERS.length]!;
    if (b.key !== 'SBP') {
      const partial = `220070010000${n}`;
      out.push({ bankId: b.id, kind: 'card', value: partial + luhnCheckDigit(partial), holder });
      out.push({ bankId: b.id, kind: 'account', value: `40817810000000000${n}`, holder });
    }
    out.push({ bankId: b.id, kind: 'phone', value: `7999000${n.padStart(4, '0')}`, holder });
  }
  return out;
}

/** The demo commissions: pay-in 10.6 % (100–100 000), pay-out 2.5 % (100–50 000), per bank and method. */
function demoCommissions(): Array<Omit<Commission, 'id' | 'merchantId'>> {
  const out: Array<Omit<Commission, 'id' | 'merchantId'>> = [];
  for (const b of BANKS) {
    const methods = b.key === 'SBP' ? ['SBP'] : ['CARD', 'SBP', 'ACCOUNT'];
    for (const method of methods) {
      out.push({ direction: 'payin', bankId: b.id, method, percentBp: 1060n, minAmount: 10_000n, maxAmount: 10_000_000n, isActive: true });
      out.push({ direction: 'payout', bankId: b.id, method, percentBp: 250n, minAmount: 10_000n, maxAmount: 5_000_000n, isActive: true });
    }
  }
  return out;
}

export interface CommissionInput {
  direction: 'payin' | 'payout';
  bank: number | string;
  method: string;
  /** "10.6" */
  percent: string | number;
  /** major units */
  minAmount: string;
  maxAmount: string;
  isActive?: boolean;
}

export class Pool {
  constructor(private readonly now: () => number) {}

  /** Gives a merchant the demo pool and commissions when it has none (merchants created before the face). */
  async ensureSetup(tx: Tx, merchantId: string): Promise<void> {
    // two reads that do not depend on each other: one round trip where the store sends them together
    const counts = () => Promise.all([S.countCommissions(tx, merchantId), S.countRequisites(tx, merchantId)]);
    const [commissions, requisites] = await readTogether(tx, counts);
    await this.addMissing(tx, merchantId, commissions, requisites);
  }

  /**
   * ensureSetup, and the merchant's commissions of one direction read in the same round trip (read again only
   * when the demo ones were just added).
   */
  async setupWithCommissions(tx: Tx, merchantId: string, direction: Commission['direction']): Promise<Commission[]> {
    const reads = () =>
      Promise.all([S.countCommissions(tx, merchantId), S.countRequisites(tx, merchantId), S.listCommissions(tx, merchantId, direction)]);
    const [commissions, requisites, list] = await readTogether(tx, reads);
    await this.addMissing(tx, merchantId, commissions, requisites);
    return commissions === 0 ? S.listCommissions(tx, merchantId, direction) : list;
  }

  private async addMissing(tx: Tx, merchantId: string, commissions: number, requisites: number): Promise<void> {
    if (commissions === 0) await this.addDemoCommissions(tx, merchantId);
    if (requisites === 0) await this.addDemoRequisites(tx, merchantId);
  }

  async addDemoCommissions(tx: Tx, merchantId: string): Promise<void> {
    for (const c of demoCommissions()) await S.insertCommissionIfMissing(tx, { ...c, merchantId });
  }

  async addDemoRequisites(tx: Tx, merchantId: string): Promise<void> {
    for (const r of demoRequisites())
      await S.insertRequisite(tx, { merchantId, ...r, isActive: true, lastUsedAt: 0, createdAt: this.now() });
  }

  /** A requisite of a seed file, as it is (a bank by id, key or name; a kind or a method naming one). */
  async insertSeedRequisite(
    tx: Tx,
    merchantId: string,
    r: { bank: string | number; kind?: RequisiteKind; method?: string; value: string; holder: string; active?: boolean },
  ): Promise<void> {
    const bank = findBank(r.bank);
    const kind = r.kind ?? (r.method ? (PAYIN_METHODS[r.method.toUpperCase()] ?? PAYOUT_METHODS[r.method.toUpperCase()]) : undefined);
    if (!bank || !kind)
      throw new Error(`way2pay seed: requisite ${JSON.stringify(r)} needs a known bank and a kind (card, phone, account, link)`);
    await S.insertRequisite(tx, {
      merchantId,
      bankId: bank.id,
      kind,
      value: r.value,
      holder: r.holder,
      isActive: r.active ?? true,
      lastUsedAt: 0,
      createdAt: this.now(),
    });
  }

  /** Adds a requisite to a merchant's pool (or enables it again); the caller hands it to waiting pay-ins. */
  async addRequisite(
    tx: Tx,
    merchantId: string,
    r: { bank: number | string; kind: RequisiteKind; value: string; holder: string },
  ): Promise<Requisite> {
    const bank = findBank(r.bank);
    if (!bank) throw new Way2PayError(60014);
    if (!['card', 'phone', 'account', 'link'].includes(r.kind)) throw new Way2PayError(20000, 'kind must be card, phone, account or link');
    const value = r.value.trim();
    if (!value || value.length > 512) throw new Way2PayError(20000, 'value is required');
    await S.insertRequisite(tx, {
      merchantId,
      bankId: bank.id,
      kind: r.kind,
      value,
      holder: r.holder.trim(),
      isActive: true,
      lastUsedAt: 0,
      createdAt: this.now(),
    });
    const found = (await S.listRequisites(tx, merchantId)).find((x) => x.bankId === bank.id && x.kind === r.kind && x.value === value)!;
    if (!found.isActive) await S.setRequisiteActive(tx, merchantId, found.id, true);
    return { ...found, isActive: true };
  }

  async setRequisiteActive(tx: Tx, merchantId: string, id: number, active: boolean): Promise<void> {
    if (!(await S.setRequisiteActive(tx, merchantId, id, active))) throw new Way2PayError(60011);
  }

  /** Sets a commission row (operator): percent as "10.6", limits in major units. */
  async setCommission(tx: Tx, merchantId: string, c: CommissionInput): Promise<void> {
    const bank = findBank(c.bank);
    if (!bank) throw new Way2PayError(60014);
    const method = c.method.toUpperCase();
    if (!(c.direction === 'payin' ? PAYIN_METHODS : PAYOUT_METHODS)[method]) throw new Way2PayError(60015);
    const percentBp = parseBasisPoints(c.percent);
    if (percentBp === undefined || percentBp > 10_000n)
      throw new Way2PayError(20000, 'percent must be a number from 0 to 100 with at most two decimals');
    const minAmount = parseMajor(c.minAmount, bank.currency);
    const maxAmount = parseMajor(c.maxAmount, bank.currency);
    if (minAmount < 0n || maxAmount < minAmount) throw new Way2PayError(20000, 'minAmount and maxAmount must satisfy 0 <= min <= max');
    await S.upsertCommission(tx, {
      merchantId,
      direction: c.direction,
      bankId: bank.id,
      method,
      percentBp,
      minAmount,
      maxAmount,
      isActive: c.isActive ?? true,
    });
  }
}
