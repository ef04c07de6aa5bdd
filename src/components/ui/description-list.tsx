import type { ReactNode } from 'react';

export function DescriptionList({ children }: { children: ReactNode }) {
  return <dl className="divide-y divide-slate-100 text-[13px]">{children}</dl>;
}

export function DescriptionItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-3 px-4 py-2 sm:grid-cols-[9.5rem_minmax(0,1fr)]">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-900">{children}</dd>
    </div>
  );
}

/** For fields that are absent or null: visibly empty, and said so to screen readers. */
export function NoValue({ text = 'none' }: { text?: string }) {
  return (
    <span className="text-slate-400">
      <span aria-hidden="true">—</span>
      <span className="sr-only">{text}</span>
    </span>
  );
}
