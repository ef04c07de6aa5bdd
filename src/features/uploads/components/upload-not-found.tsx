import { Link } from 'react-router-dom';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { FileSearchIcon } from '../../../components/ui/icons.tsx';
import { paths } from '../../../config/paths.ts';

export function UploadNotFound({ id }: { id: string | undefined }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <EmptyState
        icon={<FileSearchIcon className="size-5" />}
        title="Upload not found"
        action={
          <Link
            to={paths.uploads.getHref()}
            className="inline-flex h-9 items-center rounded-md bg-slate-900 px-3.5 text-sm font-medium text-white hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            Back to uploads
          </Link>
        }
      >
        {id ? (
          <>
            No upload with ID <code className="font-mono text-xs break-all text-slate-700">{id}</code> has gone through this proxy.
          </>
        ) : (
          'That upload has not gone through this proxy.'
        )}
      </EmptyState>
    </div>
  );
}
