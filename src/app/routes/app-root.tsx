import { useMemo } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { Shell } from '#src/components/layouts/shell.tsx';
import { CloudOffIcon, SpinnerIcon } from '#src/components/ui/icons.tsx';
import { RouteErrorCard } from '#src/components/ui/route-error-card.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { paths } from '#src/config/paths.ts';
import { useSession } from '#src/features/auth/api/get-session.ts';
import { useLogout } from '#src/features/auth/api/logout.ts';
import { useLiveUpdates } from '#src/features/uploads/api/use-live-updates.ts';
import { isServerUnavailable, isUnauthorized } from '#src/lib/api-client.ts';
import { OperatorAccessProvider } from '#src/lib/operator-access.tsx';
import { useNavigationBusy } from '#src/app/navigation-busy.ts';
import type { RouteErrorProps } from '#src/app/route-error-boundary.tsx';

/**
 * Every page below needs a session: until it is known the page suspends (on a first load the
 * spinner shows; the server usually writes the session into the page, so it does not); without
 * one, AppRootError sends the operator to sign in.
 */
export function AppRoot() {
  const { data: session } = useSession();
  const busy = useNavigationBusy();
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
    <Shell session={session} onLogout={() => logout.mutate()} loggingOut={logout.isPending} busy={busy}>
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

/**
 * The app's error page: reached when the session itself could not be checked (the server is down,
 * most likely), or a page failed in a way it has no page of its own for. Without a session (401),
 * off to sign in, then back here.
 */
export function AppRootError({ error, retry, retrying }: RouteErrorProps) {
  const { pathname, search } = useLocation();
  if (isUnauthorized(error)) {
    return (
      <>
        <Navigate to={paths.login.getHref(pathname + search)} replace />
        <AppRootHydrateFallback />
      </>
    );
  }
  const unavailable = isServerUnavailable(error);
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4">
      <RouteErrorCard
        className="w-full max-w-md shadow-sm"
        icon={unavailable ? <CloudOffIcon className="size-5" /> : undefined}
        title={unavailable ? "Can't reach the Uploads Console server" : 'Something went wrong'}
        error={error}
        onRetry={retry}
        retrying={retrying}
        fallbackMessage="The page could not be loaded."
      />
    </main>
  );
}
