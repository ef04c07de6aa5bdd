// How a client (the token an upload came through, and its software) reads on screen: in the
// list's Client filter, its column and an upload's page. Written once here.
import type { ClientCounts, UploadClient } from '#contract/dashboard-api.ts';

/** An option of the Client filter: the counts an operator decides by, before opening the list. */
export function clientOptionLabel(counts: ClientCounts): string {
  return `${counts.name} — ${counts.pending} pending, ${counts.stuck} stuck`;
}

/** Most stuck first (whose uploads to look at), then most pending, then by name. */
export function clientsByUrgency(clients: readonly ClientCounts[]): ClientCounts[] {
  return [...clients].sort((a, b) => b.stuck - a.stuck || b.pending - a.pending || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Said where an upload has no client: the console saw it only through a cancel by id. */
export const NO_CLIENT_TEXT = 'No client: seen only through a cancel by id';

/** The software in words, e.g. "node 6.49.0", or that the request named none. */
export function sdkLabel(client: UploadClient): string {
  return client.sdk ?? 'software not named';
}
