import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { AppEnv } from '#server/app-env.ts';

/** Serves the built dashboard, with the SPA's index.html for every client-side route. */
export function staticRoutes(root: string) {
  const indexHtml = readFileSync(join(root, 'index.html'), 'utf8');
  return new Hono<AppEnv>()
    .use(
      '/assets/*',
      serveStatic({
        root,
        onFound: (_path, c) => {
          // Vite fingerprints asset names, so they never change under the same URL.
          c.header('cache-control', 'public, max-age=31536000, immutable');
        },
      }),
    )
    .use('*', serveStatic({ root }))
    .get('*', (c) => {
      c.header('cache-control', 'no-cache');
      return c.html(indexHtml);
    });
}
