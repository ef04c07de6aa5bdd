import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router-dom';
import { paths } from '../config/paths.ts';
import { AppRoot, AppRootError, AppRootHydrateFallback, appRootLoader } from './routes/app-root.tsx';
import { AuditRoute, auditLoader } from './routes/audit.tsx';
import { LoginRoute, loginLoader } from './routes/login.tsx';
import { NotFoundRoute } from './routes/not-found.tsx';
import { UploadRoute, UploadRouteError, uploadLoader } from './routes/upload.tsx';
import { UploadsRoute, uploadsLoader } from './routes/uploads.tsx';

export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    {
      path: paths.login.path,
      loader: loginLoader(queryClient),
      Component: LoginRoute,
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
        { path: paths.upload.path, loader: uploadLoader(queryClient), Component: UploadRoute, ErrorBoundary: UploadRouteError },
        { path: paths.audit.path, loader: auditLoader(queryClient), Component: AuditRoute },
        { path: '*', Component: NotFoundRoute },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;

/**
 * Where a 401 from any request ends up: the login page, remembering where the operator was
 * (or was going, if a navigation is under way).
 */
export function sendToLogin(router: AppRouter): void {
  const location = router.state.navigation.location ?? router.state.location;
  if (location.pathname === paths.login.path) return;
  void router.navigate(paths.login.getHref(location.pathname + location.search), { replace: true });
}
