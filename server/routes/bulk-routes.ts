import { Hono } from 'hono';
import { BULK_CANCEL_ID_PATTERN, bulkCancelBodySchema, bulkCancelListQuerySchema, type BulkCancelPreview } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import type { BulkCancelRunner } from '#server/cancel/bulk-cancel-runner.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import { requireCancelRight } from '#server/lib/require-role.ts';
import { parseJsonBody, parseQuery } from '#server/lib/validation.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

export interface BulkRouteDeps {
  clock: Clock;
  store: UploadStore;
  runner: BulkCancelRunner;
}

export function bulkRoutes({ clock, store, runner }: BulkRouteDeps) {
  return new Hono<AppEnv>()
    .post('/preview', async (c) => {
      const request = await parseJsonBody(c, bulkCancelBodySchema);
      const now = unixSeconds(clock);
      let preview: BulkCancelPreview;
      if ('ids' in request) {
        const ids = [...new Set(request.ids)];
        const known = await store.getUploads(ids, now);
        const cancellable = [...known.values()].filter((r) => r.status === 'pending').length;
        preview = { cancellable, skipped: known.size - cancellable, unknown: ids.length - known.size };
      } else {
        preview = { ...(await store.countMatching(request.filter, now)), unknown: 0 };
      }
      return c.json(preview);
    })
    .post('/', async (c) => {
      requireCancelRight(c);
      const request = await parseJsonBody(c, bulkCancelBodySchema);
      const job = await runner.start(request, c.get('operator').name);
      return c.json(job, 202);
    })
    .get('/', async (c) => {
      const { state } = parseQuery(c, bulkCancelListQuerySchema);
      return c.json({ object: 'list', data: await store.listJobs(state) });
    })
    .get('/:id', async (c) => {
      const id = c.req.param('id');
      if (!BULK_CANCEL_ID_PATTERN.test(id)) throw new ApiError(400, 'Invalid bulk cancel id: it must look like bulk_ followed by 24 hex digits.', { param: 'id' });
      const job = await store.getJob(id, true);
      if (!job) throw new ApiError(404, `No such bulk cancel: ${id}`, { param: 'id' });
      return c.json(job);
    });
}
