import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { Toaster } from '#src/components/ui/toaster.tsx';
import { createQueryClient } from '#src/lib/query-client.ts';

/** The app's own query client, minus the retries that would only slow a test down. */
export function createTestQueryClient(): QueryClient {
  const client = createQueryClient();
  client.setDefaultOptions({
    ...client.getDefaultOptions(),
    queries: { ...client.getDefaultOptions().queries, retry: false, gcTime: Infinity },
  });
  return client;
}

export interface RenderOptions {
  queryClient?: QueryClient;
  /** Where the memory router starts, e.g. `/?status=pending`. */
  route?: string;
}

export function renderWithProviders(ui: ReactElement, { queryClient = createTestQueryClient(), route = '/' }: RenderOptions = {}) {
  const router = createMemoryRouter([{ path: '*', element: ui }], { initialEntries: [route] });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster />
    </QueryClientProvider>,
  );
  return { ...view, queryClient, router };
}
