import { useQueryClient } from '@tanstack/react-query';
import { use, type ReactNode } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { paths, safeNext } from '#src/config/paths.ts';
import { sessionQueryOptions } from '#src/features/auth/api/get-session.ts';

/** One check per visit to the login page (a visit is a location key), shared by its renders; only the current visit's is kept. */
const checks = new Map<string, Promise<boolean>>();

/**
 * The login page, unless someone is already signed in: they have nothing to do here and are sent
 * on. The page's code (`preload`) comes while the server is asked; until it answers, the page
 * suspends (the previous page stays, or on a first load the spinner shows).
 */
export function LoginGate({ preload, children }: { preload: () => Promise<unknown>; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { key } = useLocation();
  const [searchParams] = useSearchParams();
  let check = checks.get(key);
  if (!check) {
    void preload().catch(() => undefined); // a failure shows when the page itself is rendered
    // Asked afresh: a cached session may be the very one that just ended.
    check = queryClient.fetchQuery({ ...sessionQueryOptions(), staleTime: 0, retry: false }).then(
      () => true,
      () => false,
    );
    checks.clear();
    checks.set(key, check);
  }
  if (use(check)) return <Navigate to={safeNext(searchParams.get('next')) ?? paths.uploads.getHref()} replace />;
  return children;
}
