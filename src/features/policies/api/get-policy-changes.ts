import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PolicyChangeList } from '#contract/policies.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { POLICIES_REFRESH_MS } from './get-policies.ts';
import { policyKeys } from './policy-keys.ts';

const changeListShape: Expected<PolicyChangeList> = { object: 'list', keys: ['data'] };

export function getPolicyChanges(signal?: AbortSignal): Promise<PolicyChangeList> {
  return apiClient.get('/api/policies/changes', changeListShape, { signal });
}

export function policyChangesQueryOptions() {
  return queryOptions({
    queryKey: policyKeys.changes(),
    queryFn: ({ signal }) => getPolicyChanges(signal),
    refetchInterval: POLICIES_REFRESH_MS,
  });
}

export function usePolicyChanges() {
  return useQuery(policyChangesQueryOptions());
}
