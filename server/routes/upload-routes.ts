import { Hono } from 'hono';
import { listQuerySchema, type UploadList } from '../../contract/dashboard-api.ts';
import type { AppEnv } from '../app-env.ts';
import { ApiError } from '../lib/api-error.ts';
import { unixSeconds, type Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { parseQuery, parseUploadId } from '../lib/validation.ts';
import { InvalidCursorError, type UploadStore } from '../store/upload-store.ts';
import type { UpstreamClient } from '../upstream/openai-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

export interface UploadRouteDeps {
  clock: Clock;
  store: UploadStore;
  upstream: UpstreamClient;
  log: Logger;
}

export function uploadRoutes({ clock, store, upstream, log }: UploadRouteDeps) {
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
    .post('/:id/cancel', async (c) => {
      const id = parseUploadId(c.req.param('id'));
      const operator = c.get('operator');
      let result;
      try {
        result = await upstream.cancelUpload(id);
      } catch (error) {
        if (error instanceof UpstreamError) throw dashboardErrorFor(error);
        throw error;
      }
      try {
        await store.recordUpload(result.object, { at: unixSeconds(clock), via: 'cancel', actor: operator.name });
      } catch (error) {
        // The cancel happened upstream; failing to record it must not make it look as if it had not.
        log.error('could not record a cancelled upload', { id, error: String(error) });
      }
      if (result.requestId) c.header('x-request-id', result.requestId);
      return c.json(result.object);
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
