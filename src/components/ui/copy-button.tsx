import { useEffect, useState } from 'react';
import { toast } from './toaster.tsx';
import { cn } from '#src/lib/cn.ts';
import { CheckIcon, CopyIcon } from './icons.tsx';

interface CopyButtonProps {
  value: string;
  /** Accessible name, e.g. "Copy upload ID". */
  label: string;
  /** Toast shown once copied. */
  copiedMessage: string;
  showLabel?: boolean;
  className?: string;
}

async function writeToClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // The Clipboard API exists only in secure contexts; a console opened over plain http on a
  // LAN address still deserves a working copy button.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('copy command refused');
}

export function CopyButton({ value, label, copiedMessage, showLabel = false, className }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1_500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await writeToClipboard(value);
      setCopied(true);
      toast.success(copiedMessage);
    } catch {
      toast.error("Couldn't copy to the clipboard", { description: 'Select the text and copy it by hand.' });
    }
  };

  return (
    <button
      type="button"
      aria-label={showLabel ? undefined : label}
      title={showLabel ? undefined : label}
      onClick={() => void copy()}
      className={cn(
        'inline-flex shrink-0 items-center gap-1 rounded p-1 text-slate-400 transition-colors hover:bg-slate-100 hover:text-slate-700',
        'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-600',
        showLabel && 'px-2 text-xs font-medium text-slate-600',
        className,
      )}
    >
      {copied ? <CheckIcon className="size-3.5 text-emerald-600" /> : <CopyIcon className="size-3.5" />}
      {showLabel && <span>{copied ? 'Copied' : label}</span>}
    </button>
  );
}
