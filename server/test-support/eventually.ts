// Waiting in a test for something another part (a feed, a replica, a background loop) does in
// its own time.

/** Polls `check` every `everyMs` until it passes (returns its result) or `ms` have gone by (throws its last error). */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
