// Loaded lazily (see router.tsx); its loader, in upload-loader.ts, is not.
import { isRouteErrorResponse, useParams, useRevalidator, useRouteError } from 'react-router-dom';
import { Button } from '#src/components/ui/button.tsx';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { AlertTriangleIcon } from '#src/components/ui/icons.tsx';
import { isApiError } from '#src/lib/api-client.ts';
import { usePendingCancelIds, withPendingCancel } from '#src/features/uploads/api/pending-cancels.ts';
import { useUpload } from '#src/features/uploads/api/get-upload.ts';
import { ServerErrorBanner } from '#src/features/uploads/components/server-error-banner.tsx';
import { UploadDetail } from '#src/features/uploads/components/upload-detail.tsx';
import { UploadNotFound } from '#src/features/uploads/components/upload-not-found.tsx';

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
