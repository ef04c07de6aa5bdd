import { useId, type ReactElement, type ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';

interface TooltipProps {
  content: ReactNode;
  /** Receives the id to put in the trigger's aria-describedby. */
  children: (describedBy: string) => ReactElement;
  side?: 'top' | 'bottom';
  className?: string;
}

/**
 * A small tooltip that opens on hover and on keyboard focus (a `title` only does the former)
 * and stays the trigger's accessible description either way.
 */
export function Tooltip({ content, children, side = 'top', className }: TooltipProps) {
  const id = useId();
  return (
    <span className={cn('group/tooltip relative inline-flex', className)}>
      {children(id)}
      <span
        role="tooltip"
        id={id}
        className={cn(
          'pointer-events-none invisible absolute right-0 z-20 w-max max-w-64 rounded-md bg-slate-900 px-2 py-1 text-xs font-normal text-white opacity-0 shadow-lg transition-opacity',
          'group-hover/tooltip:visible group-hover/tooltip:opacity-100 group-focus-within/tooltip:visible group-focus-within/tooltip:opacity-100',
          side === 'top' ? 'bottom-full mb-1.5' : 'top-full mt-1.5',
        )}
      >
        {content}
      </span>
    </span>
  );
}
