import { useId, type ReactNode } from 'react';
import { cn } from '#src/lib/cn.ts';

interface CardProps {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}

export function Card({ title, actions, children, className }: CardProps) {
  const titleId = useId();
  return (
    <section aria-labelledby={title ? titleId : undefined} className={cn('rounded-lg border border-slate-200 bg-white shadow-xs', className)}>
      {title && (
        <header className="flex min-h-11 items-center justify-between gap-3 border-b border-slate-100 px-4 py-2">
          <h2 id={titleId} className="text-[13px] font-semibold text-slate-900">
            {title}
          </h2>
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}
