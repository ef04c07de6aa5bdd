import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, matchPath } from 'react-router-dom';
import { paths } from '#src/config/paths.ts';
import { AppRoot, AppRootError, AppRootHydrateFallback, appRootLoader } from './routes/app-root.tsx';
import { auditLoader } from './routes/audit-loader.ts';
import { loginLoader } from './routes/login-loader.ts';
import { NotFoundRoute } from './routes/not-found.tsx';
import { uploadLoader } from './routes/upload-loader.ts';
import { UploadsRoute, uploadsLoader } from './routes/uploads.tsx';

/**
 * Pages other than the uploads list are fetched when first needed, or as soon as a link to them
 * is pointed at or focused (preloadPagesOnIntent). Their loaders stay in the first chunk, so the
 * data and the page's code load side by side rather than one after the other; meanwhile the
 * current page stays on screen under the shell's progress bar (on a first load, the
 * HydrateFallback spinner shows).
 */
const lazyPages = {
  login: () => import('./routes/login.tsx'),
  upload: () => import('./routes/upload.tsx'),
  audit: () => import('./routes/audit.tsx'),
  policies: () => import('./routes/policies.tsx'),
};

export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    {
      path: paths.login.path,
      loader: loginLoader(queryClient),
      lazy: { Component: async () => (await lazyPages.login()).LoginRoute },
      HydrateFallback: AppRootHydrateFallback,
    },
    {
      path: '/',
      loader: appRootLoader(queryClient),
      Component: AppRoot,
      ErrorBoundary: AppRootError,
      HydrateFallback: AppRootHydrateFallback,
      children: [
        { index: true, loader: uploadsLoader(queryClient), Component: UploadsRoute },
        {
          path: paths.upload.path,
          loader: uploadLoader(queryClient),
          lazy: {
            Component: async () => (await lazyPages.upload()).UploadRoute,
            ErrorBoundary: async () => (await lazyPages.upload()).UploadRouteError,
          },
        },
        { path: paths.audit.path, loader: auditLoader(queryClient), lazy: { Component: async () => (await lazyPages.audit()).AuditRoute } },
        { path: paths.policies.path, lazy: { Component: async () => (await lazyPages.policies()).PoliciesRoute } },
        { path: '*', Component: NotFoundRoute },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;

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
 * (or was going, if a navigation is under way).
 */
export function sendToLogin(router: AppRouter): void {
  const location = router.state.navigation.location ?? router.state.location;
  if (location.pathname === paths.login.path) return;
  void router.navigate(paths.login.getHref(location.pathname + location.search), { replace: true });
}
