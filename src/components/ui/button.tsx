import type { ButtonHTMLAttributes } from 'react';
import { cn } from '#src/lib/cn.ts';

const variants = {
  primary: 'bg-slate-900 text-white shadow-sm hover:bg-slate-800 disabled:bg-slate-400',
  secondary: 'border border-slate-300 bg-white text-slate-700 shadow-xs hover:bg-slate-50 hover:text-slate-900',
  danger: 'border border-rose-200 bg-white text-rose-700 shadow-xs hover:border-rose-300 hover:bg-rose-50',
  /** The one destructive action a bar or dialog leads to. */
  dangerSolid: 'border border-rose-700 bg-rose-600 text-white shadow-xs hover:bg-rose-700',
  ghost: 'text-slate-500 hover:bg-slate-100 hover:text-slate-900',
} as const;

const sizes = {
  xs: 'h-6 gap-1 rounded px-1.5 text-xs',
  sm: 'h-7 gap-1.5 rounded-md px-2.5 text-xs',
  md: 'h-9 gap-2 rounded-md px-3.5 text-sm',
} as const;

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
}

/** `aria-disabled` keeps a button focusable, so the reason it does nothing can still be reached. */
export function Button({ variant = 'secondary', size = 'md', className, type = 'button', ...props }: ButtonProps) {
  return (
    <button
      type={type}
      className={cn(
        'inline-flex shrink-0 items-center justify-center font-medium whitespace-nowrap transition-colors',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600',
        'disabled:cursor-not-allowed aria-disabled:cursor-not-allowed',
        'aria-disabled:border-slate-200 aria-disabled:bg-slate-50 aria-disabled:text-slate-400 aria-disabled:shadow-none',
        variants[variant],
        sizes[size],
        className,
      )}
      {...props}
    />
  );
}
