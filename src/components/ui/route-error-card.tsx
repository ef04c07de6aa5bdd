import type { ReactNode } from 'react';
import { useRevalidator, useRouteError } from 'react-router-dom';
import { cn } from '#src/lib/cn.ts';
import { Button } from './button.tsx';
import { EmptyState } from './empty-state.tsx';
import { AlertTriangleIcon } from './icons.tsx';

interface RouteErrorCardProps {
  title: string;
  icon?: ReactNode;
  /** Shown when the route's error carries no message of its own. */
  fallbackMessage: string;
  /** The card's width and shadow. */
  className?: string;
}

/** A route whose loader failed: what went wrong, and Try again, which runs the loaders again. */
export function RouteErrorCard({ title, icon = <AlertTriangleIcon className="size-5" />, fallbackMessage, className = 'shadow-xs' }: RouteErrorCardProps) {
  const error = useRouteError();
  const revalidator = useRevalidator();
  const retrying = revalidator.state === 'loading';
  return (
    <div className={cn('rounded-lg border border-slate-200 bg-white', className)}>
      <EmptyState
        icon={icon}
        title={title}
        action={
          <Button variant="primary" onClick={() => void revalidator.revalidate()} disabled={retrying}>
            {retrying ? 'Trying again…' : 'Try again'}
          </Button>
        }
      >
        {error instanceof Error ? error.message : fallbackMessage}
      </EmptyState>
    </div>
  );
}
