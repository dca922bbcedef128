// A small Nova Poshta reference data set for `/delivery-info` when no Nova Poshta API key is configured:
// the largest Ukrainian cities and some of their branches, with Nova Poshta's own refs where they are
// publicly known (city refs, area refs, settlement types, warehouse types, and several branches), and
// the documented Агрономічне record byte for byte. Refs we could not confirm are stable sandbox UUIDs
// derived from the record's name (`sandboxRef`); docs/novapay.md lists which is which. The records' shapes and
// builders are np-records.ts.
import { city, sandboxRef, WEEK, type NpCity, type NpWarehouse } from './np-records.js';

// warehouse types (NP refs, AddressGeneral/getWarehouseTypes)
export const WAREHOUSE_TYPES = [
  { Description: 'Parcel Shop', DescriptionRu: 'Parcel Shop', Ref: '6f8c7162-4b72-4b0a-88e5-906948c6a92f' },
  { Description: 'Поштове відділення', DescriptionRu: 'Почтовое отделение', Ref: '841339c7-591a-42e2-8233-7a0a00f0ed6f' },
  { Description: 'Поштомат приват банку', DescriptionRu: 'Почтомат приват банка', Ref: '95dc212d-479c-4ffb-a8ab-8c1b9073d0bc' },
  { Description: 'Вантажне відділення', DescriptionRu: 'Грузовое отделение', Ref: '9a68df70-0267-42a8-bb5c-37f427e36ee4' },
  { Description: 'Поштомат', DescriptionRu: 'Почтомат', Ref: 'f9316480-5f2d-425d-bc2c-ac7cd29decf0' },
];
const BRANCH = '841339c7-591a-42e2-8233-7a0a00f0ed6f';
const CARGO = '9a68df70-0267-42a8-bb5c-37f427e36ee4';

export const CARGO_TYPES = [
  { Description: 'Вантаж', Ref: 'Cargo' },
  { Description: 'Документи', Ref: 'Documents' },
  { Description: 'Шини-диски', Ref: 'TiresWheels' },
  { Description: 'Палети', Ref: 'Pallet' },
  { Description: 'Посилка', Ref: 'Parcel' },
];

export const KYIV = '8d5a980d-391c-11dd-90d9-001a92567626';
const KHARKIV = 'db5c88e0-391c-11dd-90d9-001a92567626';
const ODESA = 'db5c88d0-391c-11dd-90d9-001a92567626';
const DNIPRO = 'db5c88f0-391c-11dd-90d9-001a92567626';
const LVIV = 'db5c88f5-391c-11dd-90d9-001a92567626';
const ZAPORIZHZHIA = 'db5c88c6-391c-11dd-90d9-001a92567626';
const AGRONOMICHNE = 'ebc0eda9-93ec-11e3-b441-0050568002cf';

export const CITIES: NpCity[] = [
  city('Київ', 'Киев', KYIV, '71508131-9b87-11de-822f-000c2965ae0e', '4', 'city', '0'),
  city('Харків', 'Харьков', KHARKIV, '7150813b-9b87-11de-822f-000c2965ae0e', '2'),
  city('Одеса', 'Одесса', ODESA, '71508136-9b87-11de-822f-000c2965ae0e', '3'),
  city('Дніпро', 'Днепр', DNIPRO, '7150812b-9b87-11de-822f-000c2965ae0e', '5'),
  city('Львів', 'Львов', LVIV, '71508134-9b87-11de-822f-000c2965ae0e', '6'),
  city('Запоріжжя', 'Запорожье', ZAPORIZHZHIA, '7150812f-9b87-11de-822f-000c2965ae0e', '7'),
  // the documented record (`/delivery-info` example), exactly as NovaPay's QE host answered it
  city('Агрономічне', 'Агрономичное', AGRONOMICHNE, '71508129-9b87-11de-822f-000c2965ae0e', '890', 'village', '0'),
];

const AREA_NAMES: Record<string, [string, string]> = {
  [KYIV]: ['Київська', 'місто'],
  [KHARKIV]: ['Харківська', 'місто'],
  [ODESA]: ['Одеська', 'місто'],
  [DNIPRO]: ['Дніпропетровська', 'місто'],
  [LVIV]: ['Львівська', 'місто'],
  [ZAPORIZHZHIA]: ['Запорізька', 'місто'],
};

