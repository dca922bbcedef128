// Request validation with the reference server's rules, reported as API Manifest `invalid[]` entries:
// `{entry_type: "json_data_property", entry: "$.sender.credential.number", rules: [{rule, params, description}]}`.
// Rule names, params and descriptions follow Ecto's validators as EView renders them (Nebo15/eview), and
// the tokenizer's own (card_number, phone_number, metadata, fee, token, token_expiration, otp_code, claim_id).
import { isCoreError } from '../../core/errors.js';
import { luhnValid, detectBrand, normalizePan } from '../../core/cards.js';
import { formatMajor, numberToPlainString, parseMajor } from '../../core/money.js';
import { CURRENCY, type InvalidEntry, type Rule } from './wire.js';

// ---- limits (the provider's reference server's code and config; docs/mbill.md)
export const AMOUNT_MIN = 100n; // 1 UAH, in kopecks
export const AMOUNT_MAX = 1_500_000n; // 15000 UAH
export const FEE_PERCENT_BP = 100n; // 1 %
export const FEE_MIN = 500n; // 5 UAH
export const DESCRIPTION_MIN = 5;
export const DESCRIPTION_MAX = 1024;
export const EXP_YEAR_MIN = 2016;
export const EXP_YEAR_MAX = 2030;
export const METADATA_KEY_MAX = 100;
export const METADATA_VALUE_MAX = 500;
export const METADATA_LIST_MAX = 25;
export const METADATA_LIST_VALUE_MAX = 100;

const CVV_RE = /^[0-9]{3,4}$/;
const MONTH_RE = /^(0?[1-9]|1[0-2])$/;
const YEAR_RE = /^[0-9]{4}$/;
const PHONE_RE = /^\+[0-9]{9,16}$/;
const EMAIL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** Elixir's `inspect` of a regex, as EView puts it into `params` */
const ex = (re: RegExp) => `~r/${re.source}/`;

export const rules = {
  required: (): Rule => ({ rule: 'required', params: [], description: "can't be blank" }),
  cast: (...types: string[]): Rule => ({ rule: 'cast', params: types, description: 'is invalid' }),
  format: (re: RegExp): Rule => ({ rule: 'format', params: [ex(re)], description: 'has invalid format' }),
  length: (opts: { min?: number; max?: number }, failed: 'min' | 'max'): Rule => ({
    rule: 'length',
    params: opts,
    description: failed === 'min' ? `should be at least ${opts.min} character(s)` : `should be at most ${opts.max} character(s)`,
  }),
  number: (opts: Record<string, number>, description: string): Rule => ({ rule: 'number', params: opts, description }),
  inclusion: (list: string[]): Rule => ({ rule: 'inclusion', params: list, description: 'is invalid' }),
  cardNumber: (): Rule => ({ rule: 'card_number', params: [], description: 'is not a valid card number' }),
  phone: (): Rule => ({ rule: 'phone_number', params: [ex(PHONE_RE)], description: 'is not a valid phone number' }),
  email: (): Rule => ({ rule: 'email', params: [], description: 'is not a valid email' }),
  fee: (expected: string): Rule => ({ rule: 'fee', params: [], description: `is invalid, must be ${expected}` }),
  token: (): Rule => ({ rule: 'token', params: [], description: 'is invalid' }),
  tokenExpiration: (): Rule => ({ rule: 'token_expiration', params: [], description: 'card token is expired' }),
  otpCode: (): Rule => ({ rule: 'otp_code', params: [], description: 'is invalid' }),
  claimId: (): Rule => ({ rule: 'claim_id', params: [], description: 'not found' }),
  metadata: (): Rule => ({ rule: 'metadata', params: [], description: 'is not a valid metadata object' }),
};

/** Collects failures per JSON path; entries come out sorted by path, as EView flattens Ecto's error map. */
export class Invalid {
  private entries = new Map<string, { type: string; rules: Rule[] }>();

  add(entry: string, rule: Rule, entryType = 'json_data_property'): void {
    const e = this.entries.get(entry);
    if (e) e.rules.push(rule);
    else this.entries.set(entry, { type: entryType, rules: [rule] });
  }

  get empty(): boolean {
    return this.entries.size === 0;
  }

  list(): InvalidEntry[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([entry, e]) => ({ entry_type: e.type, entry, rules: e.rules }));
  }
}

