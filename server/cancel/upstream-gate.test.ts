import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { silentLogger } from '#server/lib/logger.ts';
import { openStore } from '#server/store/open-store.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import { SharedUpstreamGate } from './upstream-gate.ts';

describe('SharedUpstreamGate', () => {
  let store: UploadStore;
  let now: number;
  beforeEach(async () => {
    store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule() });
    now = 1_800_000_000_000;
  });
  afterEach(() => store.close());
  const gate = () => new SharedUpstreamGate(store, { now: () => now, cacheMs: 250, log: silentLogger });

  it("one replica's 429 holds the others, who hear of it within the cache time", async () => {
    const told = gate();
    const other = gate();
    expect(await other.waitMs()).toBe(0);
    await told.closeFor(2_000);
    expect(await told.waitMs()).toBe(2_000);
    // Read 100 ms ago: the other still goes by that read...
    now += 100;
    expect(await other.waitMs()).toBe(0);
    // ...and after the cache time it reads the pause, from the store.
    now += 150;
    expect(await other.waitMs()).toBe(1_750);
    expect(await gate().waitMs()).toBe(1_750);
    now += 1_750;
    expect(await other.waitMs()).toBe(0);
  });

  it('never shortens a pause, and keeps pausing on what it knows when the store cannot be read', async () => {
    const g = gate();
    await g.closeFor(5_000);
    await g.closeFor(1_000);
    expect(await g.waitMs()).toBe(5_000);
    await store.close();
    now += 1_000;
    expect(await g.waitMs()).toBe(4_000);
    await g.closeFor(10_000); // logged, not thrown
    expect(await g.waitMs()).toBe(10_000);
    store = await openStore({ databasePath: ':memory:', stuckRule: createStuckRule() });
  });
});
