// GET /api/clients: each client's uploads counted (pending, stuck, total), so the list's Client
// filter can say whose uploads are stuck before anyone opens them.
import { Hono } from 'hono';
import type { ClientList } from '#contract/dashboard-api.ts';
import type { AppEnv } from '#server/app-env.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { UploadStore } from '#server/store/upload-store.ts';

export function clientRoutes({ clock, store }: { clock: Clock; store: UploadStore }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const body: ClientList = { object: 'list', data: await store.countByClient(unixSeconds(clock)) };
    return c.json(body);
  });
}
