/** Retries an assertion until it passes (or its last failure after `ms`). */
export async function eventually<T>(fn: () => Promise<T> | T, ms = 10_000, every = 25): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, every));
    }
  }
}
