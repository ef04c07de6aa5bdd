import type { QueryClient } from '@tanstack/react-query';
import { redirect, type LoaderFunctionArgs } from 'react-router-dom';
import { paths, safeNext } from '#src/config/paths.ts';
import { sessionQueryOptions } from '#src/features/auth/api/get-session.ts';

/** Someone already signed in has nothing to do here: send them on. */
export const loginLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    const next = safeNext(new URL(request.url).searchParams.get('next')) ?? paths.uploads.getHref();
    try {
      // Asked afresh: a cached session may be the very one that just ended.
      await queryClient.fetchQuery({ ...sessionQueryOptions(), staleTime: 0, retry: false });
    } catch {
      return null;
    }
    return redirect(next);
  };
