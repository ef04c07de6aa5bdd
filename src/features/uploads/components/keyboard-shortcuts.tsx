import { useId } from 'react';
import { KeyboardIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';
import { DeferredKeyboardShortcutList } from './uploads-list-later.ts';

interface KeyboardShortcutsProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  readOnly: boolean;
}

/** A small popover listing the list's keys; `?` opens it too. The list itself comes after the first screen. */
export function KeyboardShortcuts({ open, onOpenChange, readOnly }: KeyboardShortcutsProps) {
  const panelId = useId();
  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-keyshortcuts="?"
        onClick={() => onOpenChange(!open)}
        className={cn(
          'inline-flex h-8 items-center gap-1.5 rounded-md px-2 text-xs font-medium text-slate-500 transition-colors hover:bg-slate-100 hover:text-slate-800',
          'focus-visible:outline-2 focus-visible:outline-sky-600',
          open && 'bg-slate-100 text-slate-800',
        )}
      >
        <KeyboardIcon className="size-4" />
        {/* A phone seldom has a keyboard: the icon is enough there. */}
        <span className="max-md:sr-only">Keyboard shortcuts</span>
      </button>
      <div
        id={panelId}
        role="region"
        aria-label="Keyboard shortcuts"
        hidden={!open}
        className="absolute top-full right-0 z-30 mt-1.5 w-64 rounded-lg border border-slate-200 bg-white p-3 text-xs text-slate-700 shadow-lg"
      >
        {open && <DeferredKeyboardShortcutList readOnly={readOnly} />}
      </div>
    </div>
  );
}
