import { Hono } from 'hono';
import { cancelBodySchema, listQuerySchema, type UploadList } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { INTERACTIVE_RETRY, type CancelService } from '#server/cancel/cancel-service.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import { requireCancelRight } from '#server/lib/require-role.ts';
import { parseOptionalJsonBody, parseQuery, parseUploadId } from '#server/lib/validation.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

export interface UploadRouteDeps {
  clock: Clock;
  store: UploadStore;
  cancels: CancelService;
}

export function uploadRoutes({ clock, store, cancels }: UploadRouteDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = parseQuery(c, listQuerySchema);
      const now = unixSeconds(clock);
      const [page, counts] = await Promise.all([store.listUploads(query, now), store.countByStatus(now)]);
      const body: UploadList = { object: 'list', data: page.data, has_more: page.nextCursor !== null, next_cursor: page.nextCursor, counts };
      return c.json(body);
    })
    .get('/:id', async (c) => {
      const id = parseUploadId(c.req.param('id'));
      const record = await store.getUpload(id, unixSeconds(clock));
      if (!record) throw new ApiError(404, `No such Upload object: ${id}`, { param: 'upload_id' });
      return c.json(record);
    })
    .get('/:id/timeline', async (c) => {
      const id = parseUploadId(c.req.param('id'));
      return c.json({ object: 'list', data: await store.timeline(id) });
    })
    .post('/:id/cancel', async (c) => {
      const id = parseUploadId(c.req.param('id'));
      requireCancelRight(c);
      const { reason } = await parseOptionalJsonBody(c, cancelBodySchema);
      const result = await cancels.cancel({ id, actor: c.get('operator').name, via: c.get('authVia'), reason: reason ?? null, retry: INTERACTIVE_RETRY });
      if (result.error) throw result.error;
      if (result.requestId) c.header('x-request-id', result.requestId);
      const upload = result.upload ?? result.record?.upload;
      if (!upload) {
        // OpenAI confirmed the cancel ("already cancelled") but never showed us the object.
        throw new ApiError(502, `OpenAI confirms ${id} is cancelled but returned no Upload object for it.`, { type: 'upstream_error', code: 'upstream_no_object' });
      }
      return c.json(upload);
    });
}
