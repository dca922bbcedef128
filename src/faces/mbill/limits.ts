// Mbill's limits and formats, as its reference server (`Nebo15/tokenizer.api`) enforces them (docs/mbill.md, Rules):
// a transfer's amount, the fee formula, card fields, descriptions, metadata, phones and e-mails. The request readers,
// the payer pages and the typed client share them.
import { formatMajor } from '../../core/money.js';
import { CURRENCY } from './wire.js';

export const AMOUNT_MIN = 100n; // 1 UAH, in kopecks
export const AMOUNT_MAX = 1_500_000n; // 15000 UAH
const FEE_PERCENT_BP = 100n; // 1 %
const FEE_MIN = 500n; // 5 UAH
export const DESCRIPTION_MIN = 5;
export const DESCRIPTION_MAX = 1024;
export const EXP_YEAR_MIN = 2016;
export const EXP_YEAR_MAX = 2030;
export const METADATA_KEY_MAX = 100;
export const METADATA_VALUE_MAX = 500;
export const METADATA_LIST_MAX = 25;
export const METADATA_LIST_VALUE_MAX = 100;
/** `GET /transfers?limit=` (our addition) */
export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 100;

export const CVV_RE = /^[0-9]{3,4}$/;
export const MONTH_RE = /^(0?[1-9]|1[0-2])$/;
export const YEAR_RE = /^[0-9]{4}$/;
export const PHONE_RE = /^\+[0-9]{9,16}$/;
export const EMAIL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
/** an amount's decimal places (more than two is this format's failure) */
export const AMOUNT_FORMAT_RE = /^[0-9]+(\.[0-9]{1,2})?$/;
/** a list cursor (a transfer id) */
export const CURSOR_RE = /^[0-9]+$/;
/** the webhook URL's scheme, as its format rule names it */
export const WEBHOOK_URL_RE = /^https?:\/\//;

/** The fee the reference server demands: max(amount × 1 %, 5), rounded half up to 3 significant digits. */
export function expectedFee(amount: bigint): bigint {
  // amount in kopecks × 1 % = amount / 100 kopecks = `amount` units of 1/10000 UAH
  let units = amount * FEE_PERCENT_BP;
  units = units / 100n; // now in 1/10000 UAH (exact: FEE_PERCENT_BP / 100 = 1)
  const floor = FEE_MIN * 100n; // 5 UAH in 1/10000 UAH
  if (units < floor) units = floor;
  const digits = units.toString().length;
  if (digits > 3) {
    const div = 10n ** BigInt(digits - 3);
    const q = units / div;
    const r = units % div;
    units = (r * 2n >= div ? q + 1n : q) * div;
  }
  return units / 100n; // kopecks (exact: at least 5 digits, so div ≥ 100)
}

/** A fee as the rule's description shows it ("5", "5.56", "12.3"). */
export function formatFee(minor: bigint): string {
  return formatMajor(minor, CURRENCY, { trimZeros: true });
}
