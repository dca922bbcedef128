// Sandbox exchange rates (fixed, per 1 EUR, four decimals) and exact conversion with bigint arithmetic.
import { CoreError } from '../../core/errors.js';
import { currencyInfo, MAX_AMOUNT } from '../../core/money.js';

/** units of each currency per 1 EUR, scaled by 10^4 */
const PER_EUR: Record<string, bigint> = {
  EUR: 10000n,
  RUB: 1000000n,
  USD: 10800n,
  GBP: 8500n,
  UAH: 445000n,
  KZT: 5200000n,
  BYN: 35000n,
  CNY: 78000n,
};

export const RATES_DATE = '2020-07-24';

export function hasRate(currency: string): boolean {
  return currency in PER_EUR;
}

function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  return r * 2n >= d ? q + 1n : q;
}

/**
 * Converts minor units of `from` into minor units of `to`, rounded half up. The result is an amount to charge:
 * above MAX_AMOUNT it is refused (AMOUNT_TOO_LARGE), whatever the amount was in `from`.
 */
export function convert(minor: bigint, from: string, to: string): bigint {
  let out = minor;
  if (from !== to) {
    const rf = PER_EUR[from];
    const rt = PER_EUR[to];
    if (!rf || !rt) throw new CoreError('CURRENCY_UNSUPPORTED', `no rate for ${rf ? to : from}`);
    const ef = 10n ** BigInt(currencyInfo(from).exponent);
    const et = 10n ** BigInt(currencyInfo(to).exponent);
    out = divRound(minor * rt * et, rf * ef);
  }
  if (out > MAX_AMOUNT) throw new CoreError('AMOUNT_TOO_LARGE', `the amount is more than ${MAX_AMOUNT} minor units of ${to}`);
  return out;
}

/** `{base, rates}` for `amount` units of `base`, each rate a decimal string with four places. */
export function ratesFor(base: string, amount: bigint): Record<string, string> {
  const rb = PER_EUR[base];
  if (!rb) throw new CoreError('CURRENCY_UNSUPPORTED', `no rate for ${base}`);
  const out: Record<string, string> = {};
  for (const [cur, r] of Object.entries(PER_EUR)) {
    if (cur === base) continue;
    const scaled = divRound(amount * r * 10000n, rb); // × 10^4
    const s = scaled.toString().padStart(5, '0');
    out[cur] = `${s.slice(0, -4)}.${s.slice(-4)}`;
  }
  return out;
}
