import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkCancelPreviewSchema, uploadActivitySchema, uploadListSchema, type UploadActivity } from '#contract/dashboard-api.ts';
import { startHarness, type Harness } from '#server/test-support/harness.ts';
import { createUploadVia, expectEnvelope } from '#server/test-support/http-checks.ts';
import { activityWindow } from './activity-routes.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const activity = async (query = ''): Promise<UploadActivity> => {
  const res = await h.api(`/api/uploads/activity${query}`);
  expect(res.status).toBe(200);
  return uploadActivitySchema.parse(await res.json());
};

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('activity windows', () => {
  it('cuts each window into whole buckets aligned on their length, the last one holding now', () => {
    const now = 1_800_000_123;
    expect(activityWindow('1h', now)).toEqual({ from: 1_800_000_300 - 12 * 300, to: 1_800_000_300, bucketSeconds: 300 });
    expect(activityWindow('24h', now)).toEqual({ from: 1_800_003_600 - 24 * 3600, to: 1_800_003_600, bucketSeconds: 3600 });
    const week = activityWindow('7d', now);
    expect(week.to % 21_600).toBe(0);
    expect(week.to - week.from).toBe(7 * 86_400);
    expect(week.to - 21_600 <= now && now < week.to).toBe(true);
  });
});

describe('GET /api/uploads/activity', () => {
  it('counts the uploads created in each bucket by status, every bucket of the window listed', async () => {
    const kept = await createUploadVia(h, 'activity-kept.jsonl');
    const dropped = await createUploadVia(h, 'activity-dropped.jsonl');
    expect((await h.api(`/api/uploads/${dropped.id}/cancel`, { method: 'POST' })).status).toBe(200);

    const hour = await activity('?window=1h');
    expect(hour).toMatchObject({ window: '1h', bucket_seconds: 300 });
    expect(hour.buckets).toHaveLength(12);
    hour.buckets.forEach((bucket, i) => {
      expect(bucket.start).toBe(hour.start + i * 300);
      expect(bucket.end).toBe(bucket.start + 300);
    });
    expect(hour.end).toBe(hour.buckets.at(-1)!.end);
    const holding = hour.buckets.find((b) => b.start <= kept.created_at && kept.created_at < b.end)!;
    expect(holding.counts.pending).toBeGreaterThanOrEqual(1);
    expect(holding.counts.cancelled).toBeGreaterThanOrEqual(1);
    for (const key of ['pending', 'completed', 'cancelled', 'expired', 'stuck'] as const) {
      expect(hour.totals[key]).toBe(hour.buckets.reduce((sum, b) => sum + b.counts[key], 0));
    }

    // The default window is a day of hours; a week is 28 buckets of 6 hours.
    const day = await activity();
    expect(day).toMatchObject({ window: '24h', bucket_seconds: 3600 });
    expect(day.buckets).toHaveLength(24);
    expect(day.totals.pending + day.totals.cancelled).toBe(hour.totals.pending + hour.totals.cancelled);
    expect((await activity('?window=7d')).buckets).toHaveLength(28);

    // A bucket's bounds are the list's created-time filter for its uploads, and bulk cancel's.
    const list = uploadListSchema.parse(await (await h.api(`/api/uploads?created_after=${holding.start}&created_before=${holding.end}&limit=500`)).json());
    expect(list.data.map((r) => r.upload.id)).toEqual(expect.arrayContaining([kept.id, dropped.id]));
    expect(list.data.every((r) => r.upload.created_at >= holding.start && r.upload.created_at < holding.end)).toBe(true);
    expect(list.data).toHaveLength(holding.counts.pending + holding.counts.completed + holding.counts.cancelled + holding.counts.expired);
    const preview = bulkCancelPreviewSchema.parse(
      await (await h.api('/api/bulk-cancels/preview', json({ filter: { created_after: holding.start, created_before: holding.end } }))).json(),
    );
    expect(preview.cancellable).toBe(holding.counts.pending);
    const after = uploadListSchema.parse(await (await h.api(`/api/uploads?created_after=${holding.end}`)).json());
    expect(after.data.map((r) => r.upload.id)).not.toContain(kept.id);
  });

  it('answers a bad window or created-time filter with a 400 naming it', async () => {
    expect((await expectEnvelope(await h.api('/api/uploads/activity?window=2h'), 400)).param).toBe('window');
    expect((await expectEnvelope(await h.api('/api/uploads?created_after=yesterday'), 400)).param).toBe('created_after');
    expect((await expectEnvelope(await h.api('/api/uploads?created_before='), 400)).param).toBe('created_before');
    expect((await expectEnvelope(await h.api('/api/uploads?created_before=-5'), 400)).param).toBe('created_before');
    // In a JSON body a moment is a number, not a string z.coerce would have read.
    for (const moment of [null, true, '', '1800000000']) {
      await expectEnvelope(await h.api('/api/bulk-cancels/preview', json({ filter: { created_after: moment } })), 400);
    }
  });

  it('is an operator route: no token, no answer; and it takes GET only', async () => {
    await expectEnvelope(await h.app.request('/api/uploads/activity'), 401);
    const post = await h.api('/api/uploads/activity', { method: 'POST' });
    await expectEnvelope(post, 405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
