import { Link } from 'react-router-dom';
import type { Policy, PolicyRun } from '#contract/policies.ts';
import { describePolicyRule } from '#contract/policy-wording.ts';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { useOperatorAccess } from '#src/lib/operator-access.tsx';
import { useUpdatePolicy } from '#src/features/policies/api/save-policy.ts';
import { ChangeButton } from './change-button.tsx';

const count = new Intl.NumberFormat('en-US');

function RunRow({ run }: { run: PolicyRun }) {
  return (
    <li className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-1.5 text-[13px]">
      <RelativeTime at={run.started_at} tense="past" className="w-24 shrink-0 text-slate-600" />
      <span className="text-slate-800">
        {count.format(run.matched)} matched · {count.format(run.cancelled)} cancelled
        {run.skipped > 0 && ` · ${count.format(run.skipped)} already finished`}
        {run.failed > 0 && <span className="text-rose-700"> · {count.format(run.failed)} failed</span>}
      </span>
      <span className={cn('text-xs', run.finished_at === null ? 'text-sky-700' : 'text-slate-500')}>{run.finished_at === null ? 'running…' : 'done'}</span>
      <Link
        to={paths.audit.getHref({ source: 'policy', job_id: run.job_id })}
        className="rounded-sm font-mono text-[11px] text-sky-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600"
      >
        <span className="sr-only">Cancels of the run in </span>
        {run.job_id}
      </Link>
    </li>
  );
}

/** One rule: what it matches, its switch, its latest runs, and where its cancels are in the audit log. */
export function PolicyCard({ policy, stuckAfterMinutes, onEdit, onDelete }: { policy: Policy; stuckAfterMinutes: number; onEdit: () => void; onDelete: () => void }) {
  const update = useUpdatePolicy();
  const { readOnly } = useOperatorAccess();
  const toggle = () => {
    if (readOnly) return;
    update.mutate(
      { id: policy.id, patch: { enabled: !policy.enabled } },
      {
        onSuccess: (saved) => toast.success(`${saved.name} is ${saved.enabled ? 'enabled' : 'disabled'}`),
        onError: (error) => toast.error(`Could not ${policy.enabled ? 'disable' : 'enable'} ${policy.name}`, { description: error.message }),
      },
    );
  };
  const headingId = `policy-${policy.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <header className="flex flex-wrap items-start gap-x-3 gap-y-2 px-4 pt-3">
        {/* Narrower than this, the buttons go below rather than squeeze the rule. */}
        <div className="min-w-0 flex-1 basis-72">
          <h3 id={headingId} className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
            <span className="[overflow-wrap:anywhere]">{policy.name}</span>
            <span
              className={cn(
                'inline-flex items-center rounded-full px-2 py-0.5 text-[11px] font-semibold ring-1 ring-inset',
                policy.enabled ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/25' : 'bg-slate-100 text-slate-600 ring-slate-500/25',
              )}
            >
              {policy.enabled ? 'Enabled' : 'Disabled'}
            </span>
          </h3>
          <p className="mt-0.5 text-[13px] text-slate-600">{describePolicyRule(policy, stuckAfterMinutes)}</p>
          <p className="mt-0.5 text-xs text-slate-500">
            Changed by {policy.updated_by} <RelativeTime at={policy.updated_at} tense="past" />
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <ChangeButton size="sm" onClick={toggle} disabled={update.isPending} aria-label={`${policy.enabled ? 'Disable' : 'Enable'} ${policy.name}`}>
            {policy.enabled ? 'Disable' : 'Enable'}
          </ChangeButton>
          <ChangeButton size="sm" onClick={onEdit} aria-label={`Edit ${policy.name}`}>
            Edit
          </ChangeButton>
          <ChangeButton size="sm" variant="danger" onClick={onDelete} aria-label={`Delete ${policy.name}`}>
            Delete
          </ChangeButton>
        </div>
      </header>
      <div className="mt-2 border-t border-slate-100 px-4 py-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Latest runs</h4>
          <Link
            to={paths.audit.getHref({ source: 'policy', actor: policy.name })}
            className="rounded-sm text-[13px] font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600"
          >
            What it cancelled<span className="sr-only"> ({policy.name}, in the audit log)</span>
          </Link>
        </div>
        {policy.runs.length === 0 ? (
          <p className="py-1.5 text-[13px] text-slate-500">No run yet: a run starts when the rule matches pending uploads.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {policy.runs.map((run) => (
              <RunRow key={run.id} run={run} />
            ))}
          </ul>
        )}
      </div>
    </article>
  );
}
