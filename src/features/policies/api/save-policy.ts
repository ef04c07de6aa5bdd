import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Policy, PolicyDraft, PolicyPatch } from '#contract/policies.ts';
import { apiClient } from '#src/lib/api-client.ts';
import { policyShape } from './get-policies.ts';
import { policyKeys } from './policy-keys.ts';

export function createPolicy(draft: PolicyDraft): Promise<Policy> {
  return apiClient.post('/api/policies', policyShape, { body: draft });
}

export function updatePolicy(id: string, patch: PolicyPatch): Promise<Policy> {
  return apiClient.patch(`/api/policies/${encodeURIComponent(id)}`, policyShape, { body: patch });
}

export function deletePolicy(id: string): Promise<void> {
  return apiClient.delete(`/api/policies/${encodeURIComponent(id)}`);
}

/** After any change: the list and the change log both moved. Returns the refetch, for the caller to await. */
function invalidatePolicies(client: ReturnType<typeof useQueryClient>) {
  return Promise.all([client.invalidateQueries({ queryKey: policyKeys.lists() }), client.invalidateQueries({ queryKey: policyKeys.changes() })]);
}

export function useCreatePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (draft: PolicyDraft) => createPolicy(draft),
    onSuccess: () => invalidatePolicies(client),
  });
}

export function useUpdatePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: PolicyPatch }) => updatePolicy(id, patch),
    onSuccess: () => invalidatePolicies(client),
  });
}

export function useDeletePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deletePolicy(id),
    onSuccess: () => invalidatePolicies(client),
  });
}
