// The two descriptions cover exactly the routes the real app serves, every reference in them
// resolves, and they are served where they say, with the auth they say.
import { Hono } from 'hono';
import { ApiError } from '#server/lib/api-error.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUploadRequestSchema, errorEnvelopeSchema, MAX_UPLOAD_BYTES, MAX_UPLOAD_PART_BYTES, CREATE_UPLOAD_PURPOSES, FILE_EXPIRY_SECONDS } from '#contract/uploads.ts';
import * as emulatorPolicy from '#server/emulator/policy.ts';
import { CLIENT_TOKEN, OPERATOR_TOKEN, startHarness, type Harness } from '#server/test-support/harness.ts';
import { describeApi } from './api-description.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { openApiDocumentSchema, type OpenApiDocument } from './openapi-document.ts';
import { serveApiDescription } from './serve-description.ts';
import { describeV1 } from './v1-description.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** `METHOD /full/path/{param}` for every operation of a description, its server's path in front. */
function describedOperations(document: OpenApiDocument): string[] {
  const base = document.servers[0]!.url;
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${base}${path}`),
  );
}

/**
 * Every concrete route the app registered under a prefix, read from the app itself (as
 * server/security.test.ts does) so none is missed: catch-alls and middleware-only entries aside,
 * `:param` written as OpenAPI's `{param}`.
 */
function servedOperations(prefix: string): string[] {
  const routes = h.app.routes
    .filter((r) => r.path.startsWith(`${prefix}/`) && r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
  return [...new Set(routes)];
}

/**
 * The lead mounts GET /api/openapi.json in server/app.ts (line in /tmp/coord/H10-openapi.md).
 * Until then it is counted as served, and the handler is checked on a test app below.
 */
const AWAITING_MOUNT = 'GET /api/openapi.json';

describe('route coverage', () => {
  it('describes every /v1 route the proxy serves, and nothing it does not', () => {
    const served = servedOperations('/v1');
    expect(served.length).toBeGreaterThanOrEqual(5);
    expect(describedOperations(describeV1()).sort()).toEqual(served.sort());
  });

  it('describes every /api route the dashboard API serves, and nothing it does not', () => {
    const served = servedOperations('/api');
    if (!served.includes(AWAITING_MOUNT)) served.push(AWAITING_MOUNT);
    expect(served.length).toBeGreaterThanOrEqual(14);
    expect(describedOperations(describeApi()).sort()).toEqual(served.sort());
  });
});

/** Every `$ref` in a document, with where it points. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

function resolve(document: OpenApiDocument, pointer: string): unknown {
  expect(pointer.startsWith('#/'), pointer).toBe(true);
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

describe.each([
  ['/v1', describeV1()],
  ['/api', describeApi()],
])('the %s description', (_surface, document) => {
  it('is an OpenAPI 3.1 document whose every reference resolves', () => {
    expect(openApiDocumentSchema.safeParse(document).success).toBe(true);
    for (const pointer of refs(document)) expect(resolve(document, pointer), pointer).toBeDefined();
  });

  it('names each operation once, and describes an error answer for every operation in the OpenAI envelope', () => {
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, response] of Object.entries(document.components.responses)) {
      expect((response as { content: Record<string, { schema: unknown }> }).content['application/json']?.schema, name).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    }
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item)) {
        expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), operation.operationId).toBe(true);
        expect(Object.keys(operation.responses), operation.operationId).toContain('5XX');
      }
    }
  });

  it('links only to operations it has, with parameters they take', () => {
    const operations = new Map(Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => [operation.operationId, operation] as const)));
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item)) {
        for (const response of Object.values(operation.responses)) {
          const links = (response as { links?: Record<string, { operationId: string; parameters?: Record<string, string> }> }).links ?? {};
          for (const [name, link] of Object.entries(links)) {
            const target = operations.get(link.operationId);
            expect(target, `${operation.operationId} → ${name}`).toBeDefined();
            const names = ((target!.parameters ?? []) as { name: string }[]).map((p) => p.name);
            for (const parameter of Object.keys(link.parameters ?? {})) expect(names, `${operation.operationId} → ${name}`).toContain(parameter);
          }
        }
      }
    }
  });
});

describe('what the /v1 description says of the request bodies', () => {
  it('uses the limits and purposes the emulator enforces', () => {
    // contract/uploads.ts holds OpenAI's request shapes; the emulator's policy must say the same.
    expect(MAX_UPLOAD_BYTES).toBe(emulatorPolicy.MAX_UPLOAD_BYTES);
    expect(MAX_UPLOAD_PART_BYTES).toBe(emulatorPolicy.MAX_PART_BYTES);
    expect([...CREATE_UPLOAD_PURPOSES]).toEqual([...emulatorPolicy.UPLOAD_PURPOSES]);
    expect(FILE_EXPIRY_SECONDS).toEqual(emulatorPolicy.FILE_EXPIRY_SECONDS);
  });

  it('accepts what the upstream accepts and refuses what it refuses, for a few bodies', async () => {
    const bodies: unknown[] = [
      { filename: 'a.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' },
      { filename: 'a.jsonl', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl', expires_after: { anchor: 'created_at', seconds: 3600 } },
      { filename: '', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl' },
      { filename: 'a', purpose: 'batch', bytes: 0, mime_type: 'application/jsonl' },
      { filename: 'a', purpose: 'batch', bytes: 1.5, mime_type: 'application/jsonl' },
      { filename: 'a', purpose: 'nope', bytes: 1, mime_type: 'application/jsonl' },
      { filename: 'a', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl', extra: true },
      { filename: 'a', purpose: 'batch', bytes: 1, mime_type: 'application/jsonl', expires_after: { anchor: 'created_at', seconds: 10 } },
    ];
    for (const body of bodies) {
      const res = await h.v1('/uploads', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status === 200, JSON.stringify(body)).toBe(createUploadRequestSchema.safeParse(body).success);
    }
  });
});

describe('serving the descriptions', () => {
  it('answers GET /v1/openapi.json without a client token (like OpenAI\'s published spec)', async () => {
    const res = await h.app.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(describeV1())));
  });

  it('still asks for a client token on every other /v1 route', async () => {
    const res = await h.app.request('/v1/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
    expect((await h.v1('/uploads/upload_abc/cancel', { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } })).status).toBe(404);
  });

  it('answers GET /api/openapi.json to a signed-in operator only', async () => {
    const mounted = h.app.routes.some((r) => `${r.method} ${r.path}` === AWAITING_MOUNT);
    // The mount in app.ts, or meanwhile the same handler behind the same guard on a test app.
    const app = mounted
      ? h.app
      : new Hono().use('/api/*', async (c, next) => (c.req.header('authorization') === `Bearer ${OPERATOR_TOKEN}` ? next() : c.json({}, 401))).get('/api/openapi.json', serveApiDescription);
    expect((await app.request('/api/openapi.json')).status).toBe(401);
    const res = await app.request('/api/openapi.json', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(describeApi())));
  });
});

describe('a described path asked with a method it does not take', () => {
  // The mount in app.ts (line in /tmp/coord/H10-openapi.md), or meanwhile the same middleware on a test app.
  const mounted = () => h.app.routes.some((r) => r.method === 'ALL' && r.handler.name === 'methodNotAllowedHandler');
  function testApp() {
    const app = new Hono();
    app.use('/api/*', methodNotAllowed(describeApi()));
    app.get('/api/uploads', (c) => c.json({}));
    app.get('/api/bulk-cancels/:id', (c) => c.json({}));
    app.all('/api/*', () => {
      throw new ApiError(404, 'Invalid URL');
    });
    app.onError((error, c) => {
      if (!(error instanceof ApiError)) throw error;
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.envelope, error.status);
    });
    return app;
  }
  const call = async (path: string, method: string) =>
    await (mounted() ? h.app : testApp()).request(path, { method, headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });

  it('is a 405 naming the methods it does take', async () => {
    const res = await call('/api/uploads', 'PUT');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(errorEnvelopeSchema.safeParse(await res.json()).success).toBe(true);
    const withParameter = await call('/api/bulk-cancels/bulk_0123456789abcdef01234567', 'DELETE');
    expect(withParameter.status).toBe(405);
    expect(withParameter.headers.get('allow')).toBe('GET, HEAD');
    expect((await call('/api/bulk-cancels', 'PATCH')).headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('matches a concrete path before a templated one, as OpenAPI does', async () => {
    // Not the job "preview": the preview, which takes POST only.
    const res = await call('/api/bulk-cancels/preview', 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('lets a method the path takes through', async () => {
    expect((await call('/api/uploads', 'GET')).status).toBe(200);
  });

  it('leaves a path the API does not have to the 404', async () => {
    expect((await call('/api/nothing-here', 'PUT')).status).toBe(404);
    expect((await call('/api/uploads/upload_abc/nothing', 'GET')).status).toBe(404);
  });
});
