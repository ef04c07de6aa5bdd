import type { QueryClient } from '@tanstack/react-query';
import { lazy, memo, Suspense, useDeferredValue, useLayoutEffect } from 'react';
import { matchPath, matchRoutes, Outlet, useLocation, useNavigate, useRoutes, type Location, type NavigateFunction, type RouteObject } from 'react-router-dom';
import { paths } from '#src/config/paths.ts';
import { NavigationBusyContext } from './navigation-busy.ts';
import type { RouteLoad } from './route-load.ts';
import { RouteErrorBoundary } from './route-error-boundary.tsx';
import { AppRoot, AppRootError, AppRootHydrateFallback } from './routes/app-root.tsx';
import { auditLoad } from './routes/audit-load.ts';
import { LoginGate } from './routes/login-gate.tsx';
import { NotFoundRoute } from './routes/not-found.tsx';
import { uploadLoad } from './routes/upload-load.ts';
import { UploadsRoute, uploadsLoad } from './routes/uploads.tsx';

// The router decides when, the query cache decides what (TkDodo, "React Query meets React
// Router"): each route names what it asks of the cache (`handle.load`), started the moment the
// router goes there; a page that cannot render without its data reads it with a suspense query
// (the session, an upload), so the page on screen stays, under the shell's progress bar, until
// the next one's data and code are there. On a first load the spinner shows meanwhile.
//
// React Router's declarative mode (<BrowserRouter>, useRoutes), not its data router
// (createBrowserRouter and loaders): the data router's own code is 16.5 kB gz of the first
// screen's JS (bench/weight.ts), and what this app used of it (loaders that fill the cache,
// pending navigations, route error boundaries, redirects) is React's own Suspense, deferred
// rendering and error boundaries here.

interface AppRouteHandle {
  load?: RouteLoad;
}

/**
 * Pages other than the uploads list are fetched when first needed, or as soon as a link to them
 * is pointed at or focused (preloadPagesOnIntent). What they ask of the cache (`load`) stays in
 * the first chunk, so the data and the page's code load side by side rather than one after the
 * other.
 */
const lazyPages = {
  login: () => import('./routes/login.tsx'),
  upload: () => import('./routes/upload.tsx'),
  audit: () => import('./routes/audit.tsx'),
  policies: () => import('./routes/policies.tsx'),
};

const LoginPage = lazy(async () => ({ default: (await lazyPages.login()).LoginRoute }));
const UploadPage = lazy(async () => ({ default: (await lazyPages.upload()).UploadRoute }));
const UploadPageError = lazy(async () => ({ default: (await lazyPages.upload()).UploadRouteError }));
const AuditPage = lazy(async () => ({ default: (await lazyPages.audit()).AuditRoute }));
const PoliciesPage = lazy(async () => ({ default: (await lazyPages.policies()).PoliciesRoute }));

export function createAppRoutes(queryClient: QueryClient): RouteObject[] {
  const handle = (load: RouteLoad): AppRouteHandle => ({ load });
  const pages: RouteObject[] = [
    {
      path: paths.login.path,
      element: (
        <LoginGate preload={lazyPages.login}>
          <LoginPage />
        </LoginGate>
      ),
    },
    {
      path: '/',
      element: <AppRoot />,
      children: [
        { index: true, element: <UploadsRoute />, handle: handle(uploadsLoad(queryClient)) },
        {
          path: paths.upload.path,
          element: (
            <RouteErrorBoundary fallback={UploadPageError}>
              <UploadPage />
            </RouteErrorBoundary>
          ),
          handle: handle(uploadLoad(queryClient)),
        },
        { path: paths.audit.path, element: <AuditPage />, handle: handle(auditLoad(queryClient)) },
        { path: paths.policies.path, element: <PoliciesPage /> },
        { path: '*', element: <NotFoundRoute /> },
      ],
    },
  ];
  // Any error below ends in the app's error page, rendered where the page failed (its location);
  // another page lets go of it.
  return [
    {
      element: (
        <RouteErrorBoundary fallback={AppRootError}>
          <Outlet />
        </RouteErrorBoundary>
      ),
      children: pages,
    },
  ];
}

/** The routes as they read at `location`; memoized, so a render that leaves it alone skips them. */
const RoutesAt = memo(function RoutesAt({ routes, location }: { routes: RouteObject[]; location: Location }) {
  return useRoutes(routes, location);
});

/** What code outside React needs of the router (a 401's handler): its navigate, and where it is or is going. */
export interface RouterHandle {
  navigate: NavigateFunction;
  location: Location;
}

interface AppRoutesProps {
  routes: RouteObject[];
  /** Told the router's navigate and location whenever the location changes. */
  onChange?: (router: RouterHandle) => void;
}

/**
 * Renders `routes` inside a <BrowserRouter useTransitions={false}>: the location changes at once,
 * the routes follow it as a deferred value. While the next page suspends (its code, its data) the
 * deferred value holds the current one on screen, and the shell shows that a navigation is under
 * way.
 */
export function AppRoutes({ routes, onChange }: AppRoutesProps) {
  const location = useLocation();
  const navigate = useNavigate();
  const shown = useDeferredValue(location);

  // The router has gone somewhere: start what its routes ask of the cache, before they render.
  useLayoutEffect(() => {
    const url = new URL(location.pathname + location.search, window.location.origin);
    for (const match of matchRoutes(routes, location) ?? []) {
      (match.route.handle as AppRouteHandle | undefined)?.load?.({ params: match.params, url });
    }
  }, [routes, location]);

  useLayoutEffect(() => onChange?.({ navigate, location }), [onChange, navigate, location]);

  return (
    // Another page on its way shows the shell's progress bar; a new query string on the same page
    // (a filter, a sort) does not: the list has its own way of showing that it is loading.
    <NavigationBusyContext value={shown !== location && shown.pathname !== location.pathname}>
      {/* Outside the routes' error boundary: Try again keeps the error page up while it tries. */}
      <Suspense fallback={<AppRootHydrateFallback />}>
        <RoutesAt routes={routes} location={shown} />
      </Suspense>
    </NavigationBusyContext>
  );
}

const preloadable: [path: string, load: () => Promise<unknown>][] = [
  [paths.login.path, lazyPages.login],
  [paths.upload.path, lazyPages.upload],
  [paths.audit.path, lazyPages.audit],
  [paths.policies.path, lazyPages.policies],
];

/**
 * Starts fetching a lazy page's code when a link to it is hovered or focused, so that by the
 * click it is usually there. Listens on the whole document: links live in every feature, and
 * none of them needs to know which pages are split off. Returns the unsubscribe function.
 */
export function preloadPagesOnIntent(target: Document = document): () => void {
  const onIntent = (event: Event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(link instanceof HTMLAnchorElement) || link.origin !== window.location.origin) return;
    for (const [path, load] of preloadable) {
      // A failed preload is not reported here: a navigation needs the same import and reports its failure.
      if (matchPath(path, link.pathname)) load().catch(() => undefined);
    }
  };
  target.addEventListener('pointerover', onIntent, { passive: true });
  target.addEventListener('focusin', onIntent);
  return () => {
    target.removeEventListener('pointerover', onIntent);
    target.removeEventListener('focusin', onIntent);
  };
}

/**
 * Where a 401 from any request ends up: the login page, remembering where the operator was
 * (or was going, if a navigation is under way: the location changes as it starts).
 */
export function sendToLogin({ navigate, location }: RouterHandle): void {
  if (location.pathname === paths.login.path) return;
  void navigate(paths.login.getHref(location.pathname + location.search), { replace: true });
}
