import { useId, type ComponentType, type SVGProps } from 'react';
import { cn } from '#src/lib/cn.ts';
import { setThemeChoice, THEME_CHOICES, useTheme, type ThemeChoice } from '#src/lib/theme.ts';
import { MonitorIcon, MoonIcon, SunIcon } from './icons.tsx';

const OPTIONS: Record<ThemeChoice, { label: string; Icon: ComponentType<SVGProps<SVGSVGElement>> }> = {
  system: { label: 'System', Icon: MonitorIcon },
  light: { label: 'Light', Icon: SunIcon },
  dark: { label: 'Dark', Icon: MoonIcon },
};

/**
 * System, light or dark, as three radio buttons (native: arrow keys move between them, and the
 * group is named "Theme"). Icons only, unless `showLabels`; each option says its name on hover.
 */
export function ThemeToggle({ showLabels = false, className }: { showLabels?: boolean; className?: string }) {
  const { choice } = useTheme();
  const name = useId();
  return (
    <fieldset className={cn('inline-flex items-center rounded-lg bg-slate-100 p-0.5 ring-1 ring-slate-200 ring-inset', className)}>
      <legend className="sr-only">Theme</legend>
      {THEME_CHOICES.map((option) => {
        const { label, Icon } = OPTIONS[option];
        return (
          <label key={option} title={showLabels ? undefined : label} className="relative inline-flex">
            <input
              type="radio"
              name={name}
              value={option}
              checked={choice === option}
              onChange={() => setThemeChoice(option)}
              className="peer sr-only"
            />
            <span
              className={cn(
                'inline-flex h-7 cursor-pointer items-center justify-center gap-1.5 rounded-md text-xs font-medium text-slate-500 transition-colors hover:text-slate-900',
                showLabels ? 'px-2.5' : 'w-7',
                'peer-checked:bg-white peer-checked:text-slate-900 peer-checked:shadow-xs peer-checked:ring-1 peer-checked:ring-slate-200',
                'peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-sky-600',
              )}
            >
              <Icon className="size-3.5" />
              <span className={showLabels ? undefined : 'sr-only'}>{label}</span>
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
