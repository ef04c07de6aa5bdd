// The console (proxy + dashboard API) in a process of its own, built by createConsole with a
// SQLite file store (WAL, recording on) or a PostgreSQL database, and an emulator in another
// process as upstream.
// Started by bench/lib/child.ts, so its memory can be read apart from the load generator's.
import { join } from 'node:path';
import { serveChild } from './lib/child-main.ts';
import { createBenchConsole } from './lib/console-app.ts';

interface ProxyChildUpstream {
  /** The emulator's base URL (…/v1). */
  upstreamUrl: string;
  upstreamKey: string;
}

/** Folder for the store's SQLite file, or a PostgreSQL database (postgres://…). */
export type ProxyChildConfig = ProxyChildUpstream & ({ dataDir: string; databaseUrl?: undefined } | { databaseUrl: string; dataDir?: undefined });

export interface ProxyChildReady {
  origin: string;
}

serveChild<ProxyChildConfig>(async (config) => {
  const store = config.databaseUrl ? { databaseUrl: config.databaseUrl } : { databasePath: join(config.dataDir!, 'console.sqlite') };
  const uploadsConsole = await createBenchConsole({ ...store, upstreamUrl: config.upstreamUrl, upstreamKey: config.upstreamKey });
  const { origin } = await uploadsConsole.listen({ port: 0, host: '127.0.0.1' });
  const ready: ProxyChildReady = { origin };
  return { ready, close: uploadsConsole.stop };
});
