// Merchants and their per-face credentials.
import { CoreError } from './errors.js';
import { randomToken } from './ids.js';
import type { Clock } from './clock.js';
import { AVAILABLE, Ledger } from './ledger.js';
import type { Credential, FaceName, JsonObject, Merchant } from './model.js';
import type { Tx } from './ports.js';

export interface CredentialSpec {
  face: FaceName;
  key: string;
  secret: string | null;
  data?: JsonObject;
}

export interface CreateMerchant {
  id?: string;
  name: string;
  settings?: JsonObject;
  credentials: CredentialSpec[];
  /** ledger accounts to open now (others open on first use) */
  currencies?: string[];
}

export class Merchants {
  constructor(
    private readonly clock: Clock,
    private readonly ledger: Ledger,
  ) {}

  async create(tx: Tx, input: CreateMerchant): Promise<{ merchant: Merchant; credentials: Credential[] }> {
    const now = this.clock.now();
    const merchant: Merchant = { id: input.id ?? 'm_' + randomToken(16), name: input.name, settings: input.settings ?? {}, createdAt: now };
    if (await tx.merchants.get(merchant.id)) throw new CoreError('DUPLICATE', `merchant ${merchant.id} already exists`);
    await tx.merchants.insert(merchant);
    const credentials: Credential[] = [];
    for (const spec of input.credentials) credentials.push(await this.addCredential(tx, merchant.id, spec));
    for (const cur of input.currencies ?? []) await this.ledger.account(tx, merchant.id, cur, AVAILABLE);
    return { merchant, credentials };
  }

  async addCredential(tx: Tx, merchantId: string, spec: CredentialSpec): Promise<Credential> {
    if (await tx.credentials.find(spec.face, spec.key))
      throw new CoreError('DUPLICATE', `${spec.face} credential ${spec.key} already exists`);
    const c: Credential = {
      id: 'cred_' + randomToken(16),
      merchantId,
      face: spec.face,
      key: spec.key,
      secret: spec.secret,
      data: spec.data ?? {},
      status: 'active',
      createdAt: this.clock.now(),
    };
    await tx.credentials.insert(c);
    return c;
  }

  /** The active credential a client presents, with its merchant. */
  async authenticate(tx: Tx, face: FaceName, key: string): Promise<{ credential: Credential; merchant: Merchant } | undefined> {
    const found = await tx.credentials.findWithMerchant(face, key);
    if (!found || found.credential.status !== 'active' || !found.merchant) return undefined;
    return { credential: found.credential, merchant: found.merchant };
  }

  async get(tx: Tx, id: string): Promise<Merchant> {
    const m = await tx.merchants.get(id);
    if (!m) throw new CoreError('MERCHANT_NOT_FOUND');
    return m;
  }
}
