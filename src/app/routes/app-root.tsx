import type { QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Outlet, redirect, useNavigation, useRouteError, type LoaderFunctionArgs } from 'react-router-dom';
import { Shell } from '#src/components/layouts/shell.tsx';
import { CloudOffIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { RouteErrorCard } from '#src/components/ui/route-error-card.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { paths } from '#src/config/paths.ts';
import { sessionQueryOptions, useSession } from '#src/features/auth/api/get-session.ts';
import { useLogout } from '#src/features/auth/api/logout.ts';
import { useLiveUpdates } from '#src/features/uploads/api/use-live-updates.ts';
import { isServerUnavailable, isUnauthorized } from '#src/lib/api-client.ts';
import { OperatorAccessProvider } from '#src/lib/operator-access.tsx';

/** Every page below needs a session: without one, go and sign in, then come back here. */
export const appRootLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    try {
      await queryClient.ensureQueryData(sessionQueryOptions());
    } catch (error) {
      if (isUnauthorized(error)) {
        const url = new URL(request.url);
        throw redirect(paths.login.getHref(url.pathname + url.search));
      }
      throw error;
    }
    return null;
  };

export function AppRoot() {
  const { data: session } = useSession();
  const navigation = useNavigation();
  // One live stream for every signed-in page: lists, details and bulk progress follow it.
  useLiveUpdates();
  const access = useMemo(
    () => ({ readOnly: session.role === 'read_only', stuckAfterMinutes: session.stuck_after_minutes, historyDays: session.history_days ?? null }),
    [session.role, session.stuck_after_minutes, session.history_days],
  );
  const logout = useLogout({
    mutationConfig: {
      // A full page load, not a client-side navigation: it also empties every cache.
      onSuccess: () => window.location.assign(paths.login.getHref()),
      onError: (error) => toast.error("Couldn't log out", { description: error.message }),
    },
  });
  return (
    <Shell session={session} onLogout={() => logout.mutate()} loggingOut={logout.isPending} busy={navigation.state === 'loading'}>
      <OperatorAccessProvider value={access}>
        <Outlet />
      </OperatorAccessProvider>
    </Shell>
  );
}

export function AppRootHydrateFallback() {
  return (
    <div className="flex min-h-dvh items-center justify-center text-slate-400" role="status">
      <SpinnerIcon className="size-5" />
      <span className="sr-only">Loading Uploads Console…</span>
    </div>
  );
}

/** Reached when the session itself could not be checked (the server is down, most likely). */
export function AppRootError() {
  const unavailable = isServerUnavailable(useRouteError());
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4">
      <RouteErrorCard
        className="w-full max-w-md shadow-sm"
        icon={unavailable ? <CloudOffIcon className="size-5" /> : undefined}
        title={unavailable ? "Can't reach the Uploads Console server" : 'Something went wrong'}
        fallbackMessage="The page could not be loaded."
      />
    </main>
  );
}
