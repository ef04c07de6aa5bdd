import { useId } from 'react';
import type { PolicyPause } from '#contract/policies.ts';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { cn } from '#src/lib/cn.ts';
import { READ_ONLY_REASON, useOperatorAccess } from '#src/lib/operator-access.tsx';
import { useSetPolicyPause } from '#src/features/policies/api/set-policy-pause.ts';

/** The one switch that stops every policy (no new run starts while it is on). */
export function PauseSwitch({ pause, intervalSeconds }: { pause: PolicyPause; intervalSeconds: number }) {
  const { readOnly } = useOperatorAccess();
  const setPause = useSetPolicyPause();
  const labelId = useId();
  const stateId = useId();
  const flip = () => {
    if (readOnly) return;
    setPause.mutate(!pause.paused, {
      onSuccess: (now) => toast.success(now.paused ? 'Every policy is paused' : 'Policies are running again'),
      onError: (error) => toast.error('Could not change the pause', { description: error.message }),
    });
  };
  return (
    <section
      aria-label="Pause every policy"
      className={cn(
        'flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border px-4 py-3',
        pause.paused ? 'border-amber-200 bg-amber-50' : 'border-slate-200 bg-white shadow-xs',
      )}
    >
      <div className="min-w-0 flex-1">
        <p id={labelId} className="text-sm font-medium text-slate-900">
          Pause all policies
        </p>
        <p id={stateId} className="text-[13px] text-slate-600">
          {pause.paused ? 'Paused: no policy runs until this is switched off.' : `Running: enabled policies are evaluated every ${intervalSeconds} s.`}
          {pause.changed_by && pause.changed_at !== null && (
            <>
              {' '}
              {pause.paused ? 'Paused' : 'Resumed'} by {pause.changed_by} <RelativeTime at={pause.changed_at} tense="past" />.
            </>
          )}
        </p>
      </div>
      <Tooltip content={readOnly ? READ_ONLY_REASON : null} side="bottom">
        {(describedBy) => (
          <button
            type="button"
            role="switch"
            aria-checked={pause.paused}
            aria-labelledby={labelId}
            aria-describedby={[stateId, describedBy].filter(Boolean).join(' ')}
            aria-disabled={readOnly || setPause.isPending ? 'true' : undefined}
            onClick={flip}
            className={cn(
              'relative inline-flex h-7 w-12 shrink-0 items-center rounded-full border-2 border-transparent transition-colors',
              'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 aria-disabled:cursor-not-allowed aria-disabled:opacity-60',
              pause.paused ? 'bg-amber-600' : 'bg-slate-300',
            )}
          >
            <span aria-hidden="true" className={cn('inline-block size-6 rounded-full bg-white shadow transition-transform', pause.paused ? 'translate-x-5' : 'translate-x-0')} />
          </button>
        )}
      </Tooltip>
    </section>
  );
}
