// The bodies of Mbill's requests, read with the kit's Fields and the reference server's rules: a card (POST /tokens,
// a sender `card`), a transfer, a claim, a lookup code, the transfer list's query and the webhook setting. Every
// problem goes to the Mbill reporter (http.ts), which answers them all at once as `invalid[]`.
import { isCoreError } from '../../core/errors.js';
import { numberToPlainString, parseMajor } from '../../core/money.js';
import { isPlainObject, type Fields } from '../kit/fields.js';
import { cardNumber, readCard, text, type CardData } from './card-fields.js';
import { ownProblem } from './http.js';
import {
  AMOUNT_MAX,
  AMOUNT_MIN,
  DESCRIPTION_MAX,
  DESCRIPTION_MIN,
  EMAIL_RE,
  expectedFee,
  formatFee,
  METADATA_KEY_MAX,
  METADATA_LIST_MAX,
  METADATA_LIST_VALUE_MAX,
  METADATA_VALUE_MAX,
  PHONE_RE,
} from './limits.js';
import { CURRENCY } from './wire.js';

export type SenderCredential = ({ type: 'card' } & CardData) | { type: 'card-token'; token: string };
export type RecipientCredential =
  | { type: 'card-number'; number: string }
  | { type: 'card-token'; token: string }
  | { type: 'external-credential'; metadata: Record<string, unknown> | null };
export type ClaimCredential = { type: 'card-number'; number: string } | { type: 'card-token'; token: string };

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

export interface ClaimInput {
  id: string;
  credential: ClaimCredential;
  metadata: Record<string, unknown> | null;
}

const SENDER_TYPES = ['card', 'card-token'] as const;
const RECIPIENT_TYPES = ['card-number', 'card-token', 'external-credential'] as const;
const CLAIM_TYPES = ['card-number', 'card-token'] as const;
/**
 * Other names of a recipient type: the blueprint's prose calls the claimable recipient `external-id`, its data
 * structure `external-credential`; both mean a transfer that waits for a claim.
 */
const RECIPIENT_ALIASES: Record<string, (typeof RECIPIENT_TYPES)[number]> = { 'external-id': 'external-credential' };

// ---- metadata (EView.Changeset.Validators.Metadata)

function readMetadata(f: Fields, key = 'metadata'): Record<string, unknown> | null {
  const v = f.raw(key);
  const path = [...f.path, key];
  if (v === undefined || v === null) return null;
  if (!isPlainObject(v)) {
    f.problem(ownProblem(path, 'metadata'));
    return null;
  }
  for (const [k, val] of Object.entries(v)) {
    const at = [...path, k];
    if (Buffer.byteLength(k) > METADATA_KEY_MAX) f.problem(ownProblem(at, 'metadata_key'));
    else if (typeof val === 'string') {
      if (Buffer.byteLength(val) > METADATA_VALUE_MAX) f.problem(ownProblem(at, 'metadata_value'));
    } else if (Array.isArray(val)) {
      if (val.length > METADATA_LIST_MAX) f.problem(ownProblem(at, 'metadata_list'));
      else
        val.forEach((el, i) => {
          if (typeof el === 'number') return;
          if (typeof el === 'string') {
            if (Buffer.byteLength(el) > METADATA_LIST_VALUE_MAX) f.problem(ownProblem([...at, i], 'metadata_list_value'));
            return;
          }
          f.problem(ownProblem(at, 'metadata_list_type'));
        });
    } else if (typeof val !== 'number') f.problem(ownProblem(at, 'metadata_type'));
  }
  return v;
}

// ---- peers and credentials

/** A credential object and its type; undefined (with the problem reported) when it is missing or of another type. */
function credentialOf<T extends string>(
  peer: Fields,
  types: readonly T[],
  aliases: Record<string, T> = {},
): { c: Fields; type: T } | undefined {
  const c = peer.obj('credential', { required: true, nullable: true });
  if (!c) return undefined;
  const type = c.raw('type');
  if (typeof type === 'string' && (types as readonly string[]).includes(type)) return { c, type: type as T };
  if (typeof type === 'string' && Object.prototype.hasOwnProperty.call(aliases, type)) return { c, type: aliases[type]! };
  peer.problem({ rule: 'enum', path: c.path, key: 'credential', allowed: types, value: type });
  return undefined;
}

