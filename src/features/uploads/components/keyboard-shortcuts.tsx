import { useId } from 'react';
import { KeyboardIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';

const SHORTCUTS: Array<[string[], string]> = [
  [['/'], 'Search'],
  [['j', 'k'], 'Next / previous row'],
  [['x'], 'Select the row'],
  [['c'], 'Cancel the row (with undo)'],
  [['Esc'], 'Clear the selection'],
  [['?'], 'Show these shortcuts'],
];

interface KeyboardShortcutsProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  readOnly: boolean;
}

/** A small popover listing the list's keys; `?` opens it too. */
export function KeyboardShortcuts({ open, onOpenChange, readOnly }: KeyboardShortcutsProps) {
  const panelId = useId();
  const shortcuts = readOnly ? SHORTCUTS.filter(([keys]) => !['x', 'c', 'Esc'].includes(keys[0]!)) : SHORTCUTS;
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
        <ul className="space-y-1.5">
          {shortcuts.map(([keys, what]) => (
            <li key={what} className="flex items-center justify-between gap-3">
              <span>{what}</span>
              <span className="flex gap-1">
                {keys.map((key) => (
                  <kbd key={key} className="min-w-5 rounded border border-slate-200 bg-slate-50 px-1.5 py-px text-center font-mono text-[11px] text-slate-600 shadow-[0_1px_0_var(--color-slate-200)]">
                    {key}
                  </kbd>
                ))}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
