import { useId, type ReactElement, type ReactNode } from 'react';
import { cn } from '#src/lib/cn.ts';

interface TooltipProps {
  /** Nothing to say: the wrapper stays, so the trigger keeps its identity (and its focus). */
  content: ReactNode | null;
  /** Receives the id for the trigger's aria-describedby, or undefined when there is no tooltip. */
  children: (describedBy: string | undefined) => ReactElement;
  side?: 'top' | 'bottom';
  align?: 'start' | 'end';
  className?: string;
  /** Shown when the owner says so (e.g. on hover and keyboard focus only), instead of on hover and any focus within. */
  open?: boolean;
}

/**
 * A small tooltip that opens on hover and on keyboard focus (a `title` only does the former)
 * and is the trigger's accessible description either way.
 */
export function Tooltip({ content, children, side = 'top', align = 'end', className, open }: TooltipProps) {
  const id = useId();
  const hasContent = content !== null && content !== undefined && content !== false;
  return (
    <span className={cn('group/tooltip relative inline-flex', className)}>
      {children(hasContent ? id : undefined)}
      {hasContent && (
        <span
          role="tooltip"
          id={id}
          className={cn(
            'pointer-events-none invisible absolute z-20 w-max max-w-64 rounded-md bg-slate-900 px-2 py-1 text-left text-xs font-normal tracking-normal whitespace-normal text-white normal-case opacity-0 shadow-lg transition-opacity',
            open === undefined
              ? 'group-focus-within/tooltip:visible group-focus-within/tooltip:opacity-100 group-hover/tooltip:visible group-hover/tooltip:opacity-100'
              : open && 'visible opacity-100',
            side === 'top' ? 'bottom-full mb-1.5' : 'top-full mt-1.5',
            align === 'end' ? 'right-0' : 'left-0',
          )}
        >
          {content}
        </span>
      )}
    </span>
  );
}
