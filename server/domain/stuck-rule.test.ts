import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createStuckRule, stuckSql } from './stuck-rule.ts';

const NOW = 1_800_000_000;
const rule = createStuckRule(600);

describe('the stuck rule', () => {
  it('idle: nothing for the threshold, counted from creation until a part arrives', () => {
    const base = { created_at: NOW - 3000, expires_at: NOW + 600, bytes: 1000 };
    expect(rule.reason({ ...base, bytes_received: 0, last_activity_at: NOW - 600 }, NOW)).toEqual({ reason: 'idle', message: 'No part received since it was created 10 min ago' });
    expect(rule.reason({ ...base, bytes_received: 10, last_activity_at: NOW - 7300 }, NOW)).toEqual({ reason: 'idle', message: 'No part received 2 h ago' });
    expect(rule.reason({ ...base, bytes_received: 0, last_activity_at: NOW - 599 }, NOW)).toBeNull();
  });

  it('too slow: at its pace so far it would not finish before it expires', () => {
    // 1,000 of 100,000 bytes in 10 minutes: the rest needs 990 minutes; it expires in 50.
    const slow = { created_at: NOW - 600, expires_at: NOW + 3000, bytes: 100_000, bytes_received: 1000, last_activity_at: NOW - 1 };
    expect(rule.reason(slow, NOW)).toEqual({ reason: 'too_slow', message: 'At its pace so far it needs 16 h more, but it expires in 50 min' });
    expect(rule.reason({ ...slow, bytes_received: 90_000 }, NOW)).toBeNull();
  });

  it('uses the threshold it was made with', () => {
    const idle = { created_at: NOW - 100, expires_at: NOW + 3500, bytes: 10, bytes_received: 0, last_activity_at: NOW - 30 };
    expect(createStuckRule(30).reason(idle, NOW)?.message).toBe('No part received since it was created 30 s ago');
    expect(createStuckRule(31).reason(idle, NOW)).toBeNull();
    expect(createStuckRule().afterSeconds).toBe(600);
  });

  it('refuses a threshold the SQL form could not bind as a whole number of seconds', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => createStuckRule(bad)).toThrow(RangeError);
  });
});

describe('the SQL form', () => {
  // SQLite evaluates the condition here; the store contract suite checks that each store uses it.
  const db = new Database(':memory:');
  db.exec('CREATE TABLE uploads (status TEXT, created_at INTEGER, expires_at INTEGER, bytes INTEGER, bytes_received INTEGER, last_activity_at INTEGER)');
  const insert = db.prepare('INSERT INTO uploads VALUES (@status, @created_at, @expires_at, @bytes, @bytes_received, @last_activity_at)');
  const stuck = db.prepare<{ now: number; stuck_after: number }, { stuck: number }>(`SELECT ${stuckSql({ now: '@now', stuckAfter: '@stuck_after' })} AS stuck FROM uploads`);
  const notStuck = db.prepare<{ now: number; stuck_after: number }, { n: number }>(`SELECT COUNT(*) AS n FROM uploads WHERE NOT ${stuckSql({ now: '@now', stuckAfter: '@stuck_after' })}`);
  afterAll(() => db.close());

  it('agrees with the rule on any upload, pending or not (property test)', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom('pending', 'pending', 'pending', 'cancelled', 'completed'),
          age: fc.integer({ min: 0, max: 4000 }),
          // Small ranges as well as large ones, so equal values (the boundaries) come up often.
          bytes: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 8_000_000_000 })),
          receivedShare: fc.constantFrom(0, 0.5, 1).chain((edge) => fc.oneof(fc.constant(edge), fc.double({ min: 0, max: 1, noNaN: true }))),
          idle: fc.oneof(fc.integer({ min: 595, max: 605 }), fc.integer({ min: 0, max: 4000 })),
        }),
        ({ status, age, bytes, receivedShare, idle }) => {
          const row = {
            status,
            created_at: NOW - age,
            expires_at: NOW - age + 3600,
            bytes,
            bytes_received: Math.floor(bytes * receivedShare),
            last_activity_at: Math.max(NOW - age, NOW - idle),
          };
          db.exec('DELETE FROM uploads');
          insert.run(row);
          const bySql = stuck.get({ now: NOW, stuck_after: rule.afterSeconds })!.stuck === 1;
          const byRule = status === 'pending' && row.expires_at > NOW && rule.reason(row, NOW) !== null;
          expect(bySql).toBe(byRule);
          expect(notStuck.get({ now: NOW, stuck_after: rule.afterSeconds })!.n).toBe(byRule ? 0 : 1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
