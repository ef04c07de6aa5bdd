import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import type { Session } from '#contract/dashboard-api.ts';
import { apiClient, type Expected } from '#src/lib/api-client.ts';

export const authKeys = {
  session: ['auth', 'session'] as const,
};

export const sessionShape: Expected<Session> = { keys: ['operator', 'role', 'upstream', 'stuck_after_minutes'] };

/** Answers 401 when nobody is signed in. */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return apiClient.get('/api/session', sessionShape, { signal });
}

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: authKeys.session,
    queryFn: ({ signal }) => getSession(signal),
    // The session changes only by signing in or out, and both write this cache entry; a
    // session that ends on its own shows up as a 401 on the next request.
    staleTime: Infinity,
    meta: { redirectOnUnauthorized: false },
  });
}

/** Suspends until the session is known (the server usually writes it into the page); a 401 or a failure goes to the route's error boundary. */
export function useSession() {
  return useSuspenseQuery(sessionQueryOptions());
}
