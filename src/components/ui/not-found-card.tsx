import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { paths } from '#src/config/paths.ts';
import { EmptyState } from './empty-state.tsx';
import { FileSearchIcon } from './icons.tsx';

/** "There is nothing here" as a card, with a way back to the uploads list. */
export function NotFoundCard({ title, backLabel, children }: { title: string; backLabel: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <EmptyState
        icon={<FileSearchIcon className="size-5" />}
        title={title}
        action={
          <Link
            to={paths.uploads.getHref()}
            className="inline-flex h-9 items-center rounded-md bg-slate-900 px-3.5 text-sm font-medium text-white hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            {backLabel}
          </Link>
        }
      >
        {children}
      </EmptyState>
    </div>
  );
}
