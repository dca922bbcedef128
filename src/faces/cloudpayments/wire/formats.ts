// CloudPayments' value formats: currency codes, time-zone codes, dates (`/Date(ms)/` with `…Iso` twins, and the
// notifications' `yyyy-MM-dd HH:mm:ss`), amounts as notification text, and the card fields of a model.
import type { CardBrand } from '../../../core/cards.js';
import { formatMajor, toWireNumber } from '../../../core/money.js';

// ---- currencies

/**
 * CurrencyCode values. RUB=0 is documented; the others follow the order of the documented currency list
 * (RUB, EUR, USD, GBP, …) and are not confirmed by CloudPayments' documents. Only currencies the core can hold exactly.
 */
export const CURRENCY_CODES: Record<string, number> = {
  RUB: 0,
  EUR: 1,
  USD: 2,
  GBP: 3,
  UAH: 4,
  BYN: 6,
  KZT: 7,
  AZN: 8,
  CZK: 10,
  PLN: 12,
  TRY: 14,
  CNY: 15,
  UZS: 19,
  GEL: 24,
  KGS: 25,
  AMD: 26,
};

export function isCpCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCY_CODES, code);
}

export function currencyCode(code: string): number | null {
  return CURRENCY_CODES[code] ?? null;
}

/** An amount as a model's number (major units). */
export function amountNumber(minor: bigint, currency: string): number {
  return toWireNumber(minor, currency);
}

/** An amount as a notification's text (major units, exact). */
export function formatAmountText(minor: bigint, currency: string): string {
  return formatMajor(minor, currency);
}

// ---- time zones (codes of the documented table; fixed offsets in minutes)

export const TIME_ZONES: Record<string, number> = {
  HST: -600,
  AKST: -540,
  PST: -480,
  MST: -420,
  CST: -360,
  EST: -300,
  AST: -240,
  BRT: -180,
  UTC: 0,
  GMT: 0,
  CET: 60,
  EET: 120,
  MSK: 180,
  AZT: 240,
  AMT: 240,
  SAMT: 240,
  GET: 240,
  TJT: 300,
  YEKT: 300,
  ALMT: 360,
  NOVT: 360,
  KRAT: 420,
  HKT: 480,
  IRKT: 480,
  SGT: 480,
  ULAT: 480,
  YAKT: 540,
  VLAT: 600,
  SAKT: 660,
  ANAT: 720,
};

// ---- dates

/** `/Date(1401718880000)/` (JSON shows it as "\/Date(…)\/" or "/Date(…)/"; both are the same string). */
export function cpDate(ms: number | null): string | null {
  return ms === null ? null : `/Date(${ms})/`;
}

export function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** yyyy-MM-ddTHH:mm:ss of the instant, shifted by a time-zone offset (UTC by default). */
export function cpIso(ms: number | null, offsetMinutes = 0): string | null {
  if (ms === null) return null;
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** yyyy-MM-dd HH:mm:ss in UTC (notifications). */
export function notificationDate(ms: number | null): string {
  return ms === null ? '' : cpIso(ms)!.replace('T', ' ');
}

// ---- cards

export function cardType(brand: CardBrand): string {
  return brand === 'Mastercard' ? 'MasterCard' : brand;
}

/** CardTypeCode: Visa 0, MasterCard 1, MIR 2 (unverified beyond Visa 0, which the docs show). */
export function cardTypeCode(brand: CardBrand): number {
  return brand === 'Visa' ? 0 : brand === 'Mastercard' ? 1 : 2;
}

export function cardExpDate(month: number, year: number): string {
  return `${pad(month)}/${pad(year % 100)}`;
}

/** `4242 42****** 4242`, as the token list shows a card. */
export function cardMask(first6: string, last4: string): string {
  return `${first6.slice(0, 4)} ${first6.slice(4)}****** ${last4}`;
}