/** Thrown to answer 422 validation_failed with these entries (the transaction, if any, rolls back). */
export class ValidationFailed extends Error {
  constructor(readonly invalid: InvalidEntry[]) {
    super('validation failed');
  }
  static of(entry: string, rule: Rule): ValidationFailed {
    const i = new Invalid();
    i.add(entry, rule);
    return new ValidationFailed(i.list());
  }
}

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A string field (numbers are taken as their text, as the form a browser sends would be). */
function text(inv: Invalid, o: Obj, key: string, path: string, opts: { required?: boolean } = {}): string | undefined {
  const v = o[key];
  if (blank(v)) {
    if (opts.required) inv.add(`${path}.${key}`, rules.required());
    return undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return numberToPlainString(v);
  if (typeof v !== 'string') {
    inv.add(`${path}.${key}`, rules.cast('string'));
    return undefined;
  }
  return v;
}

// ---- money

function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? numberToPlainString(v) : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return v.trim();
  return undefined;
}

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

export function formatFee(minor: bigint): string {
  return formatMajor(minor, CURRENCY, { trimZeros: true });
}

function amountField(inv: Invalid, o: Obj, key: string, path: string): bigint | undefined {
  const v = o[key];
  const p = `${path}.${key}`;
  if (blank(v)) {
    inv.add(p, rules.required());
    return undefined;
  }
  const t = decimalText(v);
  if (t === undefined) {
    inv.add(p, rules.cast('decimal'));
    return undefined;
  }
  try {
    return parseMajor(t, CURRENCY, 'reject');
  } catch (e) {
    if (isCoreError(e, 'AMOUNT_PRECISION')) {
      inv.add(p, rules.format(/^[0-9]+(\.[0-9]{1,2})?$/));
      return undefined;
    }
    if (isCoreError(e, 'AMOUNT_INVALID')) return 10n ** 40n; // beyond any limit: reported by the range check
    throw e;
  }
}

// ---- cards

export interface CardData {
  number: string;
  expMonth: number;
  expYear: number;
}

export function validCardNumber(raw: string): string | undefined {
  const pan = normalizePan(raw);
  if (!/^\d+$/.test(pan) || !luhnValid(pan)) return undefined;
  const brand = detectBrand(pan);
  return brand === 'Visa' || brand === 'Mastercard' ? pan : undefined;
}

function cardNumberField(inv: Invalid, o: Obj, path: string): string | undefined {
  const n = text(inv, o, 'number', path, { required: true });
  if (n === undefined) return undefined;
  const pan = validCardNumber(n);
  if (!pan) inv.add(`${path}.number`, rules.cardNumber());
  return pan;
}

/** A full card (POST /tokens, or a sender `card` credential). The CVV is checked and then dropped. */
export function validateCard(inv: Invalid, o: Obj, path: string): CardData | undefined {
  const number = cardNumberField(inv, o, path);
  let expMonth: number | undefined;
  let expYear: number | undefined;
  const m = text(inv, o, 'expiration_month', path, { required: true });
  if (m !== undefined) {
    if (MONTH_RE.test(m.trim())) expMonth = Number(m.trim());
    else inv.add(`${path}.expiration_month`, rules.format(MONTH_RE));
  }
  const y = text(inv, o, 'expiration_year', path, { required: true });
  if (y !== undefined) {
    const yy = y.trim();
    if (!YEAR_RE.test(yy)) inv.add(`${path}.expiration_year`, rules.format(YEAR_RE));
    else {
      const n = Number(yy);
      const range = { greater_than_or_equal_to: EXP_YEAR_MIN, less_than_or_equal_to: EXP_YEAR_MAX };
      if (n < EXP_YEAR_MIN) inv.add(`${path}.expiration_year`, rules.number(range, `must be greater than or equal to ${EXP_YEAR_MIN}`));
      else if (n > EXP_YEAR_MAX) inv.add(`${path}.expiration_year`, rules.number(range, `must be less than or equal to ${EXP_YEAR_MAX}`));
      else expYear = n;
    }
  }
  const cvv = text(inv, o, 'cvv', path, { required: true });
  if (cvv !== undefined && !CVV_RE.test(cvv)) inv.add(`${path}.cvv`, rules.format(CVV_RE));
  if (number === undefined || expMonth === undefined || expYear === undefined || cvv === undefined || !CVV_RE.test(cvv)) return undefined;
  return { number, expMonth, expYear };
}

// ---- metadata (EView.Changeset.Validators.Metadata)

