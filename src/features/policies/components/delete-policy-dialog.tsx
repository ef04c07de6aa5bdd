import type { Policy } from '#contract/policies.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Dialog, DialogFooter } from '#src/components/ui/dialog.tsx';
import { FormAlert } from '#src/components/ui/field.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { useDeletePolicy } from '#src/features/policies/api/save-policy.ts';

/** Asks before deleting: the rule is gone, its runs and cancels stay in the audit log. */
export function DeletePolicyDialog({ policy, onClose }: { policy: Policy | null; onClose: () => void }) {
  const remove = useDeletePolicy();
  const confirm = () => {
    if (!policy) return;
    remove.mutate(policy.id, {
      onSuccess: () => {
        toast.success(`Deleted ${policy.name}`);
        onClose();
      },
    });
  };
  return (
    <Dialog
      open={policy !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={policy ? `Delete ${policy.name}?` : 'Delete policy?'}
      description="It stops running. What it cancelled stays in the audit log under its name."
    >
      {remove.error && <FormAlert className="mx-5 mt-3">{remove.error.message}</FormAlert>}
      <div className="h-4" />
      <DialogFooter>
        <Button onClick={onClose}>
          Keep it
        </Button>
        <Button variant="dangerSolid" onClick={confirm} disabled={remove.isPending}>
          {remove.isPending && <SpinnerIcon className="size-3.5" />}
          Delete policy
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
