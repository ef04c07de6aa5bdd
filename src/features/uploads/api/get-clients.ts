import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ClientCounts, ClientList } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { uploadKeys } from './upload-keys.ts';

/** Stuck is a matter of time passing: the counts are asked again this often while shown (and after live upload events, see live-updates.ts). */
export const CLIENTS_REFRESH_MS = 15_000;

const clientListShape: Expected<ClientList> = { object: 'list', keys: ['data'] };

export function getClients(signal?: AbortSignal): Promise<ClientCounts[]> {
  return apiClient.get('/api/clients', clientListShape, { signal }).then((list) => list.data);
}

/** Each client's pending, stuck and total uploads, for the list's Client filter. */
export function clientsQueryOptions() {
  return queryOptions({
    queryKey: uploadKeys.clients(),
    queryFn: ({ signal }) => getClients(signal),
    refetchInterval: CLIENTS_REFRESH_MS,
  });
}

export function useClients() {
  return useQuery(clientsQueryOptions());
}
