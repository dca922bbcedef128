// Way2Pay reference data: the sandbox's banks, the currencies and the payment methods (with the kind of requisite
// each shows the payer), as `GET /banks`, `/currencies` and `/commissions` serve them and bodies refer to them.

export interface Bank {
  id: number;
  name: string;
  key: string;
  currency: string;
}

/** The sandbox's banks (ids are what `bankId` refers to). */
export const BANKS: readonly Bank[] = [
  { id: 1, name: 'Сбер', key: 'SBER', currency: 'RUB' },
  { id: 2, name: 'Т-Банк', key: 'TBANK', currency: 'RUB' },
  { id: 3, name: 'Альфа-Банк', key: 'ALFA', currency: 'RUB' },
  { id: 4, name: 'ВТБ', key: 'VTB', currency: 'RUB' },
  { id: 5, name: 'Озон Банк (Ozon)', key: 'OZON', currency: 'RUB' },
  { id: 6, name: 'СБП', key: 'SBP', currency: 'RUB' },
];

export function bankById(id: number): Bank | undefined {
  return BANKS.find((b) => b.id === id);
}

/** A bank by id, key or name (case-insensitive), as seed files and lenient clients name them. */
export function findBank(ref: unknown): Bank | undefined {
  if (typeof ref === 'number') return bankById(ref);
  if (typeof ref !== 'string') return undefined;
  const s = ref.trim();
  if (/^\d{1,6}$/.test(s)) return bankById(Number(s));
  const u = s.toUpperCase();
  return BANKS.find((b) => b.key === u || b.name.toUpperCase() === u);
}

export interface Currency {
  id: number;
  name: string;
  key: string;
  isActive: boolean;
}

export const CURRENCIES: readonly Currency[] = [
  { id: 1, name: 'Рубль', key: 'RUB', isActive: true },
  { id: 2, name: 'Доллар США', key: 'USD', isActive: true },
  { id: 3, name: 'Тенге', key: 'KZT', isActive: false },
];

export type RequisiteKind = 'card' | 'phone' | 'account' | 'link';

/** Pay-in methods and the kind of requisite each one shows the payer. */
export const PAYIN_METHODS: Readonly<Record<string, RequisiteKind>> = {
  CARD: 'card',
  SBP: 'phone',
  ACCOUNT: 'account',
  NSPK: 'link',
  CROSSBORDER_CARD: 'card',
  CROSSBORDER_SBP: 'phone',
  M2ARM_SBP: 'phone',
  M2ABH_SBP: 'phone',
  M2TJS_SBP: 'phone',
  M2ABH_C2C: 'card',
  M2ARM_C2C: 'card',
  M2TJS_C2C: 'card',
  PAYMENT_LINK: 'link',
  C2C_WT: 'card',
  SBP_WT: 'phone',
  SBER2SBER: 'card',
  ALFA2ALFA: 'card',
  VTB2VTB: 'card',
  TBANK2TBANK: 'card',
  OZON2OZON: 'card',
  SIM: 'phone',
  ALFA_QR: 'link',
};

export const PAYOUT_METHODS: Readonly<Record<string, Exclude<RequisiteKind, 'link'>>> = { CARD: 'card', SBP: 'phone', ACCOUNT: 'account' };
