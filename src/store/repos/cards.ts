// The vault's stored cards (PAN encrypted), one per card fingerprint.
import type { StoredCard } from '../../core/model.js';
import type { CardRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { cards } from '../tables.js';

export class CardRepository implements CardRepo {
  /** cards read ahead of their use by fingerprint (PostgreSQL transactions only), null for none; each answered once */
  private readonly ahead: Map<string, StoredCard | null> | null;

  constructor(private readonly q: Queries) {
    this.ahead = q.deferred ? new Map() : null;
  }

  async readByFingerprintAhead(fp: string): Promise<void> {
    if (!this.ahead) return;
    this.ahead.set(fp, (await this.read(fp)) ?? null);
  }

  async findByFingerprint(fp: string): Promise<StoredCard | undefined> {
    const ahead = this.ahead?.get(fp);
    if (ahead !== undefined) {
      // once: asked again (the read back after an insert), the card is read as it is then
      this.ahead!.delete(fp);
      return ahead ?? undefined;
    }
    return this.read(fp);
  }

  private async read(fp: string): Promise<StoredCard | undefined> {
    const r = await this.q.first(
      'cards.byFingerprint',
      (slot) => this.q.db.selectFrom('cards').selectAll().where('fingerprint', '=', slot(0)),
      [fp],
    );
    return r && cards.read(r);
  }
  async get(id: string): Promise<StoredCard | undefined> {
    const r = await this.q.first('cards.get', (slot) => this.q.db.selectFrom('cards').selectAll().where('id', '=', slot(0)), [id]);
    return r && cards.read(r);
  }
  async insert(c: StoredCard): Promise<void> {
    // deferrable: the vault reads the stored card back by its fingerprint
    await this.q.write(
      this.q.db
        .insertInto('cards')
        .values(cards.write(c))
        .onConflict((oc) => oc.column('fingerprint').doNothing()),
    );
  }
  async update(
    id: string,
    patch: Partial<Pick<StoredCard, 'expMonth' | 'expYear' | 'holder' | 'panEncrypted' | 'keyId' | 'fingerprint'>>,
  ): Promise<void> {
    const set = cards.write(patch);
    if (Object.keys(set).length) await this.q.write(this.q.db.updateTable('cards').set(set).where('id', '=', id));
  }
  async list(afterId: string | null, limit: number): Promise<StoredCard[]> {
    let q = this.q.db.selectFrom('cards').selectAll();
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map((r) => cards.read(r));
  }
}
