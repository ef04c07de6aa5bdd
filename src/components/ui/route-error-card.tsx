import type { ReactNode } from 'react';
import { cn } from '#src/lib/cn.ts';
import { Button } from './button.tsx';
import { EmptyState } from './empty-state.tsx';
import { AlertTriangleIcon } from './icons.tsx';

interface RouteErrorCardProps {
  title: string;
  /** What went wrong; its message is shown when it has one. */
  error: unknown;
  onRetry: () => void;
  /** Try again is under way. */
  retrying: boolean;
  icon?: ReactNode;
  /** Shown when the route's error carries no message of its own. */
  fallbackMessage: string;
  /** The card's width and shadow. */
  className?: string;
}

/** A page that could not be shown: what went wrong, and Try again. */
export function RouteErrorCard({ title, error, onRetry, retrying, icon = <AlertTriangleIcon className="size-5" />, fallbackMessage, className = 'shadow-xs' }: RouteErrorCardProps) {
  return (
    <div className={cn('rounded-lg border border-slate-200 bg-white', className)}>
      <EmptyState
        icon={icon}
        title={title}
        action={
          <Button variant="primary" onClick={onRetry} disabled={retrying}>
            {retrying ? 'Trying again…' : 'Try again'}
          </Button>
        }
      >
        {error instanceof Error ? error.message : fallbackMessage}
      </EmptyState>
    </div>
  );
}
