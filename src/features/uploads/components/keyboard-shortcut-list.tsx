/** The keys of the uploads list, as its keyboard help lists them. */
const SHORTCUTS: Array<[string[], string]> = [
  [['/'], 'Search'],
  [['j', 'k'], 'Next / previous row'],
  [['x'], 'Select the row'],
  [['c'], 'Cancel the row (with undo)'],
  [['Esc'], 'Clear the selection'],
  [['?'], 'Show these shortcuts'],
];

export function KeyboardShortcutList({ readOnly }: { readOnly: boolean }) {
  const shortcuts = readOnly ? SHORTCUTS.filter(([keys]) => !['x', 'c', 'Esc'].includes(keys[0]!)) : SHORTCUTS;
  return (
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
  );
}