export function validateMetadata(inv: Invalid, v: unknown, path: string): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) {
    inv.add(path, rules.metadata());
    return null;
  }
  const anyType = ['integer', 'float', 'decimal', 'string'];
  for (const [key, val] of Object.entries(v)) {
    const p = `${path}.${key}`;
    if (Buffer.byteLength(key) > METADATA_KEY_MAX) {
      inv.add(p, { rule: 'length', params: { max: METADATA_KEY_MAX }, description: `key should be up to ${METADATA_KEY_MAX} characters` });
    } else if (typeof val === 'string') {
      if (Buffer.byteLength(val) > METADATA_VALUE_MAX)
        inv.add(p, {
          rule: 'length',
          params: { max: METADATA_VALUE_MAX },
          description: `value should be up to ${METADATA_VALUE_MAX} characters`,
        });
    } else if (Array.isArray(val)) {
      if (val.length > METADATA_LIST_MAX) {
        inv.add(p, {
          rule: 'length',
          params: { max: METADATA_LIST_MAX },
          description: `lists should be up to ${METADATA_LIST_MAX} elements`,
        });
      } else {
        val.forEach((el, i) => {
          if (typeof el === 'number') return;
          if (typeof el === 'string') {
            if (Buffer.byteLength(el) > METADATA_LIST_VALUE_MAX)
              inv.add(`${p}[${i}]`, {
                rule: 'length',
                params: { max: METADATA_LIST_VALUE_MAX },
                description: `list keys should be up to ${METADATA_LIST_VALUE_MAX} characters`,
              });
            return;
          }
          inv.add(p, { rule: 'cast', params: anyType, description: 'one of keys is invalid' });
        });
      }
    } else if (typeof val !== 'number') {
      inv.add(p, { rule: 'cast', params: anyType, description: 'is invalid' });
    }
  }
  return v;
}

// ---- peers and transfers

export type SenderCredential = ({ type: 'card' } & CardData) | { type: 'card-token'; token: string };
export type RecipientCredential =
  | { type: 'card-number'; number: string }
  | { type: 'card-token'; token: string }
  | { type: 'external-credential'; metadata: Record<string, unknown> | null };

export interface PeerInput<C> {
  phone: string | null;
  email: string | null;
  credential: C;
}

export interface TransferInput {
  amount: bigint;
  fee: bigint;
  description: string | null;
  metadata: Record<string, unknown> | null;
  sender: PeerInput<SenderCredential>;
  recipient: PeerInput<RecipientCredential>;
}

export const SENDER_TYPES = ['card', 'card-token'];
export const RECIPIENT_TYPES = ['card-number', 'card-token', 'external-credential'];
export const CLAIM_TYPES = ['card-number', 'card-token'];

function tokenField(inv: Invalid, o: Obj, path: string): string | undefined {
  return text(inv, o, 'token', path, { required: true });
}

/** A credential object and its type; undefined (with the failure recorded) when it is missing or of another type. */
function credentialOf(inv: Invalid, peer: Obj, path: string, types: string[]): { c: Obj; type: string } | undefined {
  const c = peer.credential;
  if (blank(c)) {
    inv.add(`${path}.credential`, rules.required());
    return undefined;
  }
  if (!isObject(c)) {
    inv.add(`${path}.credential`, rules.cast('map'));
    return undefined;
  }
  const type = c.type;
  if (typeof type !== 'string' || !types.includes(type)) {
    inv.add(`${path}.credential`, rules.inclusion(types));
    return undefined;
  }
  return { c, type };
}

function peerContacts(inv: Invalid, peer: Obj, path: string): { phone: string | null; email: string | null } {
  const phone = text(inv, peer, 'phone', path) ?? null;
  if (phone !== null && !PHONE_RE.test(phone)) inv.add(`${path}.phone`, rules.phone());
  const email = text(inv, peer, 'email', path) ?? null;
  if (email !== null && !EMAIL_RE.test(email)) inv.add(`${path}.email`, rules.email());
  return { phone, email };
}

function peerObject(inv: Invalid, body: Obj, key: string): Obj | undefined {
  const v = body[key];
  if (blank(v)) {
    inv.add(`$.${key}`, rules.required());
    return undefined;
  }
  if (!isObject(v)) {
    inv.add(`$.${key}`, rules.cast('map'));
    return undefined;
  }
  return v;
}

