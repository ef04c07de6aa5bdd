// The console (proxy + dashboard API) in a process of its own, built as harness.ts builds it but
// with a SQLite file store (WAL, recording on) and an emulator in another process as upstream.
// Started by bench/lib/child.ts, so its memory can be read apart from the load generator's.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { openSqliteStore } from '#server/store/sqlite-store.ts';
import { createUpstreamClient } from '#server/upstream/openai-client.ts';
import { serveChild } from './lib/child-main.ts';
import { createConsoleApp } from './lib/console-app.ts';

export interface ProxyChildConfig {
  /** The emulator's base URL (…/v1). */
  upstreamUrl: string;
  upstreamKey: string;
  /** Folder for the store's SQLite file. */
  dataDir: string;
}

export interface ProxyChildReady {
  origin: string;
}

serveChild<ProxyChildConfig>(async (config) => {
  const store = openSqliteStore(join(config.dataDir, 'console.sqlite'));
  const upstream = createUpstreamClient({ baseUrl: config.upstreamUrl, apiKey: config.upstreamKey, timeoutMs: 30_000 });
  const app = createConsoleApp({ store, upstream });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const ready: ProxyChildReady = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  return {
    ready,
    async close() {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
      await store.close();
    },
  };
});
