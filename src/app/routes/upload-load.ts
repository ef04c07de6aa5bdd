import type { QueryClient } from '@tanstack/react-query';
import { UPLOAD_ID_PATTERN } from '#contract/constants.ts';
import { uploadDetailQueryOptions } from '#src/features/uploads/api/get-upload.ts';
import { seedUploadDetail } from '#src/features/uploads/api/upload-cache.ts';
import type { RouteLoad } from '#src/app/route-load.ts';

/** The upload, asked for as the router goes there; the page (upload.tsx) waits for it. */
export const uploadLoad =
  (queryClient: QueryClient): RouteLoad =>
  ({ params }) => {
    const id = params.id ?? '';
    // Nothing that isn't an upload id goes into a request path (the page says "not found").
    if (!UPLOAD_ID_PATTERN.test(id)) return;
    // Coming from the list, the record is already at hand: show it now, refresh it in the background.
    seedUploadDetail(queryClient, id);
    void queryClient.prefetchQuery(uploadDetailQueryOptions(id));
  };
