import { Link } from 'react-router-dom';
import type { UploadStatus } from '../../../../contract/uploads.ts';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { InboxIcon, UploadCloudIcon } from '../../../components/ui/icons.tsx';
import { paths } from '../../../config/paths.ts';

const FILTER_HINTS: Record<UploadStatus, string> = {
  pending: 'Nothing is in progress right now.',
  completed: 'No upload has been completed through the proxy yet.',
  cancelled: 'Nothing has been cancelled.',
  expired: 'No upload has run past its expiry.',
};

export function UploadsEmptyState({ status }: { status: UploadStatus | undefined }) {
  if (status) {
    return (
      <EmptyState
        icon={<InboxIcon className="size-5" />}
        title={`No ${status} uploads`}
        action={
          <Link to={paths.uploads.getHref()} className="text-sm font-medium text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600">
            Show all uploads
          </Link>
        }
      >
        {FILTER_HINTS[status]}
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
