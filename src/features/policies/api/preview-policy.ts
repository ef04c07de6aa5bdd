import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { PolicyDraft, PolicyPreview } from '#contract/policies.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { policyKeys } from './policy-keys.ts';

export type PolicyRuleDraft = Omit<PolicyDraft, 'name' | 'enabled'>;

const previewShape: Expected<PolicyPreview> = { object: 'list', keys: ['data', 'total'] };

/** What the rule would cancel right now (the server runs the same filter a run does). */
export function previewPolicy(rule: PolicyRuleDraft, signal?: AbortSignal): Promise<PolicyPreview> {
  return apiClient.post('/api/policies/preview', previewShape, { body: rule, signal });
}

export function policyPreviewQueryOptions(rule: PolicyRuleDraft) {
  return queryOptions({
    queryKey: policyKeys.preview(rule),
    queryFn: ({ signal }) => previewPolicy(rule, signal),
    // Stuck-ness changes with time alone.
    refetchInterval: 15_000,
  });
}

/** `rule` null (not a valid rule yet): nothing is asked. The last answer stays while the next loads. */
export function usePolicyPreview(rule: PolicyRuleDraft | null) {
  return useQuery({ ...policyPreviewQueryOptions(rule ?? {}), enabled: rule !== null, placeholderData: keepPreviousData });
}
