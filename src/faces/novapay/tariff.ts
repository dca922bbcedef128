// The sandbox delivery tariff of Nova Poshta parcels (documented in docs/novapay.md), in kopecks, from exact
// decimal weights.
import { percentOf } from '../../core/money.js';
import { scaleUp } from './decimal.js';

export interface PriceInput {
  senderCity: string;
  recipientCity: string;
  /** declared value (goods amount) in kopecks */
  cost: bigint;
  /** kilograms, decimal text */
  weight: string;
  /** cubic metres, decimal text (Nova Poshta counts 250 kg per m³) */
  volume?: string | undefined;
  secure: boolean;
  seats?: number;
  redelivery?: bigint | null;
  packs?: number;
}

export interface Price {
  /** delivery cost in kopecks (with the secure-payment charge when asked for) */
  cost: bigint;
  redelivery: bigint | null;
  pack: bigint | null;
}

/**
 * The sandbox tariff (documented in docs/novapay.md): 60 UAH within a city, 80 UAH between cities for the
 * first 2 kg of chargeable weight, then 5 / 7 UAH for each started kilogram; 0.5% of the declared value;
 * with MarketPlaceSecurePayment 1% of the declared value plus 15 UAH more.
 */
export function tariff(p: PriceInput): Price {
  const grams = scaleUp(p.weight, 3);
  // Nova Poshta counts 250 kg per m³: 10^-6 m³ weighs 0.25 g
  const volumeGrams = p.volume ? (scaleUp(p.volume, 6) * 250n + 999n) / 1000n : 0n;
  const chargeable = grams > volumeGrams ? grams : volumeGrams;
  const sameCity = p.senderCity === p.recipientCity;
  const seats = BigInt(Math.max(1, p.seats ?? 1));
  let cost = (sameCity ? 6000n : 8000n) * seats;
  if (chargeable > 2000n) {
    const extraKg = (chargeable - 2000n + 999n) / 1000n;
    cost += extraKg * (sameCity ? 500n : 700n);
  }
  cost += percentOf(p.cost, 50n);
  if (p.secure) cost += percentOf(p.cost, 100n) + 1500n;
  const redelivery = p.redelivery ? percentOf(p.redelivery, 200n) + 2000n : null;
  const pack = p.packs ? BigInt(p.packs) * 1500n : null;
  return { cost, redelivery, pack };
}