function contacts(peer: Fields): { phone: string | null; email: string | null } {
  const phone = text(peer, 'phone') ?? null;
  if (phone !== null && !PHONE_RE.test(phone)) peer.problem(ownProblem([...peer.path, 'phone'], 'phone_number'));
  const email = text(peer, 'email') ?? null;
  if (email !== null && !EMAIL_RE.test(email)) peer.problem(ownProblem([...peer.path, 'email'], 'email'));
  return { phone, email };
}

function cardToken(c: Fields): string | undefined {
  return text(c, 'token', true);
}

// ---- transfers

/** A decimal's text: a JSON number, or a string of digits with an optional fraction (else a `cast`). */
function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? numberToPlainString(v) : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return v.trim();
  return undefined;
}

function readAmount(f: Fields): bigint | undefined {
  if (!f.has('amount')) return f.problem({ rule: 'required', path: ['amount'], key: 'amount', expected: 'number' });
  const v = f.raw('amount');
  const t = decimalText(v);
  if (t === undefined) return f.problem({ rule: 'type', path: ['amount'], key: 'amount', expected: ['number'], got: 'string', value: v });
  let amount: bigint;
  try {
    amount = parseMajor(t, CURRENCY, 'reject');
  } catch (e) {
    if (isCoreError(e, 'AMOUNT_PRECISION')) return f.problem({ rule: 'precision', path: ['amount'], key: 'amount', digits: 2, value: v });
    if (!isCoreError(e, 'AMOUNT_INVALID')) throw e;
    amount = AMOUNT_MAX + 1n; // beyond any limit: reported by the range check
  }
  const bounds = { min: '1', max: '15000' };
  if (amount < AMOUNT_MIN) return f.problem({ rule: 'range', path: ['amount'], key: 'amount', ...bounds, failed: 'min', value: v });
  if (amount > AMOUNT_MAX) return f.problem({ rule: 'range', path: ['amount'], key: 'amount', ...bounds, failed: 'max', value: v });
  return amount;
}

/** The fee: more than 0 and, once the amount is valid, exactly the documented formula ("is invalid, must be X"). */
function readFee(f: Fields, amount: bigint | undefined): bigint | undefined {
  if (!f.has('fee')) return f.problem({ rule: 'required', path: ['fee'], key: 'fee', expected: 'number' });
  const v = f.raw('fee');
  const t = decimalText(v);
  if (t === undefined) return f.problem({ rule: 'type', path: ['fee'], key: 'fee', expected: ['number'], got: 'string', value: v });
  let parsed: bigint | undefined;
  try {
    parsed = parseMajor(t, CURRENCY, 'reject');
  } catch (e) {
    if (!isCoreError(e)) throw e;
  }
  const want = amount !== undefined ? expectedFee(amount) : undefined;
  const wrong = () => f.problem(ownProblem(['fee'], 'fee', `is invalid, must be ${formatFee(want!)}`));
  if (parsed !== undefined && parsed <= 0n) {
    f.problem(ownProblem(['fee'], 'fee_positive'));
    return want !== undefined ? wrong() : undefined;
  }
  if (want !== undefined) return parsed === want ? parsed : wrong();
  return parsed;
}

function readDescription(f: Fields): string | null {
  const d = f.raw('description');
  if (d === undefined || d === null) return null;
  if (typeof d !== 'string') {
    f.problem({ rule: 'type', path: ['description'], key: 'description', expected: ['string'], got: 'number', value: d });
    return null;
  }
  const len = [...d].length;
  const bounds = { min: DESCRIPTION_MIN, max: DESCRIPTION_MAX };
  if (len < DESCRIPTION_MIN) f.problem({ rule: 'length', path: ['description'], key: 'description', ...bounds, failed: 'min', value: d });
  else if (len > DESCRIPTION_MAX)
    f.problem({ rule: 'length', path: ['description'], key: 'description', ...bounds, failed: 'max', value: d });
  else return d;
  return null;
}

