// Key-value settings shared by every process of the gateway (the clock, faults, the secrets made once).
import type { SettingRepo } from '../../core/ports.js';
import type { Queries } from '../queries.js';

export class SettingRepository implements SettingRepo {
  constructor(private readonly q: Queries) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.q.first<{ value: string }>(
      'settings.get',
      (slot) => this.q.db.selectFrom('settings').select('value').where('key', '=', slot(0)),
      [key],
    );
    return r?.value;
  }
  async set(key: string, value: string): Promise<void> {
    await this.q.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
  /**
   * Sets the value only when the key has none, and returns the value in force. Race-free across processes: of two
   * transactions inserting the key, PostgreSQL makes the second wait for the first and then insert nothing, and its
   * next statement reads the committed row; SQLite runs one writing transaction at a time.
   */
  async setIfAbsent(key: string, value: string): Promise<string> {
    await this.q.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key))!;
  }
}
