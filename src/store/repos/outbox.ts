// The outbox: events written in the command's transaction, fanned out to deliveries once.
import type { OutboxEvent } from '../../core/model.js';
import type { OutboxRepo } from '../../core/ports.js';
import { Queries } from '../queries.js';
import { outbox } from '../tables.js';

/** the columns an insert gives, then the claim lock (0: not claimed) */
const INSERTED = outbox.columns.filter((c) => !c.column.isGenerated && !c.column.isInternal).map((c) => c.name);
const COLUMNS = [...INSERTED, 'locked_until'];
/** the same, after the id, where the process gives it (PostgreSQL) */
const WITH_ID = ['id', ...COLUMNS];
/** events per statement (10 parameters each, far below either database's limit) */
const PER_STATEMENT = 64;

/**
 * Events in the order they were made: by created time, then id (on PostgreSQL ids come from per-process blocks, so
 * across processes an id says nothing of time; within a process and a millisecond it does).
 */
function inTimeOrder(a: OutboxEvent, b: OutboxEvent): number {
  return a.createdAt - b.createdAt || a.id - b.id;
}

export class OutboxRepository implements OutboxRepo {
  constructor(private readonly q: Queries) {}

  async insert(e: Omit<OutboxEvent, 'id'>): Promise<number> {
    return (await this.insertMany([e]))[0]!;
  }
  /** Inserts events in one statement; returns their ids in the order given. */
  async insertMany(events: Array<Omit<OutboxEvent, 'id'>>): Promise<number[]> {
    if (events.length === 0) return [];
    if (events.length > PER_STATEMENT) {
      const ids: number[] = [];
      for (let i = 0; i < events.length; i += PER_STATEMENT) ids.push(...(await this.insertMany(events.slice(i, i + PER_STATEMENT))));
      return ids;
    }
    const valuesOf = (e: Omit<OutboxEvent, 'id'>) => {
      const row = outbox.write(e) as Record<string, unknown>;
      return [...INSERTED.map((c) => row[c]), 0];
    };
    if (this.q.ids) {
      // ids from the process's block (postgres/id-blocks.ts): the insert is a deferred write
      const ids = await this.q.ids.next('outbox', events.length);
      await this.q.writePrepared(
        `outbox.insertWithIds:${events.length}`,
        (slot) =>
          this.q.db
            .insertInto('outbox')
            .values(events.map((_, r) => Object.fromEntries(WITH_ID.map((c, i) => [c, slot(r * WITH_ID.length + i)]))) as any),
        events.flatMap((e, i) => [ids[i], ...valuesOf(e)]),
      );
      return ids;
    }
    const { rows } = await this.q.prepared<{ id: unknown; event_id: string }>(
      `outbox.insert:${events.length}`,
      (slot) =>
        this.q.db
          .insertInto('outbox')
          .values(events.map((_, r) => Object.fromEntries(COLUMNS.map((c, i) => [c, slot(r * COLUMNS.length + i)]))) as any)
          .returning(['id', 'event_id']),
      events.flatMap(valuesOf),
    );
    // the order of RETURNING rows is not promised: match them by event id
    const ids = new Map(rows.map((r) => [r.event_id, Number(r.id as bigint)]));
    return events.map((e) => ids.get(e.eventId)!);
  }
  async claim(limit: number, now: number, lockMs: number): Promise<OutboxEvent[]> {
    const ids = this.q.ops.skipLocked(
      this.q.db
        .selectFrom('outbox')
        .select('id')
        .where('fanned_out', '=', 0)
        .where('locked_until', '<=', now)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit),
    );
    const rows = await this.q.db
      .updateTable('outbox')
      .set({ locked_until: now + lockMs })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.map((r) => outbox.read(r)).sort(inTimeOrder);
  }
  async markFannedOut(id: number, fannedOut = true): Promise<void> {
    await this.q.write(this.q.db.updateTable('outbox').set(outbox.write({ fannedOut })).where('id', '=', id));
  }
  async countPending(): Promise<number> {
    const r = await this.q.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('fanned_out', '=', 0)
      .executeTakeFirstOrThrow();
    return Queries.count(r);
  }
  async list(subjectType: string, subjectId: string): Promise<OutboxEvent[]> {
    const rows = await this.q.db
      .selectFrom('outbox')
      .selectAll()
      .where('subject_type', '=', subjectType)
      .where('subject_id', '=', subjectId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => outbox.read(r));
  }
  async get(eventId: string): Promise<OutboxEvent | undefined> {
    const r = await this.q.db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    return r && outbox.read(r);
  }
}
