/**
 * Guards a value that lives in the store's settings and is reloaded periodically so that every process follows
 * it (the sandbox clock, fault rules). A reload that read the store while this process was changing or saving
 * the value would bring back the old one; the guard makes such a reload a no-op.
 */
export class SettingGuard {
  private generation = 0;
  private saving = 0;

  /** A local change, not yet saved. */
  changed(): void {
    this.generation++;
  }

  async save(write: () => Promise<void>): Promise<void> {
    this.generation++;
    this.saving++;
    try {
      await write();
    } finally {
      this.saving--;
      this.generation++;
    }
  }

  /** The stored value, or undefined when a local change or save overlapped the read. */
  async load<T>(read: () => Promise<T>): Promise<T | undefined> {
    if (this.saving > 0) return undefined;
    const generation = this.generation;
    const value = await read();
    return generation === this.generation && this.saving === 0 ? value : undefined;
  }
}
