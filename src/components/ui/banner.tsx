import type { ReactNode } from 'react';
import { cn } from '#src/lib/cn.ts';
import { AlertTriangleIcon, CloudOffIcon } from './icons.tsx';

interface BannerProps {
  tone: 'offline' | 'error';
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}

export function Banner({ tone, title, children, action, className }: BannerProps) {
  const Icon = tone === 'offline' ? CloudOffIcon : AlertTriangleIcon;
  return (
    <div
      role="alert"
      className={cn(
        'flex items-start gap-3 rounded-lg border px-4 py-3 text-sm',
        tone === 'offline' ? 'border-amber-200 bg-amber-50 text-amber-900' : 'border-rose-200 bg-rose-50 text-rose-900',
        className,
      )}
    >
      <Icon className={cn('mt-0.5 size-4 shrink-0', tone === 'offline' ? 'text-amber-600' : 'text-rose-600')} />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{title}</p>
        {children && <div className="mt-0.5 text-[13px] opacity-90">{children}</div>}
      </div>
      {action}
    </div>
  );
}
