import { describe, expect, it } from 'vitest';
import { SettingGuard } from '../../src/core/synced-setting.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SettingGuard', () => {
  it('returns the stored value when nothing overlapped the read', async () => {
    const g = new SettingGuard();
    expect(await g.load(async () => 'stored')).toBe('stored');
  });

  it('drops a reload that read before a local change', async () => {
    const g = new SettingGuard();
    const read = deferred<string>();
    const loading = g.load(() => read.promise);
    g.changed();
    read.resolve('old');
    expect(await loading).toBeUndefined();
  });

  it('drops a reload that overlapped a save, and skips reloads while a save is running', async () => {
    const g = new SettingGuard();
    const write = deferred<void>();
    const read = deferred<string>();
    const loading = g.load(() => read.promise);
    const saving = g.save(() => write.promise);
    expect(await g.load(async () => 'during')).toBeUndefined();
    read.resolve('old');
    write.resolve();
    await saving;
    expect(await loading).toBeUndefined();
    expect(await g.load(async () => 'new')).toBe('new');
  });
});
