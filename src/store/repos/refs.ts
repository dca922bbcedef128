// Face object references (order slugs, session ids, external ids) to core subjects.
import type { FaceName, ObjectRef } from '../../core/model.js';
import type { RefRepo } from '../../core/ports.js';
import { rowSlots } from '../prepared.js';
import type { Queries } from '../queries.js';
import { refs } from '../tables.js';

export class RefRepository implements RefRepo {
  constructor(private readonly q: Queries) {}

  async insert(r: ObjectRef): Promise<void> {
    // nobody reads its answer: on PostgreSQL it travels with the next statement that needs one, or with COMMIT
    const row = rowSlots(refs.write(r));
    await this.q.writePrepared(
      `refs.insert:${row.key}`,
      (slot) =>
        this.q.db
          .insertInto('refs')
          .values(row.values(slot) as never)
          .onConflict((oc) => oc.columns(['face', 'merchant_id', 'kind', 'ref']).doNothing()),
      row.args,
    );
  }
  async find(face: FaceName, merchantId: string, kind: string, ref: string): Promise<ObjectRef | undefined> {
    const r = await this.q.first(
      'refs.find',
      (slot) =>
        this.q.db
          .selectFrom('refs')
          .selectAll()
          .where('face', '=', slot(0))
          .where('merchant_id', '=', slot(1))
          .where('kind', '=', slot(2))
          .where('ref', '=', slot(3)),
      [face, merchantId, kind, ref],
    );
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
