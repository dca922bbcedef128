// The CloudKassir receipt Model (`/kkt/receipt/get`): the receipt's contents as the documented response shows them
// (Email, Phone, Items with their documented keys, TaxationSystem, Amounts, IsBso) and its AdditionalData (the
// fiscal details; the sandbox registers no receipt with a tax authority, so the fiscal numbers are null). Keys of the
// stored CustomerReceipt are read case-insensitively, as the API reads them.
import { parseMajor, toWireNumber } from '../../../core/money.js';
import type { Json, JsonObject } from '../../../core/model.js';
import { cpIso } from './formats.js';

/** A key of a JSON object, case-insensitively (null when absent). */
function pick(o: unknown, name: string): Json {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(o as JsonObject)) if (k.toLowerCase() === lower && v !== undefined) return v;
  return null;
}

function itemModel(i: unknown): JsonObject {
  return {
    Label: pick(i, 'label'),
    Price: pick(i, 'price'),
    Quantity: pick(i, 'quantity'),
    Amount: pick(i, 'amount'),
    Department: pick(i, 'department'),
    Vat: pick(i, 'vat'),
    EAN13: pick(i, 'ean13'),
    AgentSign: pick(i, 'agentSign'),
    Method: pick(i, 'method') ?? 0,
    Object: pick(i, 'object') ?? 0,
    MeasurementUnit: pick(i, 'measurementUnit'),
    AgentData: pick(i, 'agentData'),
    PurveyorData: pick(i, 'purveyorData'),
  };
}

/** The receipt's total: the sum of its items' amounts, exactly (in minor units, shown in major units). */
function total(items: Json[]): number | null {
  try {
    let sum = 0n;
    for (const i of items) {
      const a = pick(i, 'amount');
      if (typeof a !== 'number') return null;
      sum += parseMajor(a, 'RUB', 'half-up');
    }
    return toWireNumber(sum, 'RUB');
  } catch {
    return null;
  }
}

/** A receipt as /kkt/receipt made it. */
export interface ReceiptView {
  id: string;
  type: string;
  inn: string;
  invoiceId: string | null;
  accountId: string | null;
  /** the CustomerReceipt as given (items, taxation system, email, phone, …) */
  customerReceipt: JsonObject;
  createdAt: number;
}

export function receiptModel(r: ReceiptView): JsonObject {
  const c = r.customerReceipt;
  const itemsValue = pick(c, 'items');
  const items = Array.isArray(itemsValue) ? itemsValue : [];
  return {
    Email: pick(c, 'email'),
    Phone: pick(c, 'phone'),
    Items: items.map(itemModel),
    TaxationSystem: pick(c, 'taxationSystem'),
    Amounts: pick(c, 'amounts'),
    IsBso: pick(c, 'isBso') ?? false,
    AdditionalData: {
      Id: r.id,
      AccountId: r.accountId,
      Amount: total(items),
      CalculationPlace: pick(c, 'calculationPlace'),
      CashierName: pick(c, 'cashierName'),
      DateTime: cpIso(r.createdAt),
      DeviceNumber: null,
      DocumentNumber: null,
      FiscalNumber: null,
      FiscalSign: null,
      InvoiceId: r.invoiceId,
      Ofd: null,
      OfdReceiptUrl: null,
      OrganizationInn: r.inn,
      QrCodeUrl: null,
      RegNumber: null,
      SenderEmail: null,
      SessionCheckNumber: null,
      SessionNumber: null,
      SettlePlace: null,
      TransactionId: null,
      Type: r.type,
    },
  };
}
