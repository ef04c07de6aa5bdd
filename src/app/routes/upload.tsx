// Loaded lazily (see router.tsx); what it asks of the cache, in upload-load.ts, is not.
import { useParams } from 'react-router-dom';
import { UPLOAD_ID_PATTERN } from '#contract/constants.ts';
import { RouteErrorCard } from '#src/components/ui/route-error-card.tsx';
import { isApiError } from '#src/lib/api-client.ts';
import type { RouteErrorProps } from '#src/app/route-error-boundary.tsx';
import { useUpload } from '#src/features/uploads/api/get-upload.ts';
import { ServerErrorBanner } from '#src/features/uploads/components/server-error-banner.tsx';
import { UploadDetail } from '#src/features/uploads/components/upload-detail.tsx';
import { UploadNotFound } from '#src/features/uploads/components/upload-not-found.tsx';

export function UploadRoute() {
  const { id = '' } = useParams();
  // Nothing that isn't an upload id goes into a request path.
  if (!UPLOAD_ID_PATTERN.test(id)) return <UploadNotFound id={id} />;
  return <UploadPage id={id} />;
}

/** Suspends until the upload is there (seeded from the list, or fetched); a 404 ends in UploadRouteError. */
function UploadPage({ id }: { id: string }) {
  const query = useUpload(id);
  const problem = query.failureReason ?? (query.isError ? query.error : null);
  return (
    <div className="space-y-4">
      <ServerErrorBanner error={problem} hasData what="this upload" onRetry={() => void query.refetch()} />
      <UploadDetail record={query.data} />
    </div>
  );
}

export function UploadRouteError({ error, retry, retrying }: RouteErrorProps) {
  const { id } = useParams();
  if (isApiError(error) && error.status === 404) return <UploadNotFound id={id} />;
  return <RouteErrorCard title="This upload couldn't be loaded" error={error} onRetry={retry} retrying={retrying} fallbackMessage="Something went wrong." />;
}
