import type { QueryClient } from '@tanstack/react-query';
import { data, type LoaderFunctionArgs } from 'react-router-dom';
import { UPLOAD_ID_PATTERN } from '#contract/constants.ts';
import { uploadDetailQueryOptions } from '#src/features/uploads/api/get-upload.ts';
import { seedUploadDetail } from '#src/features/uploads/api/upload-cache.ts';

/** The router decides when, the query cache decides what (TkDodo, "React Query meets React Router"). */
export const uploadLoader =
  (queryClient: QueryClient) =>
  async ({ params }: LoaderFunctionArgs) => {
    const id = params.id ?? '';
    // Nothing that isn't an upload id goes into a request path.
    if (!UPLOAD_ID_PATTERN.test(id)) throw data(null, { status: 404 });
    // Coming from the list, the record is already at hand: show it now, refresh it in the background.
    seedUploadDetail(queryClient, id);
    await queryClient.ensureQueryData(uploadDetailQueryOptions(id));
    return null;
  };