function readSender(body: Fields): PeerInput<SenderCredential> | undefined {
  const s = body.obj('sender', { required: true, nullable: true });
  if (!s) return undefined;
  const peer = contacts(s);
  const cred = credentialOf(s, SENDER_TYPES);
  let credential: SenderCredential | undefined;
  if (cred?.type === 'card') {
    const card = readCard(cred.c);
    if (card) credential = { type: 'card', ...card };
  } else if (cred?.type === 'card-token') {
    const token = cardToken(cred.c);
    if (token !== undefined) credential = { type: 'card-token', token };
  }
  return credential && { ...peer, credential };
}

function readRecipient(body: Fields): PeerInput<RecipientCredential> | undefined {
  const r = body.obj('recipient', { required: true, nullable: true });
  if (!r) return undefined;
  const peer = contacts(r);
  const cred = credentialOf(r, RECIPIENT_TYPES, RECIPIENT_ALIASES);
  let credential: RecipientCredential | undefined;
  if (cred?.type === 'card-number') {
    const number = cardNumber(cred.c);
    if (number !== undefined) credential = { type: 'card-number', number };
  } else if (cred?.type === 'card-token') {
    const token = cardToken(cred.c);
    if (token !== undefined) credential = { type: 'card-token', token };
  } else if (cred?.type === 'external-credential') {
    if (!r.has('phone')) r.problem({ rule: 'required', path: ['recipient', 'phone'], key: 'phone', expected: 'string' });
    credential = { type: 'external-credential', metadata: readMetadata(cred.c) };
  }
  return credential && { ...peer, credential };
}

/** POST /transfers; undefined when anything was reported. */
export function readTransfer(f: Fields): TransferInput | undefined {
  const amount = readAmount(f);
  const fee = readFee(f, amount);
  const description = readDescription(f);
  const metadata = readMetadata(f);
  const sender = readSender(f);
  const recipient = readRecipient(f);
  if (f.reporter.problems.length || amount === undefined || fee === undefined || !sender || !recipient) return undefined;
  return { amount, fee, description, metadata, sender, recipient };
}

/** The card tokens a transfer body names (checked beside its other problems), with where they sit. */
export function namedCardTokens(body: Record<string, unknown>): Array<{ token: string; path: string[] }> {
  const out: Array<{ token: string; path: string[] }> = [];
  for (const peer of ['sender', 'recipient']) {
    const p = body[peer];
    const c = isPlainObject(p) ? p.credential : undefined;
    if (isPlainObject(c) && c.type === 'card-token' && typeof c.token === 'string' && c.token.trim())
      out.push({ token: c.token, path: [peer, 'credential'] });
  }
  return out;
}

// ---- claims, codes

/** POST /claims; undefined when anything was reported. */
export function readClaim(f: Fields): ClaimInput | undefined {
  const id = text(f, 'id', true);
  let credential: ClaimCredential | undefined;
  const cred = credentialOf(f, CLAIM_TYPES);
  if (cred?.type === 'card-number') {
    const number = cardNumber(cred.c);
    if (number !== undefined) credential = { type: 'card-number', number };
  } else if (cred?.type === 'card-token') {
    const token = cardToken(cred.c);
    if (token !== undefined) credential = { type: 'card-token', token };
  }
  const metadata = readMetadata(f);
  if (f.reporter.problems.length || id === undefined || !credential) return undefined;
  return { id: id.trim(), credential, metadata };
}

/** `{code}` (the blueprint) or `{"otp-code"}` (the reference server's claim test), reported as `$.code`. */
export function readCode(f: Fields): string | undefined {
  const key = f.raw('code') === undefined && f.raw('otp-code') !== undefined ? 'otp-code' : 'code';
  const v = f.raw(key);
  if (typeof v === 'number' && Number.isFinite(v)) return numberToPlainString(v).trim();
  if (!f.has(key)) return f.problem({ rule: 'required', path: ['code'], key: 'code', expected: 'string' });
  if (typeof v !== 'string') return f.problem({ rule: 'type', path: ['code'], key: 'code', expected: ['string'], got: 'object', value: v });
  return v.trim();
}
