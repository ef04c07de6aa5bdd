// Loaded lazily (see router.tsx); its loader, in upload-loader.ts, is not.
import { isRouteErrorResponse, useParams, useRouteError } from 'react-router-dom';
import { RouteErrorCard } from '#src/components/ui/route-error-card.tsx';
import { isApiError } from '#src/lib/api-client.ts';
import { useUpload } from '#src/features/uploads/api/get-upload.ts';
import { ServerErrorBanner } from '#src/features/uploads/components/server-error-banner.tsx';
import { UploadDetail } from '#src/features/uploads/components/upload-detail.tsx';
import { UploadNotFound } from '#src/features/uploads/components/upload-not-found.tsx';

export function UploadRoute() {
  const { id = '' } = useParams();
  const query = useUpload(id);
  const problem = query.failureReason ?? (query.isError ? query.error : null);
  return (
    <div className="space-y-4">
      <ServerErrorBanner error={problem} hasData what="this upload" onRetry={() => void query.refetch()} />
      <UploadDetail record={query.data} />
    </div>
  );
}

function isNotFound(error: unknown): boolean {
  return (isApiError(error) || isRouteErrorResponse(error)) && error.status === 404;
}

export function UploadRouteError() {
  const error = useRouteError();
  const { id } = useParams();
  if (isNotFound(error)) return <UploadNotFound id={id} />;
  return <RouteErrorCard title="This upload couldn't be loaded" fallbackMessage="Something went wrong." />;
}
