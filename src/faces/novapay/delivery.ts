// Secure (delivery) payments through Nova Poshta: the delivery price (with the secure-payment charge) from the
// reference data or the real Nova Poshta API, the simulated tracking of express waybills, and the printable
// express waybill.
import { formatMajor, parseMajor } from '../../core/money.js';
import { compareDecimal } from './decimal.js';
import { findCity, findWarehouse, KYIV } from './np-data.js';
import { novaposhtaApiKey, passThrough } from './novaposhta.js';
import { barsFor, renderPdf } from './pdf.js';
import type { NovapaySession } from './store.js';
import { tariff, type Price } from './tariff.js';
import { CURRENCY } from './wire.js';

export class PriceError extends Error {}

/** The price of a secure payment's delivery to a warehouse, from the reference data. */
function referencePrice(
  senderCity: string,
  recipientCity: string,
  recipientWarehouse: string,
  cost: bigint,
  weight: string,
  volume: string | undefined,
): Price {
  if (!findCity(senderCity)) throw new PriceError('unknown sender city');
  if (!findCity(recipientCity)) throw new PriceError('unknown recipient city');
  const w = findWarehouse(recipientWarehouse);
  if (!w || w.CityRef !== recipientCity) throw new PriceError('the warehouse is not in the recipient city');
  const placeMax = Number(w.PlaceMaxWeightAllowed) || Number(w.TotalMaxWeightAllowed) || 0;
  if (placeMax > 0 && compareDecimal(weight, String(placeMax)) > 0) throw new PriceError('the package is too heavy for the warehouse');
  return tariff({ senderCity, recipientCity, cost, weight, volume, secure: true });
}

/** The delivery price through the real Nova Poshta API (getDocumentPrice with MarketPlaceSecurePayment). */
async function remotePrice(
  apiKey: string,
  senderCity: string,
  recipientCity: string,
  cost: bigint,
  weight: string,
  volume: string | undefined,
): Promise<bigint> {
  const body = await passThrough(apiKey, 'InternetDocument', 'getDocumentPrice', {
    CitySender: senderCity,
    CityRecipient: recipientCity,
    Weight: weight,
    ServiceType: 'WarehouseWarehouse',
    Cost: formatMajor(cost, 'UAH'),
    CargoType: 'Parcel',
    SeatsAmount: '1',
    ...(volume ? { VolumeGeneral: volume } : {}),
    MarketPlaceSecurePayment: 1,
  });
  const j = JSON.parse(body) as { success?: boolean; data?: Array<{ Cost?: unknown }> };
  const c = j.success ? j.data?.[0]?.Cost : undefined;
  if (typeof c !== 'number' && typeof c !== 'string') throw new PriceError('Nova Poshta gave no price');
  const text = String(c);
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text)) throw new PriceError('Nova Poshta gave an unreadable price');
  return parseMajor(text, 'UAH');
}

export async function deliveryPrice(
  senderCity: string,
  recipientCity: string,
  recipientWarehouse: string,
  cost: bigint,
  weight: string,
  volume: string | undefined,
): Promise<bigint> {
  const key = novaposhtaApiKey();
  if (key) return remotePrice(key, senderCity, recipientCity, cost, weight, volume);
  return referencePrice(senderCity, recipientCity, recipientWarehouse, cost, weight, volume).cost;
}

export const DEFAULT_SENDER_CITY = KYIV;

// ----------------------------------------------------------------------------------- tracking

/** Nova Poshta TrackingDocument status codes the simulated parcel goes through. */
export interface TrackingStep {
  code: string;
  text: (from: string, to: string) => string;
  /** how long the parcel stays in this state before the next one (ms) */
  stayMs: number;
}

const HOUR = 3_600_000;

export const TRACKING: TrackingStep[] = [
  { code: '1', text: () => 'Відправник самостійно створив цю накладну, але ще не надав до відправки', stayMs: 2 * HOUR },
  { code: '4', text: (from) => `Відправлення у місті ${from}`, stayMs: 6 * HOUR },
  { code: '5', text: (_from, to) => `Відправлення прямує до міста ${to}`, stayMs: 12 * HOUR },
  {
    code: '6',
    text: (_from, to) => `Відправлення у місті ${to}, орієнтовна доставка до відділення. Очікуйте додаткове повідомлення про прибуття`,
    stayMs: 6 * HOUR,
  },
  { code: '7', text: () => 'Прибув на відділення', stayMs: 24 * HOUR },
  { code: '9', text: () => 'Відправлення отримано', stayMs: 0 },
];

export function cityName(ref: string): string {
  return findCity(ref)?.Description ?? ref;
}

export function warehouseName(ref: string): string | null {
  return findWarehouse(ref)?.Description ?? null;
}

/** The printable express waybill of a confirmed secure payment (one A4 page). */
export function waybillPdf(s: NovapaySession, merchant: string, senderCity: string, now: number): Buffer {
  const d = s.delivery!;
  const total = (s.amount ?? 0n) + (s.deliveryAmount ?? 0n);
  const lines = [
    { text: 'NOVA POSHTA - EXPRESS WAYBILL', x: 50, y: 780, size: 18, bold: true },
    { text: `No. ${s.expressWaybill}`, x: 50, y: 752, size: 14, bold: true },
    { text: `Created: ${new Date(now).toISOString().slice(0, 10)}   Ref: ${s.waybillRef}`, x: 50, y: 734, size: 9 },
    { text: 'Sender', x: 50, y: 690, size: 12, bold: true },
    { text: merchant, x: 50, y: 672 },
    { text: `City: ${senderCity}`, x: 50, y: 656 },
    { text: 'Recipient', x: 300, y: 690, size: 12, bold: true },
    { text: [s.clientLastName, s.clientFirstName, s.clientPatronymic].filter(Boolean).join(' ') || '-', x: 300, y: 672 },
    { text: `Phone: ${s.clientPhone ?? '-'}`, x: 300, y: 656 },
    { text: `City: ${cityName(d.recipient_city) || '-'}`, x: 300, y: 640 },
    { text: `Warehouse: ${warehouseName(d.recipient_warehouse) ?? '-'}`, x: 300, y: 624, size: 9 },
    { text: 'Parcel', x: 50, y: 590, size: 12, bold: true },
    { text: `Weight: ${d.weight} kg   Volume: ${d.volume_weight} m3   Seats: 1`, x: 50, y: 572 },
    {
      text: `Declared value: ${formatMajor(s.amount ?? 0n, CURRENCY)} UAH   Delivery: ${formatMajor(s.deliveryAmount ?? 0n, CURRENCY)} UAH`,
      x: 50,
      y: 556,
    },
    { text: `Secure payment (NovaPay) session ${s.id}: ${formatMajor(total, CURRENCY)} UAH held`, x: 50, y: 540, size: 9 },
    { text: 'Sandbox document generated by Polypay - not valid for shipping.', x: 50, y: 60, size: 8 },
  ];
  return renderPdf({
    title: `Express waybill ${s.expressWaybill}`,
    lines,
    rules: [
      { x1: 50, y1: 715, x2: 545, y2: 715 },
      { x1: 50, y1: 610, x2: 545, y2: 610 },
      { x1: 50, y1: 520, x2: 545, y2: 520 },
    ],
    bars: barsFor(s.expressWaybill ?? '', 50, 440, 50),
  });
}
