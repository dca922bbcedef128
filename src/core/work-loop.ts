// The background loop the scheduler and the webhook dispatcher share: a pass of work that runs when woken (and
// again, once, if woken while it ran), then sleeps until the next poll. Stopping waits for the pass in progress.

export interface WorkLoopHooks {
  /** one pass of work; an error is swallowed (the store may be closing or briefly unavailable: the next pass retries) */
  pass(): Promise<void>;
  /** how long to sleep after a pass (ms) */
  nextDelay(): Promise<number>;
  /** runs when the sleep ends, before the pass it starts */
  onPoll?(): void;
}

export class WorkLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  private again = false;
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly hooks: WorkLoopHooks) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = true;
    this.current = this.loop().finally(() => {
      this.running = false;
    });
  }

  /** Resolves when the pass in progress (if any) is over. */
  idle(): Promise<void> {
    return this.current;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.hooks.pass();
      } catch {
        /* the next pass retries */
      }
    } while (this.again && !this.stopped);
    if (this.stopped) return;
    let delay: number;
    try {
      delay = await this.hooks.nextDelay();
    } catch {
      delay = 1000;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.hooks.onPoll?.();
      this.wake();
    }, delay);
    this.timer.unref();
  }
}
