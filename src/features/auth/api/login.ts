import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import type { Session } from '#contract/dashboard-api.ts';
import { apiClient } from '#src/lib/api-client.ts';
import { authKeys, sessionShape } from './get-session.ts';

export interface LoginVariables {
  token: string;
}

/** Sets the session cookie; a wrong token answers 401 with a message to show. */
export function login({ token }: LoginVariables): Promise<Session> {
  return apiClient.post('/api/session', sessionShape, { body: { token } });
}

export interface UseLoginOptions {
  mutationConfig?: Pick<UseMutationOptions<Session, Error, LoginVariables>, 'onSuccess' | 'onError'>;
}

export function useLogin({ mutationConfig }: UseLoginOptions = {}) {
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: login,
    // A wrong token is an answer for the form, not a reason to redirect.
    meta: { redirectOnUnauthorized: false },
    onSuccess: (session, variables, result, context) => {
      context.client.setQueryData(authKeys.session, session);
      return onSuccess?.(session, variables, result, context);
    },
  });
}
