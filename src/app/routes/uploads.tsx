import type { QueryClient } from '@tanstack/react-query';
import { uploadListQueryOptions } from '#src/features/uploads/api/get-uploads.ts';
import { UploadsList } from '#src/features/uploads/components/uploads-list.tsx';
import { parseListSearch } from '#src/features/uploads/utils/list-search-params.ts';
import type { RouteLoad } from '#src/app/route-load.ts';

/**
 * Starts the request as the router goes there, without waiting for it: the list has its own
 * designed loading state, and a slow server should not hold the page back.
 */
export const uploadsLoad =
  (queryClient: QueryClient): RouteLoad =>
  ({ url }) => {
    void queryClient.prefetchInfiniteQuery(uploadListQueryOptions(parseListSearch(url.searchParams)));
  };

/** The list reads its view (tab, filters, sort) from the URL itself. */
export function UploadsRoute() {
  return <UploadsList />;
}
