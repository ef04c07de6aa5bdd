import { useState } from 'react';
import type { Policy } from '#contract/policies.ts';
import { Banner } from '#src/components/ui/banner.tsx';
import { Button } from '#src/components/ui/button.tsx';
import { EmptyState } from '#src/components/ui/empty-state.tsx';
import { InboxIcon } from '#src/components/ui/icons.tsx';
import { Skeleton } from '#src/components/ui/skeleton.tsx';
import { isServerUnavailable, isUnauthorized } from '#src/lib/api-client.ts';
import { useOperatorAccess } from '#src/lib/operator-access.tsx';
import { usePolicies } from '#src/features/policies/api/get-policies.ts';
import { ChangeButton } from './change-button.tsx';
import { DeletePolicyDialog } from './delete-policy-dialog.tsx';
import { PauseSwitch } from './pause-switch.tsx';
import { PolicyCard } from './policy-card.tsx';
import { PolicyChanges } from './policy-changes.tsx';
import { PolicyFormDialog } from './policy-form-dialog.tsx';

type Editing = { open: false } | { open: true; policy: Policy | null };

/** Cleanup policies: the rules, their runs, the pause switch, and who changed what. */
export function PoliciesPage() {
  const policies = usePolicies();
  const { stuckAfterMinutes } = useOperatorAccess();
  const [editing, setEditing] = useState<Editing>({ open: false });
  const [deleting, setDeleting] = useState<Policy | null>(null);
  const list = policies.data;
  const problem = policies.error && !isUnauthorized(policies.error) ? policies.error : null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-lg font-semibold tracking-tight text-slate-900">Cleanup policies</h1>
          <p className="max-w-2xl text-[13px] text-slate-600">
            Rules the server runs on its own: each run cancels the pending uploads its rule matches, through a bulk job, audited under the
            policy's name.
          </p>
        </div>
        <ChangeButton variant="primary" onClick={() => setEditing({ open: true, policy: null })}>
          New policy
        </ChangeButton>
      </div>

      {problem && (
        <Banner
          tone={isServerUnavailable(problem) ? 'offline' : 'error'}
          title={isServerUnavailable(problem) ? "Can't reach the Uploads Console server — retrying…" : "Couldn't load the policies"}
          action={
            isServerUnavailable(problem) ? undefined : (
              <Button size="sm" onClick={() => void policies.refetch()}>
                Try again
              </Button>
            )
          }
        >
          {problem.message}
        </Banner>
      )}

      {list ? (
        <>
          <PauseSwitch pause={list.pause} intervalSeconds={list.interval_seconds} />
          {list.data.length === 0 ? (
            <div className="rounded-lg border border-slate-200 bg-white">
              <EmptyState icon={<InboxIcon className="size-5" />} title="No policies yet">
                Write a rule, e.g. “cancel uploads stuck for 30 minutes”, see what it matches, and the server runs it every {list.interval_seconds} s.
              </EmptyState>
            </div>
          ) : (
            <section aria-label="Policies" className="space-y-3">
              {list.data.map((policy) => (
                <PolicyCard
                  key={policy.id}
                  policy={policy}
                  stuckAfterMinutes={stuckAfterMinutes}
                  onEdit={() => setEditing({ open: true, policy })}
                  onDelete={() => setDeleting(policy)}
                />
              ))}
            </section>
          )}
          <PolicyChanges />
        </>
      ) : (
        !problem && (
          <div aria-busy="true" aria-label="Loading policies" className="space-y-3">
            <Skeleton className="h-16 w-full" />
            <Skeleton className="h-32 w-full" />
          </div>
        )
      )}

      <PolicyFormDialog
        open={editing.open}
        policy={editing.open ? editing.policy : null}
        stuckAfterMinutes={stuckAfterMinutes}
        onClose={() => setEditing({ open: false })}
      />
      <DeletePolicyDialog policy={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
