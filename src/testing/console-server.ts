// A small stand-in for the console's /api, on top of mockFetch: enough of the list, cancel and
// bulk-cancel endpoints for component tests, with every request recorded.
import type { BulkCancelJob, UploadRecord } from '#contract/dashboard-api.ts';
import { errorResponse, jsonResponse, mockFetch, type MockRequest } from './fetch-mock.ts';
import { makeList } from './fixtures.ts';

export interface ConsoleServerOptions {
  onCancel?: (id: string, request: MockRequest) => Response | Promise<Response>;
  onBulkCancel?: (request: MockRequest) => Response | Promise<Response>;
  onJob?: (id: string) => Response | Promise<Response>;
  running?: BulkCancelJob[];
}

export function serveConsole(records: UploadRecord[], options: ConsoleServerOptions = {}) {
  const server = { records, requests: [] as MockRequest[] };
  const fetchMock = mockFetch((request) => {
    server.requests.push(request);
    const { method, url } = request;
    if (method === 'GET' && url.pathname === '/api/uploads') {
      const status = url.searchParams.get('status');
      const q = url.searchParams.get('q')?.toLowerCase();
      const data = server.records.filter(
        (record) =>
          (!status || record.status === status) &&
          (url.searchParams.get('stuck') !== 'true' || record.stuck !== null) &&
          (!url.searchParams.get('client') || record.client?.name === url.searchParams.get('client')) &&
          (!q || record.upload.filename.toLowerCase().includes(q) || record.upload.id.startsWith(q)),
      );
      return jsonResponse(makeList(data));
    }
    if (method === 'GET' && url.pathname === '/api/clients') {
      const byName = new Map<string, { name: string; pending: number; stuck: number; total: number }>();
      for (const { client, status, stuck } of server.records) {
        if (!client) continue;
        const counts = byName.get(client.name) ?? { name: client.name, pending: 0, stuck: 0, total: 0 };
        counts.total += 1;
        if (status === 'pending') counts.pending += 1;
        if (status === 'pending' && stuck) counts.stuck += 1;
        byName.set(client.name, counts);
      }
      return jsonResponse({ object: 'list', data: [...byName.values()] });
    }
    const cancel = /^\/api\/uploads\/([^/]+)\/cancel$/.exec(url.pathname);
    if (method === 'POST' && cancel) {
      const id = decodeURIComponent(cancel[1]!);
      if (options.onCancel) return options.onCancel(id, request);
      const record = server.records.find((candidate) => candidate.upload.id === id);
      return record ? jsonResponse({ ...record.upload, status: 'cancelled' }) : errorResponse(404, `No such Upload object: ${id}`);
    }
    if (method === 'POST' && url.pathname === '/api/bulk-cancels/preview') {
      const body = request.body as { ids?: string[] };
      const ids = body.ids ?? server.records.map((record) => record.upload.id);
      const known = server.records.filter((record) => ids.includes(record.upload.id));
      const cancellable = known.filter((record) => record.status === 'pending').length;
      return jsonResponse({ cancellable, skipped: known.length - cancellable, unknown: body.ids ? ids.length - known.length : 0 });
    }
    if (method === 'POST' && url.pathname === '/api/bulk-cancels') {
      return options.onBulkCancel ? options.onBulkCancel(request) : errorResponse(500, 'no bulk cancels in this test');
    }
    if (method === 'GET' && url.pathname === '/api/bulk-cancels') {
      return jsonResponse({ object: 'list', data: options.running ?? [] });
    }
    const job = /^\/api\/bulk-cancels\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && job) {
      return options.onJob ? options.onJob(job[1]!) : errorResponse(404, 'No such bulk cancel');
    }
    return errorResponse(404, `Invalid URL (${method} ${url.pathname})`);
  });
  const requestsTo = (method: string, pattern: RegExp) => server.requests.filter((r) => r.method === method && pattern.test(r.url.pathname));
  return { server, fetchMock, requestsTo };
}
