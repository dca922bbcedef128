// The records of Nova Poshta's reference data as `/delivery-info` answers them (a city, a warehouse with its weekly
// hours) and what np-data.ts builds them from: the settlement types, a city record, a week's hours, and the stable
// sandbox ref of a record whose real Nova Poshta ref we could not confirm.
import { createHash } from 'node:crypto';

export interface NpCity {
  Description: string;
  DescriptionRu: string;
  Ref: string;
  Delivery1: string;
  Delivery2: string;
  Delivery3: string;
  Delivery4: string;
  Delivery5: string;
  Delivery6: string;
  Delivery7: string;
  Area: string;
  SettlementType: string;
  IsBranch: string;
  PreventEntryNewStreetsUser: string | null;
  Conglomerates: string[] | null;
  CityID: string;
  SettlementTypeDescriptionRu: string;
  SettlementTypeDescription: string;
  SpecialCashCheck: number;
}

export type DayHours = {
  Monday: string;
  Tuesday: string;
  Wednesday: string;
  Thursday: string;
  Friday: string;
  Saturday: string;
  Sunday: string;
};

export interface NpWarehouse {
  SiteKey: string;
  Description: string;
  DescriptionRu: string;
  ShortAddress: string;
  ShortAddressRu: string;
  Phone: string;
  TypeOfWarehouse: string;
  Ref: string;
  Number: string;
  CityRef: string;
  CityDescription: string;
  CityDescriptionRu: string;
  SettlementRef: string;
  SettlementDescription: string;
  SettlementAreaDescription: string;
  SettlementRegionsDescription: string;
  SettlementTypeDescription: string;
  SettlementTypeDescriptionRu: string;
  Longitude: string;
  Latitude: string;
  PostFinance: string;
  BicycleParking: string;
  PaymentAccess: string;
  POSTerminal: string;
  InternationalShipping: string;
  SelfServiceWorkplacesCount: string;
  TotalMaxWeightAllowed: string;
  PlaceMaxWeightAllowed: string;
  Reception: DayHours;
  Delivery: DayHours;
  Schedule: DayHours;
  DistrictCode: string;
  WarehouseStatus: string;
  WarehouseStatusDate: string;
  CategoryOfWarehouse: string;
}

/** A stable UUID-shaped ref for records whose real Nova Poshta ref we could not confirm. */
export function sandboxRef(name: string): string {
  const h = createHash('sha1')
    .update('polypay-np:' + name)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// settlement types (NP refs)
const CITY_TYPE = '563ced10-f210-11e3-8c4a-0050568002cf';
const VILLAGE_TYPE = '563ced13-f210-11e3-8c4a-0050568002cf';

/** A city (or village) record as `getCities` answers it. */
export function city(
  Description: string,
  DescriptionRu: string,
  Ref: string,
  Area: string,
  CityID: string,
  type: 'city' | 'village' = 'city',
  delivery7 = '1',
): NpCity {
  return {
    Description,
    DescriptionRu,
    Ref,
    Delivery1: '1',
    Delivery2: '1',
    Delivery3: '1',
    Delivery4: '1',
    Delivery5: '1',
    Delivery6: '1',
    Delivery7: delivery7,
    Area,
    SettlementType: type === 'city' ? CITY_TYPE : VILLAGE_TYPE,
    IsBranch: type === 'city' ? '1' : '0',
    PreventEntryNewStreetsUser: null,
    Conglomerates: null,
    CityID,
    SettlementTypeDescriptionRu: type === 'city' ? 'город' : 'село',
    SettlementTypeDescription: type === 'city' ? 'місто' : 'село',
    SpecialCashCheck: 1,
  };
}

/** A week's hours: one range Monday to Friday, then Saturday's and Sunday's. */
export const WEEK = (weekday: string, saturday: string, sunday: string): DayHours => ({
  Monday: weekday,
  Tuesday: weekday,
  Wednesday: weekday,
  Thursday: weekday,
  Friday: weekday,
  Saturday: saturday,
  Sunday: sunday,
});
