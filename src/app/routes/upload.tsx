import type { QueryClient } from '@tanstack/react-query';
import { isRouteErrorResponse, useParams, useRevalidator, useRouteError, data, type LoaderFunctionArgs } from 'react-router-dom';
import { UPLOAD_ID_PATTERN } from '../../../contract/uploads.ts';
import { Button } from '../../components/ui/button.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { AlertTriangleIcon } from '../../components/ui/icons.tsx';
import { isApiError } from '../../lib/api-client.ts';
import { usePendingCancelIds, withPendingCancel } from '../../features/uploads/api/pending-cancels.ts';
import { uploadDetailQueryOptions, useUpload } from '../../features/uploads/api/get-upload.ts';
import { seedUploadDetail } from '../../features/uploads/api/upload-cache.ts';
import { ServerErrorBanner } from '../../features/uploads/components/server-error-banner.tsx';
import { UploadDetail } from '../../features/uploads/components/upload-detail.tsx';
import { UploadNotFound } from '../../features/uploads/components/upload-not-found.tsx';

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

export function UploadRoute() {
  const { id = '' } = useParams();
  const query = useUpload(id);
  const pendingIds = usePendingCancelIds();
  const problem = query.failureReason ?? (query.isError ? query.error : null);
  return (
    <div className="space-y-4">
      <ServerErrorBanner error={problem} hasData what="this upload" onRetry={() => void query.refetch()} />
      <UploadDetail record={withPendingCancel(query.data, pendingIds)} />
    </div>
  );
}

function isNotFound(error: unknown): boolean {
  return (isApiError(error) || isRouteErrorResponse(error)) && error.status === 404;
}

export function UploadRouteError() {
  const error = useRouteError();
  const { id } = useParams();
  const revalidator = useRevalidator();
  if (isNotFound(error)) return <UploadNotFound id={id} />;
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <EmptyState
        icon={<AlertTriangleIcon className="size-5" />}
        title="This upload couldn't be loaded"
        action={
          <Button variant="primary" onClick={() => void revalidator.revalidate()} disabled={revalidator.state === 'loading'}>
            {revalidator.state === 'loading' ? 'Trying again…' : 'Try again'}
          </Button>
        }
      >
        {error instanceof Error ? error.message : 'Something went wrong.'}
      </EmptyState>
    </div>
  );
}
