import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError, isUnauthorized } from './api-client.ts';

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: QueryAndMutationMeta;
    mutationMeta: QueryAndMutationMeta;
  }
}

interface QueryAndMutationMeta extends Record<string, unknown> {
  /**
   * `false` for requests where a 401 is an expected answer (asking whether a session exists,
   * trying a token), so they do not bounce the operator to the login page.
   */
  redirectOnUnauthorized?: boolean;
}

export interface QueryClientHooks {
  /** Called on any 401 from /api: the operator's session has ended. */
  onUnauthorized?: () => void;
}

/** A 4xx will not change by asking again (except timeouts and rate limits); anything else might. */
export function retryTransient(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
    return false;
  }
  return failureCount < 3;
}

export function createQueryClient({ onUnauthorized }: QueryClientHooks = {}): QueryClient {
  // The one place a 401 is mapped to "go and sign in", for queries and mutations alike.
  const handleError = (error: unknown, meta: QueryAndMutationMeta | undefined) => {
    if (isUnauthorized(error) && meta?.redirectOnUnauthorized !== false) onUnauthorized?.();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => handleError(error, query.meta) }),
    mutationCache: new MutationCache({ onError: (error, _variables, _result, mutation) => handleError(error, mutation.meta) }),
    defaultOptions: {
      queries: { retry: retryTransient, staleTime: 2_000 },
      // A cancel must never be sent twice behind the operator's back.
      mutations: { retry: false },
    },
  });
}
