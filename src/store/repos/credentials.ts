// Merchants' credentials per face (API keys, public ids, key pairs).
import type { Credential, FaceName, Merchant } from '../../core/model.js';
import type { CredentialRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { credentials, merchants } from '../tables.js';

export class CredentialRepository implements CredentialRepo {
  constructor(private readonly q: Queries) {}

  async insert(c: Credential): Promise<void> {
    await this.q.db.insertInto('credentials').values(credentials.write(c)).execute();
  }
  async find(face: FaceName, key: string): Promise<Credential | undefined> {
    const r = await this.q.first(
      'credentials.find',
      (slot) => this.q.db.selectFrom('credentials').selectAll().where('face', '=', slot(0)).where('key', '=', slot(1)),
      [face, key],
    );
    return r && credentials.read(r);
  }
  async findWithMerchant(face: FaceName, key: string): Promise<{ credential: Credential; merchant: Merchant | undefined } | undefined> {
    // one statement: the credential and its merchant's columns (null when the merchant is gone)
    const r = await this.q.first(
      'credentials.findWithMerchant',
      (slot) =>
        this.q.db
          .selectFrom('credentials')
          .leftJoin('merchants', 'merchants.id', 'credentials.merchant_id')
          .selectAll('credentials')
          .select(merchants.selectAs('m_') as never[])
          .where('credentials.face', '=', slot(0))
          .where('credentials.key', '=', slot(1)),
      [face, key],
    );
    return r && { credential: credentials.read(r), merchant: merchants.readAs(r, 'm_') };
  }
  async listByFace(face: FaceName, limit: number): Promise<Credential[]> {
    const rows = await this.q.db
      .selectFrom('credentials')
      .selectAll()
      .where('face', '=', face)
      .where('status', '=', 'active')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => credentials.read(r));
  }
  async list(merchantId: string): Promise<Credential[]> {
    const { rows } = await this.q.prepared(
      'credentials.list',
      (slot) => this.q.db.selectFrom('credentials').selectAll().where('merchant_id', '=', slot(0)).orderBy('created_at'),
      [merchantId],
    );
    return rows.map((r) => credentials.read(r));
  }
  async update(id: string, patch: Partial<Pick<Credential, 'secret' | 'status' | 'data'>>): Promise<void> {
    const set = credentials.write(patch);
    if (Object.keys(set).length) await this.q.db.updateTable('credentials').set(set).where('id', '=', id).execute();
  }
}
