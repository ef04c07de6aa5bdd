// What every UploadStore does for alerts (part of the contract suite, store-contract.ts): a state
// moves by compare-and-set with its message enqueued once, messages are claimed under leases and
// settled once, so several replicas on one database send each message once.
import { describe, expect, it } from 'vitest';
import type { LeaseTerms, NewAlert, UploadStore } from './upload-store.ts';

const T = 1_800_000_000_000;
const LEASE = 30_000;
const terms = (owner: string, now = T): LeaseTerms => ({ owner, now, leaseMs: LEASE });
const message = (key: string, created_at = T): NewAlert => ({ key, body: JSON.stringify({ text: key }), created_at });

export function describeAlertOutbox(fresh: () => void, current: () => UploadStore): void {
  describe('alert outbox', () => {
    fresh();
    const stuck = (to: string, key: string, at = T) => current().transitionAlertState({ name: 'stuck', initial: 'below', to, message: message(key, at) });

    it('moves a state only when it changes, enqueueing its message then and only then', async () => {
      expect(await stuck('below', 'k0')).toBe(false); // absent counts as the initial state
      expect(await stuck('above', 'k1')).toBe(true);
      expect(await stuck('above', 'k2')).toBe(false);
      expect(await stuck('below', 'k3', T + 1)).toBe(true);
      const claimed = await current().claimAlerts({ ...terms('a', T + 2), limit: 10 });
      expect(claimed.map((m) => [m.key, m.body, m.attempts])).toEqual([
        ['k1', JSON.stringify({ text: 'k1' }), 1],
        ['k3', JSON.stringify({ text: 'k3' }), 1],
      ]);
    });

    it('of many replicas moving the state at once, exactly one does, and one message is queued', async () => {
      const moved = await Promise.all(Array.from({ length: 6 }, (_, i) => stuck('above', `rise-${i}`)));
      expect(moved.filter(Boolean)).toHaveLength(1);
      expect(await current().claimAlerts({ ...terms('a'), limit: 10 })).toHaveLength(1);
    });

    it('enqueues a message once per key', async () => {
      const queued = await Promise.all([current().enqueueAlert(message('policy:job_1')), current().enqueueAlert(message('policy:job_1'))]);
      expect(queued.sort()).toEqual([false, true]);
      expect(await current().enqueueAlert(message('policy:job_2'))).toBe(true);
      expect((await current().claimAlerts({ ...terms('a'), limit: 10 })).map((m) => m.key)).toEqual(['policy:job_1', 'policy:job_2']);
    });

    it('hands each due message to one claimant at a time; a sent one never again', async () => {
      for (let i = 0; i < 5; i++) await current().enqueueAlert(message(`m${i}`));
      const [a, b] = await Promise.all([current().claimAlerts({ ...terms('a'), limit: 3 }), current().claimAlerts({ ...terms('b'), limit: 3 })]);
      const keys = [...a!, ...b!].map((m) => m.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(await current().claimAlerts({ ...terms('c', T + LEASE - 1), limit: 10 })).toEqual([]);
      for (const m of a!) expect(await current().settleAlert('a', m.id, { sent: true, at: T + 5 })).toBe(true);
      // b died holding its messages: once its lease is over they are another's, and b can no longer settle them.
      const taken = await current().claimAlerts({ ...terms('c', T + LEASE), limit: 10 });
      expect(taken.map((m) => [m.key, m.attempts]).sort()).toEqual(b!.map((m) => [m.key, 2]).sort());
      for (const m of b!) expect(await current().settleAlert('b', m.id, { sent: true, at: T + LEASE })).toBe(false);
      for (const m of taken) expect(await current().settleAlert('c', m.id, { sent: true, at: T + LEASE })).toBe(true);
      expect(await current().claimAlerts({ ...terms('d', T + 10 * LEASE), limit: 10 })).toEqual([]);
    });

    it('a failed attempt waits until its retry time; a given-up message is never claimed again', async () => {
      await current().enqueueAlert(message('retry'));
      await current().enqueueAlert(message('hopeless'));
      const [retry, hopeless] = await current().claimAlerts({ ...terms('a'), limit: 10 });
      expect(await current().settleAlert('a', retry!.id, { sent: false, at: T, error: 'HTTP 500', retryAt: T + 2000 })).toBe(true);
      expect(await current().settleAlert('a', hopeless!.id, { sent: false, at: T, error: 'HTTP 404', retryAt: null })).toBe(true);
      expect(await current().claimAlerts({ ...terms('a', T + 1999), limit: 10 })).toEqual([]);
      const again = await current().claimAlerts({ ...terms('b', T + 2000), limit: 10 });
      expect(again.map((m) => [m.key, m.attempts])).toEqual([['retry', 2]]);
      // Settled once: a second settlement of the same attempt changes nothing.
      expect(await current().settleAlert('b', again[0]!.id, { sent: true, at: T + 2001 })).toBe(true);
      expect(await current().settleAlert('b', again[0]!.id, { sent: false, at: T + 2002, error: 'late', retryAt: T + 3000 })).toBe(false);
      expect(await current().claimAlerts({ ...terms('b', T + 100_000), limit: 10 })).toEqual([]);
    });

    it('retention deletes settled messages queued by the cutoff, never one still to send', async () => {
      for (const [key, at] of [['sent', T], ['given-up', T + 1], ['due', T], ['sent-later', T + 10]] as const) await current().enqueueAlert(message(key, at));
      const claimed = await current().claimAlerts({ ...terms('a', T + 20), limit: 10 });
      const byKey = new Map(claimed.map((m) => [m.key, m.id]));
      await current().settleAlert('a', byKey.get('sent')!, { sent: true, at: T + 20 });
      await current().settleAlert('a', byKey.get('sent-later')!, { sent: true, at: T + 20 });
      await current().settleAlert('a', byKey.get('given-up')!, { sent: false, at: T + 20, error: 'HTTP 404', retryAt: null });
      await current().settleAlert('a', byKey.get('due')!, { sent: false, at: T + 20, error: 'HTTP 500', retryAt: T + 30 });
      expect(await current().purgeSettledAlerts(T + 5, 1)).toBe(1);
      expect(await current().purgeSettledAlerts(T + 5, 10)).toBe(1);
      expect(await current().purgeSettledAlerts(T + 5, 10)).toBe(0);
      expect((await current().claimAlerts({ ...terms('a', T + 30), limit: 10 })).map((m) => m.key)).toEqual(['due']);
    });
  });
}
