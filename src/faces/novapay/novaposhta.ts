// Nova Poshta's API as NovaPay's `/delivery-info` proxies it: answered from the built-in reference data (np-data.ts),
// or passed through to the real Nova Poshta API when NOVAPOSHTA_API_KEY is set, in Nova Poshta's envelope.
import { parseMajor, toWireNumber } from '../../core/money.js';
import { isPlainObject } from '../kit/fields.js';
import { compareDecimal } from './decimal.js';
import { CARGO_TYPES, CITIES, findCity, WAREHOUSES, WAREHOUSE_TYPES } from './np-data.js';
import type { NpCity, NpWarehouse } from './np-records.js';
import { tariff } from './tariff.js';

const NOVAPOSHTA_URL = 'https://api.novaposhta.ua/v2.0/json/';
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

function npOk(data: unknown[], totalCount = data.length): NpEnvelope {
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

function npError(message: string, code: string): NpEnvelope {
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
  const redeliveryProps = isPlainObject(props.RedeliveryCalculate) ? props.RedeliveryCalculate : undefined;
  const redeliveryText = redeliveryProps ? text(redeliveryProps.Amount) : undefined;
  const redelivery = redeliveryText && /^\d{1,9}(\.\d{1,2})?$/.test(redeliveryText) ? parseMajor(redeliveryText, 'UAH') : null;
  const packProps = isPlainObject(props.PackCalculate) ? props.PackCalculate : undefined;
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
