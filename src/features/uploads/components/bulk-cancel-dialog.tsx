import { useRef, useState, type FormEvent, type RefObject } from 'react';
import { CANCEL_REASON_MAX_LENGTH } from '#contract/constants.ts';
import type { BulkCancelJob, BulkCancelRequest } from '#contract/dashboard-api.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Dialog, DialogFooter } from '#src/components/ui/dialog.tsx';
import { Field, FormAlert, inputClass } from '#src/components/ui/field.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { useBulkCancelPreview } from '#src/features/uploads/api/preview-bulk-cancel.ts';
import { useStartBulkCancel } from '#src/features/uploads/api/start-bulk-cancel.ts';
import { confirmDetail, confirmTitle } from '#src/features/uploads/utils/bulk-wording.ts';
import type { BulkCancelTarget } from '#src/features/uploads/utils/selection.ts';

interface BulkCancelDialogProps {
  /** null: closed. */
  target: BulkCancelTarget | null;
  onClose: () => void;
  onStarted: (job: BulkCancelJob) => void;
}

const number = new Intl.NumberFormat('en-US');

/** One confirmation for many cancels, with the exact numbers the server will act on. */
export function BulkCancelDialog({ target, onClose, onStarted }: BulkCancelDialogProps) {
  const [opened, setOpened] = useState(0);
  const [last, setLast] = useState<BulkCancelTarget | null>(null);
  // Each opening starts a fresh form (reason, error): keyed by how many times it has opened.
  if (target !== last) {
    setLast(target);
    if (target) setOpened(opened + 1);
  }
  const reasonRef = useRef<HTMLInputElement>(null);
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target ? <TitleFor target={target} /> : ''}
      initialFocus={reasonRef}
    >
      {target && <BulkCancelForm key={opened} target={target} onClose={onClose} onStarted={onStarted} reasonRef={reasonRef} />}
    </Dialog>
  );
}

function usePreview(target: BulkCancelTarget) {
  const preview = useBulkCancelPreview(target.request);
  return { preview: preview.data ?? (preview.isError ? target.fallback : undefined), failed: preview.isError };
}

function TitleFor({ target }: { target: BulkCancelTarget }) {
  const { preview } = usePreview(target);
  return preview ? confirmTitle(preview) : 'Checking what can be cancelled…';
}

interface BulkCancelFormProps {
  target: BulkCancelTarget;
  onClose: () => void;
  onStarted: (job: BulkCancelJob) => void;
  reasonRef: RefObject<HTMLInputElement | null>;
}

function BulkCancelForm({ target, onClose, onStarted, reasonRef }: BulkCancelFormProps) {
  const { preview, failed } = usePreview(target);
  const [reason, setReason] = useState('');
  const start = useStartBulkCancel({ mutationConfig: { onSuccess: onStarted } });
  const n = preview ? preview.cancellable + preview.unknown : 0;
  const blocked = !preview || n === 0 || start.isPending;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (blocked) return;
    const trimmed = reason.trim();
    const request: BulkCancelRequest = 'ids' in target.request ? { ids: target.request.ids } : { filter: target.request.filter };
    if (trimmed) request.reason = trimmed;
    start.mutate({ request, affectedIds: target.affectedIds });
  };

  return (
    <form onSubmit={submit} noValidate>
      <div className="space-y-3 px-5 pt-2 pb-5 text-[13px]">
        {preview ? (
          <div className="space-y-1 text-slate-600">
            {confirmDetail(preview, target.scope).map((line) => (
              <p key={line}>{line}</p>
            ))}
            {n > 0 && <p>Each cancel goes to OpenAI from the server, a few at a time; you can follow the progress here.</p>}
            {failed && <p className="text-amber-800">The server couldn’t be asked for the exact numbers; these come from the rows on this page.</p>}
          </div>
        ) : (
          <p className="flex items-center gap-2 text-slate-500" role="status">
            <SpinnerIcon className="size-3.5" /> Asking the server which uploads are still pending…
          </p>
        )}
        <Field
          label={
            <>
              Reason <span className="font-normal text-slate-500">(optional)</span>
            </>
          }
          hint="Recorded in the audit log with every cancel."
        >
          {(control) => (
            <input
              {...control}
              ref={reasonRef}
              name="reason"
              type="text"
              maxLength={CANCEL_REASON_MAX_LENGTH}
              autoComplete="off"
              placeholder="e.g. stalled client, see INC-1234"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        {start.isError && <FormAlert>Couldn’t start the bulk cancel: {start.error.message}</FormAlert>}
      </div>
      <DialogFooter>
        <Button onClick={onClose}>Go back</Button>
        <Button type="submit" variant="danger" aria-disabled={blocked ? 'true' : undefined}>
          {start.isPending && <SpinnerIcon className="size-3.5" />}
          {start.isPending ? 'Starting…' : n > 0 ? `Cancel ${number.format(n)} ${n === 1 ? 'upload' : 'uploads'}` : 'Cancel uploads'}
        </Button>
      </DialogFooter>
    </form>
  );
}
