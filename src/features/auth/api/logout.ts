import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { apiClient } from '#src/lib/api-client.ts';

export function logout(): Promise<void> {
  return apiClient.delete('/api/session');
}

export interface UseLogoutOptions {
  mutationConfig?: Pick<UseMutationOptions<void, Error, void>, 'onSuccess' | 'onError'>;
}

/**
 * No cache work here: the call site leaves with a full page load, which drops every cached
 * upload along with the session, so nothing from this operator outlives the logout.
 */
export function useLogout({ mutationConfig }: UseLogoutOptions = {}) {
  return useMutation({ ...mutationConfig, mutationFn: logout });
}
