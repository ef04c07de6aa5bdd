// A labelled form control with its hint and its problem, wired for assistive technology, and the
// alert a form shows when sending failed. The control itself is the caller's (a password, an id,
// free text); it only spreads the props it is given.
import { useId, type ReactNode } from 'react';
import { cn } from '#src/lib/cn.ts';
import { AlertTriangleIcon } from './icons.tsx';

export interface FieldControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  /** What is wrong with the value, shown under the control; it also marks the control invalid. */
  error?: ReactNode;
  /** Invalid for a reason shown elsewhere in the form (its alert). */
  invalid?: boolean;
  /** Ids of more text that describes the control (that alert), read after the error. */
  describedBy?: string | false | null;
  children: (control: FieldControlProps) => ReactNode;
}

/** The text input's look; `aria-invalid` turns its border red. */
export const inputClass =
  'block h-9 w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-sky-600 focus:ring-2 focus:ring-sky-600/20 focus:outline-none aria-invalid:border-rose-400 aria-invalid:focus:ring-rose-500/20';

export function Field({ label, hint, error, invalid = false, describedBy, children }: FieldProps) {
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const hasError = error !== undefined && error !== null && error !== false;
  const described = [hasError && errorId, describedBy, hint && hintId].filter(Boolean).join(' ');
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-[13px] font-medium text-slate-800">
        {label}
      </label>
      {children({ id, 'aria-describedby': described || undefined, 'aria-invalid': hasError || invalid ? true : undefined })}
      {hasError && (
        <p id={errorId} className="text-xs text-rose-700">
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

/** Why the form could not be sent (role="alert": read out as it appears). */
export function FormAlert({ id, className, children }: { id?: string; className?: string; children: ReactNode }) {
  return (
    <div id={id} role="alert" className={cn('flex items-start gap-2 rounded-md bg-rose-50 px-3 py-2 text-[13px] text-rose-800', className)}>
      <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-rose-600" />
      <div className="min-w-0 break-words">{children}</div>
    </div>
  );
}
