// SettingGuard (the sandbox clock's and the fault rules' reload guard): a reload whose read overlapped a whole
// save, or several local changes and their save, must be dropped (it may carry the value from before them), and a
// reload asked for while a save runs does not even read the store.
import { describe, expect, it } from 'vitest';
import { SettingGuard } from '../../src/core/synced-setting.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SettingGuard overlaps', () => {
  it('drops a reload whose read began before a save and ended after it', async () => {
    const g = new SettingGuard();
    const read = deferred<string>();
    const loading = g.load(() => read.promise);
    await g.save(async () => {});
    read.resolve('from before the save');
    expect(await loading).toBeUndefined();
    expect(await g.load(async () => 'saved')).toBe('saved');
  });

  it('drops a reload that overlapped two local changes saved together', async () => {
    const g = new SettingGuard();
    const read = deferred<string>();
    const loading = g.load(() => read.promise);
    g.changed();
    g.changed();
    await g.save(async () => {});
    read.resolve('from before the changes');
    expect(await loading).toBeUndefined();
  });

  it('does not read the store while a save is running', async () => {
    const g = new SettingGuard();
    const write = deferred<void>();
    const saving = g.save(() => write.promise);
    let reads = 0;
    expect(
      await g.load(async () => {
        reads++;
        return 'during';
      }),
    ).toBeUndefined();
    expect(reads).toBe(0);
    write.resolve();
    await saving;
  });
});
