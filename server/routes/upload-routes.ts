import { Hono } from 'hono';
import { cancelBodySchema, listQuerySchema, type UploadList } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { cancelUpload, INTERACTIVE_RETRY, type CancelDeps } from '#server/cancel/cancel-service.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { unixSeconds } from '#server/lib/clock.ts';
import { requireCancelRight } from '#server/lib/require-role.ts';
import { parseOptionalJsonBody, parseQuery, parseUploadId } from '#server/lib/validation.ts';
import { InvalidCursorError } from '#server/store/upload-store.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';

export function uploadRoutes(deps: CancelDeps) {
  const { clock, store } = deps;
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = parseQuery(c, listQuerySchema);
      const now = unixSeconds(clock);
      try {
        const [page, counts] = await Promise.all([store.listUploads(query, now), store.countByStatus(now)]);
        const body: UploadList = { object: 'list', data: page.data, has_more: page.nextCursor !== null, next_cursor: page.nextCursor, counts };
        return c.json(body);
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new ApiError(400, error.message, { param: 'cursor' });
        throw error;
      }
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
      const known = await store.getUpload(id, unixSeconds(clock));
      const result = await cancelUpload(deps, {
        id,
        actor: c.get('operator').name,
        // An id the console has never seen was pasted in: that is a cancel by id.
        source: !known ? 'by_id' : c.get('authVia') === 'cookie' ? 'dashboard' : 'api',
        reason: reason ?? null,
        retry: INTERACTIVE_RETRY,
      });
      if (result.error) throw dashboardErrorFor(result.error);
      if (result.audit?.request_id) c.header('x-request-id', result.audit.request_id);
      const upload = result.upload ?? result.record?.upload ?? (await store.getUpload(id, unixSeconds(clock)))?.upload;
      if (!upload) {
        // OpenAI confirmed the cancel ("already cancelled") but never showed us the object.
        throw new ApiError(502, `OpenAI confirms ${id} is cancelled but returned no Upload object for it.`, { type: 'upstream_error', code: 'upstream_no_object' });
      }
      return c.json(upload);
    });
}

/**
 * Maps an upstream failure to what the dashboard API answers. Upstream errors keep their status
 * and envelope, except a 401: that is the server's own key being rejected, and must not read
 * as the operator's session ending.
 */
export function dashboardErrorFor(error: UpstreamError): ApiError {
  const { message, type, param, code } = error.envelope.error;
  switch (error.kind) {
    case 'http':
      if (error.status === 401 || error.status === 403) {
        // OpenAI's message quotes part of the rejected key, so it is not passed on.
        return new ApiError(502, `OpenAI rejected this server's API key (${code ?? `status ${error.status}`}). Check OPENAI_API_KEY on the server.`, {
          type: 'upstream_auth_error',
          code: 'upstream_auth_failed',
        });
      }
      return new ApiError(error.status as 400, message, { type, param, code, headers: error.headers });
    case 'timeout':
      return new ApiError(504, message, { type, code });
    case 'unreachable':
    case 'bad_response':
      return new ApiError(502, message, { type, code });
  }
}
