import { useEffect, type ErrorInfo } from 'react';
import { BrowserRouter } from 'react-router-dom';
import { isApiError } from '#src/lib/api-client.ts';
import { createQueryClient } from '#src/lib/query-client.ts';
import { AppProvider } from './provider.tsx';
import { AppRoutes, createAppRoutes, preloadPagesOnIntent, sendToLogin, type RouterHandle } from './router.tsx';

/**
 * The query client and the routes are made once, here, outside React (routes made during render
 * would be made twice under StrictMode). A 401 anywhere navigates, so the query client reaches the
 * router through `late`, filled in as soon as the router has rendered.
 */
export function createApp() {
  const late: { router?: RouterHandle } = {};
  const queryClient = createQueryClient({
    onUnauthorized: () => {
      if (late.router) sendToLogin(late.router);
    },
  });
  const routes = createAppRoutes(queryClient);
  const onRouterChange = (router: RouterHandle) => {
    late.router = router;
  };

  function App() {
    useEffect(() => preloadPagesOnIntent(document), []);
    return (
      <AppProvider queryClient={queryClient}>
        {/* Location changes are not transitions: AppRoutes defers the routes itself (see there). */}
        <BrowserRouter useTransitions={false}>
          <AppRoutes routes={routes} onChange={onRouterChange} />
        </BrowserRouter>
      </AppProvider>
    );
  }
  return { App, queryClient };
}

/**
 * For the React root: an error page that shows the API's answer (a 404, a 401 on its way to
 * sign-in) reports no fault of the page's; anything else an error boundary caught is logged.
 */
export function onCaughtError(error: unknown, { componentStack }: ErrorInfo): void {
  if (!isApiError(error)) console.error(error, componentStack);
}
