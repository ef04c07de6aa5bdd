import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PolicyList, PolicyPause } from '#contract/policies.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';
import { policyKeys } from './policy-keys.ts';

const pauseShape: Expected<PolicyPause> = { keys: ['paused', 'changed_by', 'changed_at'] };

export function setPolicyPause(paused: boolean): Promise<PolicyPause> {
  return apiClient.put('/api/policies/pause', pauseShape, { body: { paused } });
}

/** The switch flips at once; it goes back if the server refuses. */
export function useSetPolicyPause() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (paused: boolean) => setPolicyPause(paused),
    onMutate: async (paused) => {
      await client.cancelQueries({ queryKey: policyKeys.lists() });
      const before = client.getQueryData<PolicyList>(policyKeys.lists());
      if (before) client.setQueryData<PolicyList>(policyKeys.lists(), { ...before, pause: { ...before.pause, paused } });
      return { before };
    },
    onError: (_error, _paused, context) => {
      if (context?.before) client.setQueryData(policyKeys.lists(), context.before);
    },
    onSuccess: (pause) => {
      const current = client.getQueryData<PolicyList>(policyKeys.lists());
      if (current) client.setQueryData<PolicyList>(policyKeys.lists(), { ...current, pause });
    },
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: policyKeys.lists() }), client.invalidateQueries({ queryKey: policyKeys.changes() })]),
  });
}
