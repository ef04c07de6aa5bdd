import type { QueryClient } from '@tanstack/react-query';
import type { LoaderFunctionArgs } from 'react-router-dom';
import { uploadListQueryOptions } from '#src/features/uploads/api/get-uploads.ts';
import { UploadsList } from '#src/features/uploads/components/uploads-list.tsx';
import { parseListSearch } from '#src/features/uploads/utils/list-search-params.ts';

/**
 * Starts the request while the route renders, without waiting for it: the list has its own
 * designed loading state, and a slow server should not hold the page back.
 */
export const uploadsLoader =
  (queryClient: QueryClient) =>
  ({ request }: LoaderFunctionArgs) => {
    void queryClient.prefetchInfiniteQuery(uploadListQueryOptions(parseListSearch(new URL(request.url).searchParams)));
    return null;
  };

/** The list reads its view (tab, filters, sort) from the URL itself. */
export function UploadsRoute() {
  return <UploadsList />;
}
