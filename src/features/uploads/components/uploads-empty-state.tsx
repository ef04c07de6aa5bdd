import { Link } from 'react-router-dom';
import type { UploadStatus } from '#contract/uploads.ts';
import { Button } from '#src/components/ui/button.tsx';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { CheckCircleIcon, InboxIcon, SearchIcon, UploadCloudIcon } from '#src/components/ui/icons.tsx';
import { paths } from '#src/config/paths.ts';
import { useOperatorAccess } from '#src/lib/operator-access.tsx';
import type { UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import { hasNarrowingFilters } from '#src/features/uploads/utils/list-search-params.ts';

const FILTER_HINTS: Record<UploadStatus, string> = {
  pending: 'Nothing is in progress right now.',
  completed: 'No upload has been completed through the proxy yet.',
  cancelled: 'Nothing has been cancelled.',
  expired: 'No upload has run past its expiry.',
};

const linkClass =
  'text-sm font-medium text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600';

interface UploadsEmptyStateProps {
  view: UploadListView;
  onClearFilters: () => void;
}

export function UploadsEmptyState({ view, onClearFilters }: UploadsEmptyStateProps) {
  const { stuckAfterMinutes } = useOperatorAccess();
  if (hasNarrowingFilters(view)) {
    return (
      <EmptyState
        icon={<SearchIcon className="size-5" />}
        title="No uploads match these filters"
        action={
          <Button size="sm" onClick={onClearFilters}>
            Clear filters
          </Button>
        }
      >
        {view.q ? `Nothing matches “${view.q}” here. Search looks at filenames and ids (upload_…).` : 'Try a wider age or another purpose.'}
      </EmptyState>
    );
  }
  if (view.stuck) {
    return (
      <EmptyState
        icon={<CheckCircleIcon className="size-5" />}
        title="No stuck uploads"
        action={
          <Link to={paths.uploads.getHref()} className={linkClass}>
            Show all uploads
          </Link>
        }
      >
        Every pending upload has received a part in the last {stuckAfterMinutes} min and is on pace to finish before it expires.
      </EmptyState>
    );
  }
  if (view.status) {
    return (
      <EmptyState
        icon={<InboxIcon className="size-5" />}
        title={`No ${view.status} uploads`}
        action={
          <Link to={paths.uploads.getHref()} className={linkClass}>
            Show all uploads
          </Link>
        }
      >
        {FILTER_HINTS[view.status]}
      </EmptyState>
    );
  }
  const baseUrl = `${window.location.origin}/v1`;
  return (
    <EmptyState icon={<UploadCloudIcon className="size-5" />} title="No uploads yet">
      <p>
        Uploads appear here once they go through the proxy. Point an OpenAI client at{' '}
        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700">{baseUrl}</code> and create an upload.
      </p>
    </EmptyState>
  );
}