const SETTLEMENTS: Record<string, string> = {
  [KYIV]: 'e718a680-4b33-11e4-ab6d-005056801329',
  [LVIV]: 'e71abb60-4b33-11e4-ab6d-005056801329',
};

interface WarehouseSeed {
  city: string;
  number: string;
  ua: string;
  ru: string;
  street: [string, string];
  ref?: string;
  siteKey?: string;
  type?: string;
  lon: string;
  lat: string;
  totalMax?: string;
  placeMax?: string;
}

function warehouse(w: WarehouseSeed): NpWarehouse {
  const c = CITIES.find((x) => x.Ref === w.city)!;
  const [area] = AREA_NAMES[w.city] ?? ['', 'місто'];
  return {
    SiteKey: w.siteKey ?? String(20000 + Number(w.number)),
    Description: w.ua,
    DescriptionRu: w.ru,
    ShortAddress: `${c.Description}, ${w.street[0]}`,
    ShortAddressRu: `${c.DescriptionRu}, ${w.street[1]}`,
    Phone: '380800500609',
    TypeOfWarehouse: w.type ?? BRANCH,
    Ref: w.ref ?? sandboxRef(`${c.Description} ${w.ua}`),
    Number: w.number,
    CityRef: c.Ref,
    CityDescription: c.Description,
    CityDescriptionRu: c.DescriptionRu,
    SettlementRef: SETTLEMENTS[c.Ref] ?? sandboxRef(`settlement ${c.Description}`),
    SettlementDescription: c.Description,
    SettlementAreaDescription: area,
    SettlementRegionsDescription: '',
    SettlementTypeDescription: 'місто',
    SettlementTypeDescriptionRu: 'город',
    Longitude: w.lon,
    Latitude: w.lat,
    PostFinance: '1',
    BicycleParking: '0',
    PaymentAccess: '1',
    POSTerminal: '1',
    InternationalShipping: '1',
    SelfServiceWorkplacesCount: '1',
    TotalMaxWeightAllowed: w.totalMax ?? '0',
    PlaceMaxWeightAllowed: w.placeMax ?? '30',
    Reception: WEEK('08:00-21:00', '09:00-18:00', '09:00-18:00'),
    Delivery: WEEK('08:00-21:00', '09:00-18:00', '09:00-18:00'),
    Schedule: WEEK('08:00-21:00', '09:00-18:00', '09:00-18:00'),
    DistrictCode: `в${w.number}`,
    WarehouseStatus: 'Working',
    WarehouseStatusDate: '2022-03-22 00:00:00',
    CategoryOfWarehouse: 'Branch',
  };
}

