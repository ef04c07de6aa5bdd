// The handlers that answer GET /api/openapi.json and GET /v1/openapi.json. Each document is built
// once, on first request, and answered as is after that.
import type { Context } from 'hono';
import { describeApi } from './api-description.ts';
import type { OpenApiDocument } from './openapi-document.ts';
import { describeV1, type V1DescriptionOptions } from './v1-description.ts';

function serve(build: () => OpenApiDocument) {
  let document: OpenApiDocument | null = null;
  return (c: Context) => {
    document ??= build();
    c.header('cache-control', 'no-cache');
    return c.json(document);
  };
}

/** GET /api/openapi.json (mounted after requireOperator). */
export const serveApiDescription = serve(describeApi);

/** GET /v1/openapi.json, for a proxy with these limits. */
export const serveV1Description = (options: V1DescriptionOptions) => serve(() => describeV1(options));
