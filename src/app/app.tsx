import { useEffect } from 'react';
import { RouterProvider } from 'react-router-dom';
import { createQueryClient } from '#src/lib/query-client.ts';
import { AppProvider } from './provider.tsx';
import { createAppRouter, preloadPagesOnIntent, sendToLogin, type AppRouter } from './router.tsx';

/**
 * The query client and the router need each other (loaders fill the cache; a 401 anywhere
 * navigates), so both are made once, here, outside React: a router created during render
 * would be created twice under StrictMode.
 */
export function createApp() {
  const late: { router?: AppRouter } = {};
  const queryClient = createQueryClient({
    onUnauthorized: () => {
      if (late.router) sendToLogin(late.router);
    },
  });
  const router = createAppRouter(queryClient);
  late.router = router;

  function App() {
    useEffect(() => preloadPagesOnIntent(document), []);
    return (
      <AppProvider queryClient={queryClient}>
        <RouterProvider router={router} />
      </AppProvider>
    );
  }
  return { App, queryClient, router };
}
