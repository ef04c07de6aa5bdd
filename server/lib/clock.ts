/** Injectable time source. Everything that reads "now" on the server takes one of these. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that runs with real time but can be moved, so demo data can be backdated. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  setOffsetSeconds(seconds: number): void {
    this.offsetMs = seconds * 1000;
  }
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}

/** A clock that only moves when told to (unit tests). */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export const unixSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
