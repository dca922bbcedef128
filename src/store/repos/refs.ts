// Face object references (order slugs, session ids, external ids) to core subjects.
import type { FaceName, ObjectRef } from '../../core/model.js';
import type { RefRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';
import { refs } from '../tables.js';

export class RefRepository implements RefRepo {
  constructor(private readonly q: Queries) {}

  async insert(r: ObjectRef): Promise<void> {
    // nobody reads its answer: on PostgreSQL it travels with the next statement that needs one, or with COMMIT
    await this.q.write(
      this.q.db
        .insertInto('refs')
        .values(refs.write(r))
        .onConflict((oc) => oc.columns(['face', 'merchant_id', 'kind', 'ref']).doNothing()),
    );
  }
  async find(face: FaceName, merchantId: string, kind: string, ref: string): Promise<ObjectRef | undefined> {
    const r = await this.q.db
      .selectFrom('refs')
      .selectAll()
      .where('face', '=', face)
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', kind)
      .where('ref', '=', ref)
      .executeTakeFirst();
    return r && refs.read(r);
  }
  async findBySubject(subjectType: string, subjectId: string): Promise<ObjectRef[]> {
    const rows = await this.q.db
      .selectFrom('refs')
      .selectAll()
      .where('subject_type', '=', subjectType)
      .where('subject_id', '=', subjectId)
      .execute();
    return rows.map((r) => refs.read(r));
  }
  async search(ref: string, limit: number): Promise<ObjectRef[]> {
    return (await this.q.db.selectFrom('refs').selectAll().where('ref', '=', ref).limit(limit).execute()).map((r) => refs.read(r));
  }
}
