import type { QueryClient } from '@tanstack/react-query';
import { useSearchParams, type LoaderFunctionArgs } from 'react-router-dom';
import { UPLOAD_STATUSES, type UploadStatus } from '../../../contract/uploads.ts';
import { uploadListQueryOptions } from '../../features/uploads/api/get-uploads.ts';
import { UploadsList } from '../../features/uploads/components/uploads-list.tsx';

/** An unknown ?status= shows everything rather than an error. */
function parseStatus(value: string | null): UploadStatus | undefined {
  return UPLOAD_STATUSES.find((status) => status === value);
}

/**
 * Starts the request while the route renders, without waiting for it: the list has its own
 * designed loading state, and a slow server should not hold the page back.
 */
export const uploadsLoader =
  (queryClient: QueryClient) =>
  ({ request }: LoaderFunctionArgs) => {
    const status = parseStatus(new URL(request.url).searchParams.get('status'));
    void queryClient.prefetchInfiniteQuery(uploadListQueryOptions({ status }));
    return null;
  };

export function UploadsRoute() {
  const [searchParams] = useSearchParams();
  const status = parseStatus(searchParams.get('status'));
  return <UploadsList status={status} />;
}
