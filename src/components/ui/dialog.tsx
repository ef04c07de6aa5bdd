import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { cn } from '#src/lib/cn.ts';

interface DialogProps {
  open: boolean;
  /** Called however the dialog closes: Escape, a button that sets `open` to false, or the browser. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** What receives focus on opening; otherwise the browser picks the first focusable element. */
  initialFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
  className?: string;
}

/**
 * A modal on the native <dialog>: showModal() puts it in the top layer, makes the page behind it
 * inert (so focus stays inside), closes it on Escape, and close() gives focus back to whatever
 * opened it. None of that is reimplemented here.
 */
export function Dialog({ open, onClose, title, description, initialFocus, children, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      initialFocus?.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, initialFocus]);

  return (
    <dialog
      ref={ref}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      className={cn(
        'm-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-slate-200 bg-white text-slate-900 shadow-xl',
        'max-h-[calc(100dvh-2rem)] overflow-y-auto backdrop:bg-slate-900/30 dark:backdrop:bg-black/60',
        className,
      )}
    >
      <div className="px-5 pt-5">
        <h2 id={titleId} className="text-[15px] font-semibold tracking-tight text-slate-900">
          {title}
        </h2>
        {description && (
          <p id={descriptionId} className="mt-1 text-[13px] text-slate-500">
            {description}
          </p>
        )}
      </div>
      {children}
    </dialog>
  );
}

/** The row of buttons along the bottom of a dialog, primary action last. */
export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="flex items-center justify-end gap-2 rounded-b-xl border-t border-slate-100 bg-slate-50 px-5 py-3">{children}</div>;
}
