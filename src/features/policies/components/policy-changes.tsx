import type { PolicyChange } from '#contract/policies.ts';
import { Card } from '#src/components/ui/card.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { usePolicyChanges } from '#src/features/policies/api/get-policy-changes.ts';

const ACTION_WORDS: Record<PolicyChange['action'], string> = {
  create: 'created',
  update: 'changed',
  enable: 'enabled',
  disable: 'disabled',
  delete: 'deleted',
  pause: 'paused every policy',
  resume: 'resumed every policy',
};

/** Who changed which policy, how, and when (the server's log, newest first). */
export function PolicyChanges() {
  const changes = usePolicyChanges();
  const data = changes.data?.data;
  return (
    <Card title="Changes">
      {data === undefined ? (
        <p className="px-4 py-3 text-[13px] text-slate-500">{changes.isError ? `Couldn't load the changes: ${changes.error.message}` : 'Loading…'}</p>
      ) : data.length === 0 ? (
        <p className="px-4 py-3 text-[13px] text-slate-500">No policy has been changed yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {data.map((change) => (
            <li key={change.id} className="flex flex-wrap gap-x-3 gap-y-0.5 px-4 py-2 text-[13px]">
              <RelativeTime at={change.at} tense="past" className="w-24 shrink-0 text-slate-500" />
              <span className="min-w-0 flex-1 text-slate-800">
                <span className="font-medium">{change.actor}</span> {ACTION_WORDS[change.action]}
                {change.policy_name && (
                  <>
                    {' '}
                    <span className="font-medium break-all">{change.policy_name}</span>
                  </>
                )}
                {change.detail && <span className="block text-xs break-words text-slate-500">{change.detail}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