export const WAREHOUSES: NpWarehouse[] = [
  warehouse({
    city: KYIV,
    number: '1',
    ua: 'Відділення №1: вул. Пирогівський шлях, 135',
    ru: 'Отделение №1: ул. Пироговский путь, 135',
    street: ['Пирогівський шлях, 135', 'Пироговский путь, 135'],
    ref: '1ec09d88-e1c2-11e3-8c4a-0050568002cf',
    siteKey: '105',
    type: CARGO,
    lon: '30.542884000000000',
    lat: '50.354786000000000',
    placeMax: '1100',
  }),
  warehouse({
    city: KYIV,
    number: '181',
    ua: 'Відділення №181 (до 30 кг на одне місце): вул. Кирилівська, 64',
    ru: 'Отделение №181 (до 30 кг на одно место): ул. Кириловская, 64',
    street: ['Кирилівська, 64', 'Кириловская, 64'],
    ref: '16d300ea-8501-11e4-acce-0050568002cf',
    siteKey: '10928',
    lon: '30.494373000000000',
    lat: '50.474545000000000',
  }),
  warehouse({
    city: KYIV,
    number: '375',
    ua: 'Відділення №375 (до 30 кг): вул. Євгена Сверстюка, 11Б',
    ru: 'Отделение №375 (до 30 кг): ул. Евгения Сверстюка, 11Б',
    street: ['Євгена Сверстюка, 11Б', 'Евгения Сверстюка, 11Б'],
    ref: 'e1580458-560e-11e5-8d8d-005056887b8d',
    siteKey: '13111',
    lon: '30.599890040970000',
    lat: '50.449897412453000',
    totalMax: '30',
    placeMax: '0',
  }),
  warehouse({
    city: KHARKIV,
    number: '1',
    ua: 'Відділення №1: вул. Польова, 67',
    ru: 'Отделение №1: ул. Полевая, 67',
    street: ['Польова, 67', 'Полевая, 67'],
    type: CARGO,
    lon: '36.227735000000000',
    lat: '49.957440000000000',
    placeMax: '1100',
  }),
  warehouse({
    city: KHARKIV,
    number: '3',
    ua: 'Відділення №3: вул. Тюрінська, 124',
    ru: 'Отделение №3: ул. Тюринская, 124',
    street: ['Тюрінська, 124', 'Тюринская, 124'],
    lon: '36.320134000000000',
    lat: '49.968140000000000',
  }),
  warehouse({
    city: ODESA,
    number: '1',
    ua: 'Відділення №1: Київське шосе, 27',
    ru: 'Отделение №1: Киевское шоссе, 27',
    street: ['Київське шосе, 27', 'Киевское шоссе, 27'],
    type: CARGO,
    lon: '30.676421000000000',
    lat: '46.440340000000000',
    placeMax: '1100',
  }),
  warehouse({
    city: ODESA,
    number: '2',
    ua: 'Відділення №2: вул. Базова, 16 (Промринок, 7 км)',
    ru: 'Отделение №2: ул. Базовая, 16 (Промрынок, 7 км)',
    street: ['Базова, 16', 'Базовая, 16'],
    lon: '30.637312000000000',
    lat: '46.507834000000000',
  }),
  warehouse({
    city: DNIPRO,
    number: '1',
    ua: 'Відділення №1: вул. Маршала Малиновського, 114',
    ru: 'Отделение №1: ул. Маршала Малиновского, 114',
    street: ['Маршала Малиновського, 114', 'Маршала Малиновского, 114'],
    type: CARGO,
    lon: '35.019340000000000',
    lat: '48.513170000000000',
    placeMax: '1100',
  }),
  warehouse({
    city: LVIV,
    number: '1',
    ua: 'Відділення №1: вул. Городоцька, 359',
    ru: 'Отделение №1: ул. Городоцкая, 359',
    street: ['Городоцька, 359', 'Городоцкая, 359'],
    ref: '1ec09d2e-e1c2-11e3-8c4a-0050568002cf',
    type: CARGO,
    lon: '23.930125000000000',
    lat: '49.820148000000000',
    placeMax: '1100',
  }),
  warehouse({
    city: LVIV,
    number: '3',
    ua: 'Відділення №3: вул. Угорська, 22',
    ru: 'Отделение №3: ул. Угорская, 22',
    street: ['Угорська, 22', 'Угорская, 22'],
    lon: '24.036920000000000',
    lat: '49.806512000000000',
  }),
  warehouse({
    city: LVIV,
    number: '5',
    ua: 'Відділення №5: вул. Зелена, 147',
    ru: 'Отделение №5: ул. Зеленая, 147',
    street: ['Зелена, 147', 'Зеленая, 147'],
    lon: '24.063250000000000',
    lat: '49.818680000000000',
  }),
  warehouse({
    city: ZAPORIZHZHIA,
    number: '16',
    ua: 'Відділення №16 (до 30 кг на одне місце): просп. Соборний, 84',
    ru: 'Отделение №16 (до 30 кг на одно место): просп. Соборный, 84',
    street: ['Соборний, 84', 'Соборный, 84'],
    lon: '35.159640000000000',
    lat: '47.838180000000000',
  }),
];

export function findCity(ref: string): NpCity | undefined {
  return CITIES.find((c) => c.Ref === ref);
}

export function findWarehouse(ref: string): NpWarehouse | undefined {
  return WAREHOUSES.find((w) => w.Ref === ref);
}
