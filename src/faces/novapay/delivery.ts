// Nova Poshta for NovaPay's secure (delivery) payments: the `/delivery-info` proxy (answered from the
// built-in reference data, or passed through to the real Nova Poshta API when NOVAPOSHTA_API_KEY is set),
// the delivery price (with the secure-payment charge), and the simulated tracking of express waybills.
import { formatMajor, parseMajor, percentOf, toWireNumber } from '../../core/money.js';
import {
  CARGO_TYPES,
  CITIES,
  findCity,
  findWarehouse,
  KYIV,
  WAREHOUSES,
  WAREHOUSE_TYPES,
  type NpCity,
  type NpWarehouse,
} from './np-data.js';
import { compareDecimal, isObject, scaleUp } from './validate.js';

export const NOVAPOSHTA_URL = 'https://api.novaposhta.ua/v2.0/json/';
const PASSTHROUGH_TIMEOUT_MS = 10_000;

export function novaposhtaApiKey(): string | undefined {
  const k = process.env.NOVAPOSHTA_API_KEY?.trim();
  return k ? k : undefined;
}

// ---------------------------------------------------------------------------------- envelope

export interface NpEnvelope {
  success: boolean;
  data: unknown[];
  errors: string[];
  warnings: string[];
  info: { totalCount: number } | unknown[];
  messageCodes: string[];
  errorCodes: string[];
  warningCodes: string[];
  infoCodes: string[];
}

export function npOk(data: unknown[], totalCount = data.length): NpEnvelope {
  return {
    success: true,
    data,
    errors: [],
    warnings: [],
    info: { totalCount },
    messageCodes: [],
    errorCodes: [],
    warningCodes: [],
    infoCodes: [],
  };
}

export function npError(message: string, code: string): NpEnvelope {
  return {
    success: false,
    data: [],
    errors: [message],
    warnings: [],
    info: [],
    messageCodes: [],
    errorCodes: [code],
    warningCodes: [],
    infoCodes: [],
  };
}

// -------------------------------------------------------------------------- reference answers

type Props = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function paging(props: Props, total: number): { start: number; end: number } | null {
  const limitText = text(props.Limit);
  const pageText = text(props.Page);
  if (limitText !== undefined && limitText !== '' && !/^\d{1,6}$/.test(limitText)) return null;
  if (pageText !== undefined && pageText !== '' && !/^\d{1,6}$/.test(pageText)) return null;
  const limit = limitText ? Number(limitText) : 0;
  const page = Math.max(1, pageText ? Number(pageText) : 1);
  if (!limit) return { start: 0, end: total };
  const start = (page - 1) * limit;
  return { start, end: Math.min(total, start + limit) };
}

function matches(needle: string, ...hay: string[]): boolean {
  const n = needle.toLocaleLowerCase('uk');
  return hay.some((h) => h.toLocaleLowerCase('uk').includes(n));
}

function getCities(props: Props): NpEnvelope {
  const ref = text(props.Ref);
  const find = text(props.FindByString);
  let list: NpCity[] = CITIES;
  if (ref) list = list.filter((c) => c.Ref === ref);
  if (find) list = list.filter((c) => matches(find, c.Description, c.DescriptionRu));
  const page = paging(props, list.length);
  if (!page) return npError('Limit and Page must be numbers', '20000900746');
  return npOk(list.slice(page.start, page.end), list.length);
}

function getWarehouses(props: Props): NpEnvelope {
  const cityRef = text(props.CityRef);
  const cityName = text(props.CityName);
  const typeRef = text(props.TypeOfWarehouseRef);
  const find = text(props.FindByString);
  const ref = text(props.Ref);
  const number = text(props.WarehouseId);
  let list: NpWarehouse[] = WAREHOUSES;
  if (cityRef) list = list.filter((w) => w.CityRef === cityRef);
  if (cityName) list = list.filter((w) => matches(cityName, w.CityDescription, w.CityDescriptionRu));
  if (typeRef) list = list.filter((w) => w.TypeOfWarehouse === typeRef);
  if (ref) list = list.filter((w) => w.Ref === ref);
  if (number) list = list.filter((w) => w.Number === number);
  if (find) list = list.filter((w) => matches(find, w.Description, w.DescriptionRu));
  const page = paging(props, list.length);
  if (!page) return npError('Limit and Page must be numbers', '20000900746');
  return npOk(list.slice(page.start, page.end), list.length);
}

const PACKS = [
  {
    Ref: '1499fa4a-d26e-11e1-95e4-0026b97ed48a',
    Description: 'Коробка (0,5 кг) пласка',
    DescriptionRu: 'Коробка (0,5 кг) плоская',
    Length: '240.0',
    Width: '170.0',
    Height: '20.0',
    VolumetricWeight: '0.50',
    TypeOfPacking: '',
    PackagingForPlace: '0',
    Cost: '15.00',
  },
  {
    Ref: '1499fa4b-d26e-11e1-95e4-0026b97ed48a',
    Description: 'Коробка (2 кг) стандартна',
    DescriptionRu: 'Коробка (2 кг) стандартная',
    Length: '340.0',
    Width: '240.0',
    Height: '100.0',
    VolumetricWeight: '2.00',
    TypeOfPacking: '',
    PackagingForPlace: '0',
    Cost: '25.00',
  },
  {
    Ref: '1499fa4c-d26e-11e1-95e4-0026b97ed48a',
    Description: 'Коробка (10 кг) стандартна',
    DescriptionRu: 'Коробка (10 кг) стандартная',
    Length: '400.0',
    Width: '350.0',
    Height: '300.0',
    VolumetricWeight: '10.00',
    TypeOfPacking: '',
    PackagingForPlace: '0',
    Cost: '45.00',
  },
];