export function validateTransfer(body: Obj): { input?: TransferInput; invalid: Invalid } {
  const inv = new Invalid();
  const amount = amountField(inv, body, 'amount', '$');
  if (amount !== undefined) {
    const range = { greater_than_or_equal_to: 1, less_than_or_equal_to: 15000 };
    if (amount < AMOUNT_MIN) inv.add('$.amount', rules.number(range, 'must be greater than or equal to 1'));
    else if (amount > AMOUNT_MAX) inv.add('$.amount', rules.number(range, 'must be less than or equal to 15000'));
  }
  const amountOk = amount !== undefined && amount >= AMOUNT_MIN && amount <= AMOUNT_MAX;

  let fee: bigint | undefined;
  const feeRaw = body.fee;
  if (blank(feeRaw)) inv.add('$.fee', rules.required());
  else {
    const t = decimalText(feeRaw);
    if (t === undefined) inv.add('$.fee', rules.cast('decimal'));
    else {
      let parsed: bigint | undefined;
      let exact = true;
      try {
        parsed = parseMajor(t, CURRENCY, 'reject');
      } catch (e) {
        if (!isCoreError(e)) throw e;
        exact = false;
      }
      if (exact && parsed !== undefined && parsed <= 0n) {
        inv.add('$.fee', rules.number({ greater_than: 0 }, 'must be greater than 0'));
        if (amountOk) inv.add('$.fee', rules.fee(formatFee(expectedFee(amount))));
      } else if (amountOk) {
        const want = expectedFee(amount);
        if (!exact || parsed !== want) inv.add('$.fee', rules.fee(formatFee(want)));
        else fee = parsed;
      } else if (exact) fee = parsed;
    }
  }

  let description: string | null = null;
  const d = body.description;
  if (d !== undefined && d !== null) {
    if (typeof d !== 'string') inv.add('$.description', rules.cast('string'));
    else {
      const len = [...d].length;
      const opts = { min: DESCRIPTION_MIN, max: DESCRIPTION_MAX };
      if (len < DESCRIPTION_MIN) inv.add('$.description', rules.length(opts, 'min'));
      else if (len > DESCRIPTION_MAX) inv.add('$.description', rules.length(opts, 'max'));
      else description = d;
    }
  }

  const metadata = validateMetadata(inv, body.metadata, '$.metadata');

  let sender: PeerInput<SenderCredential> | undefined;
  const s = peerObject(inv, body, 'sender');
  if (s) {
    const contacts = peerContacts(inv, s, '$.sender');
    const cred = credentialOf(inv, s, '$.sender', SENDER_TYPES);
    let credential: SenderCredential | undefined;
    if (cred?.type === 'card') {
      const card = validateCard(inv, cred.c, '$.sender.credential');
      if (card) credential = { type: 'card', ...card };
    } else if (cred?.type === 'card-token') {
      const token = tokenField(inv, cred.c, '$.sender.credential');
      if (token !== undefined) credential = { type: 'card-token', token };
    }
    if (credential) sender = { ...contacts, credential };
  }

  let recipient: PeerInput<RecipientCredential> | undefined;
  const r = peerObject(inv, body, 'recipient');
  if (r) {
    const contacts = peerContacts(inv, r, '$.recipient');
    const cred = credentialOf(inv, r, '$.recipient', RECIPIENT_TYPES);
    let credential: RecipientCredential | undefined;
    if (cred?.type === 'card-number') {
      const number = cardNumberField(inv, cred.c, '$.recipient.credential');
      if (number !== undefined) credential = { type: 'card-number', number };
    } else if (cred?.type === 'card-token') {
      const token = tokenField(inv, cred.c, '$.recipient.credential');
      if (token !== undefined) credential = { type: 'card-token', token };
    } else if (cred?.type === 'external-credential') {
      if (blank(r.phone)) inv.add('$.recipient.phone', rules.required());
      credential = { type: 'external-credential', metadata: validateMetadata(inv, cred.c.metadata, '$.recipient.credential.metadata') };
    }
    if (credential) recipient = { ...contacts, credential };
  }

  if (!inv.empty || amount === undefined || fee === undefined || !sender || !recipient) return { invalid: inv };
  return { input: { amount, fee, description, metadata, sender, recipient }, invalid: inv };
}

// ---- claims

export type ClaimCredential = { type: 'card-number'; number: string } | { type: 'card-token'; token: string };

export interface ClaimInput {
  id: string;
  credential: ClaimCredential;
  metadata: Record<string, unknown> | null;
}

export function validateClaim(body: Obj): { input?: ClaimInput; invalid: Invalid } {
  const inv = new Invalid();
  const id = text(inv, body, 'id', '$', { required: true });
  let credential: ClaimCredential | undefined;
  const cred = credentialOf(inv, body, '$', CLAIM_TYPES);
  if (cred?.type === 'card-number') {
    const number = cardNumberField(inv, cred.c, '$.credential');
    if (number !== undefined) credential = { type: 'card-number', number };
  } else if (cred?.type === 'card-token') {
    const token = tokenField(inv, cred.c, '$.credential');
    if (token !== undefined) credential = { type: 'card-token', token };
  }
  const metadata = validateMetadata(inv, body.metadata, '$.metadata');
  if (!inv.empty || id === undefined || !credential) return { invalid: inv };
  return { input: { id: id.trim(), credential, metadata }, invalid: inv };
}

/** `{code}` (the blueprint) or `{"otp-code"}` (the reference server's claim test). */
export function validateCode(body: Obj): string {
  const inv = new Invalid();
  const key = body.code === undefined && body['otp-code'] !== undefined ? 'otp-code' : 'code';
  const code = text(inv, body, key, '$', { required: true });
  if (code === undefined) throw new ValidationFailed(inv.list().map((e) => ({ ...e, entry: '$.code' })));
  return code.trim();
}
