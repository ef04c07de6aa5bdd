/**
 * Counts failed sign-in attempts per client address in a sliding window; past the limit the
 * address is refused (429) until the window has room again, whatever token it sends.
 */
export class FailedAttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Milliseconds until this address may try again; 0 when it may try now. */
  blockedFor(address: string): number {
    const recent = this.recent(address);
    return recent.length >= this.limit ? recent[0]! + this.windowMs - this.now() : 0;
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const address of this.failures.keys()) if (this.recent(address).length === 0) this.failures.delete(address);
  }
}