// ------------------------------------------------------------------------------------ prices

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

export class PriceError extends Error {}

/** The price of a secure payment's delivery to a warehouse, from the reference data. */
export function referencePrice(
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

function toUah(kopecks: bigint): number {
  return toWireNumber(kopecks, 'UAH');
}

function getDocumentPrice(props: Props): NpEnvelope {
  const sender = text(props.CitySender) ?? '';
  const recipient = text(props.CityRecipient) ?? '';
  if (!findCity(sender)) return npError('CitySender is not specified or not found', '20000200044');
  if (!findCity(recipient)) return npError('CityRecipient is not specified or not found', '20000200045');
  const weight = text(props.Weight) ?? '';
  if (!/^\d{1,6}(\.\d{1,6})?$/.test(weight) || compareDecimal(weight, '0') <= 0) return npError('Weight is not specified', '20000200066');
  const costText = text(props.Cost) ?? '';
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(costText)) return npError('Cost is not specified', '20000200071');
  const cost = parseMajor(costText, 'UAH');
  const volume = text(props.VolumeGeneral);
  const seats = Number(text(props.SeatsAmount) ?? '1') || 1;
  const secure = text(props.MarketPlaceSecurePayment) === '1' || props.MarketPlaceSecurePayment === true;
  const redeliveryProps = isObject(props.RedeliveryCalculate) ? props.RedeliveryCalculate : undefined;
  const redeliveryText = redeliveryProps ? text(redeliveryProps.Amount) : undefined;
  const redelivery = redeliveryText && /^\d{1,9}(\.\d{1,2})?$/.test(redeliveryText) ? parseMajor(redeliveryText, 'UAH') : null;
  const packProps = isObject(props.PackCalculate) ? props.PackCalculate : undefined;
  const packs = packProps ? Number(text(packProps.PackCount) ?? '0') || 0 : 0;
  const price = tariff({
    senderCity: sender,
    recipientCity: recipient,
    cost,
    weight,
    volume: volume && /^\d{1,6}(\.\d{1,6})?$/.test(volume) ? volume : undefined,
    secure,
    seats,
    redelivery,
    packs,
  });
  const row: Record<string, unknown> = { AssessedCost: toUah(cost), Cost: toUah(price.cost) };
  if (price.redelivery !== null) row.CostRedelivery = toUah(price.redelivery);
  if (price.pack !== null) row.CostPack = toUah(price.pack);
  row.TZoneInfo = { TzoneName: sender === recipient ? 'Місто' : 'Україна', TzoneID: sender === recipient ? '1' : '3' };
  return npOk([row]);
}

/** Answers a Nova Poshta call from the built-in reference data, in Nova Poshta's envelope. */
export function referenceAnswer(modelName: string, calledMethod: string, props: Props): NpEnvelope {
  const model = modelName.toLowerCase();
  const method = calledMethod;
  const address = model === 'address' || model === 'addressgeneral';
  if (address && method === 'getCities') return getCities(props);
  if (address && method === 'getWarehouses') return getWarehouses(props);
  if (address && method === 'getWarehouseTypes') return npOk(WAREHOUSE_TYPES);
  if (model === 'common' && method === 'getCargoTypes') return npOk(CARGO_TYPES);
  if (model === 'common' && method === 'getPackList') return npOk(PACKS);
  if (model === 'common' && method === 'getWarehouseTypes') return npOk(WAREHOUSE_TYPES);
  if (model === 'internetdocument' && method === 'getDocumentPrice') return getDocumentPrice(props);
  return npError(`Method ${modelName}/${calledMethod} is not available`, '20000100003');
}

/** Calls the real Nova Poshta API with the configured key (never inside a store transaction). */
export async function passThrough(apiKey: string, modelName: string, calledMethod: string, props: Props): Promise<string> {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), PASSTHROUGH_TIMEOUT_MS);
  try {
    const res = await fetch(NOVAPOSHTA_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey, modelName, calledMethod, methodProperties: props }),
      signal: ctl.signal,
    });
    const body = await res.text();
    JSON.parse(body);
    return body;
  } catch (e) {
    return JSON.stringify(npError(`Nova Poshta is unreachable: ${e instanceof Error ? e.message : String(e)}`, '20000000001'));
  } finally {
    clearTimeout(t);
  }
}

/** The delivery price through the real Nova Poshta API (getDocumentPrice with MarketPlaceSecurePayment). */
export async function remotePrice(
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
