// The /v1 middleware's route templates, and that it counts answers however they were made
// (refused tokens, bad ids, unknown paths), in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '#server/test-support/harness.ts';
import { parsePrometheusText } from '#server/test-support/prometheus-text.ts';
import { passThroughRoute } from './metrics-routes.ts';

describe('passThroughRoute', () => {
  it('names the route template, never the concrete path', () => {
    expect(
      [
        '/v1/uploads',
        '/v1/uploads/upload_abc/parts',
        '/v1/uploads/upload_abc/complete',
        '/v1/uploads/upload_abc/cancel',
        '/v1/openapi.json',
        '/v1/uploads/',
        '/v1/uploads//cancel',
        '/v1/uploads/upload_abc/cancel/more',
        '/v1/uploads/upload_abc',
        '/v1/uploads/upload_abc/retrieve',
        '/v1/files',
      ].map(passThroughRoute),
    ).toEqual([
      '/v1/uploads',
      '/v1/uploads/:upload_id/parts',
      '/v1/uploads/:upload_id/complete',
      '/v1/uploads/:upload_id/cancel',
      '/v1/openapi.json',
      'other',
      'other',
      'other',
      'other',
      'other',
      'other',
    ]);
  });
});

describe('the pass-through counter', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ metricsToken: 'metrics-token-for-tests-0123456789' });
  });
  afterAll(() => h.close());

  it('counts error answers made by onError too, by route and status', async () => {
    expect((await h.v1('/uploads/not-an-id/cancel')).status).toBe(404);
    expect((await h.v1('/files')).status).toBe(404);
    expect((await h.app.request('/v1/openapi.json')).status).toBe(200);
    const s = parsePrometheusText((await h.metrics!.render()).body);
    const count = (route: string, status: string) => s.value('uploads_console_pass_through_requests_total', { route, status });
    expect(count('/v1/uploads/:upload_id/cancel', '404')).toBe(1);
    expect(count('other', '404')).toBe(1);
    expect(count('/v1/openapi.json', '200')).toBe(1);
    // Nothing outside /v1 is counted as pass-through.
    await h.api('/api/uploads');
    expect(parsePrometheusText((await h.metrics!.render()).body).series('uploads_console_pass_through_requests_total')).toHaveLength(3);
  });
});
