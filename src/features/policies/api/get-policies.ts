import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Policy, PolicyList } from '#contract/policies.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { policyKeys } from './policy-keys.ts';

/** Runs start on the server every interval: the page polls to show them. */
export const POLICIES_REFRESH_MS = 10_000;

export const policyShape: Expected<Policy> = { object: 'policy', keys: ['id', 'name', 'enabled', 'runs'] };
const policyListShape: Expected<PolicyList> = { object: 'list', keys: ['data', 'pause', 'interval_seconds'] };

export function getPolicies(signal?: AbortSignal): Promise<PolicyList> {
  return apiClient.get('/api/policies', policyListShape, { signal });
}

export function policiesQueryOptions() {
  return queryOptions({
    queryKey: policyKeys.lists(),
    queryFn: ({ signal }) => getPolicies(signal),
    refetchInterval: POLICIES_REFRESH_MS,
  });
}

export function usePolicies() {
  return useQuery(policiesQueryOptions());
}
