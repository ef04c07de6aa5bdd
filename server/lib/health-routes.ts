// For load balancers and orchestrators, without auth: /healthz says the process is alive (it
// touches nothing, so a slow database cannot get a healthy replica restarted), /readyz whether it
// should be sent traffic. Both answer booleans only: no version, host, or error text.
import { Hono } from 'hono';
import type { AppEnv } from '#server/app-env.ts';

export interface Readiness {
  /** Everything below holds: send traffic here. */
  ready: boolean;
  /** The store answered a query just now. */
  store: boolean;
  /** The schema is migrated (the store opens only once it is, so a running console has it). */
  migrations: boolean;
  /** This replica hears every change (on PostgreSQL: its listener is connected; always on SQLite). */
  live: boolean;
  /** Shutting down: finishing what it has, taking nothing new. */
  stopping: boolean;
}

export function healthRoutes(readiness: () => Promise<Readiness>) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ ok: true });
    })
    .get('/readyz', async (c) => {
      const report = await readiness();
      c.header('cache-control', 'no-store');
      return c.json(report, report.ready ? 200 : 503);
    });
}

/** Resolves true if `check` resolves within `ms`, false if it rejects or takes longer. */
export async function answersWithin(check: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([check().then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
