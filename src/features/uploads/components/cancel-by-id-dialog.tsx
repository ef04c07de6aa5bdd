import { useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { UPLOAD_ID_PATTERN } from '#contract/constants.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Dialog, DialogFooter } from '#src/components/ui/dialog.tsx';
import { Field, FormAlert, inputClass } from '#src/components/ui/field.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { paths } from '#src/config/paths.ts';
import { cn } from '#src/lib/cn.ts';
import { useCancelUpload } from '#src/features/uploads/api/cancel-upload.ts';
import { describeCancelError } from '#src/features/uploads/utils/describe-cancel-error.ts';
import { CancelByIdButton } from './cancel-by-id-button.tsx';

/** Checked before sending: the server would refuse these anyway, and no id should reach a URL unchecked. */
function idProblem(id: string): string | null {
  if (id === '') return 'Enter an upload id';
  return UPLOAD_ID_PATTERN.test(id) ? null : 'Upload ids look like upload_abc123';
}

/**
 * "Cancel by id" and the dialog it opens, for an operator who may cancel (cancel-by-id-action.tsx
 * puts it on the page). OpenAI has no list endpoint, so an upload the console has never seen can
 * only be reached through an id found elsewhere (a log, a client's output); once cancelled, the
 * server records it and the list shows it from then on. Cancels at once, without an undo window:
 * the dialog itself is the deliberate step.
 */
export function CancelByIdDialog({ openOnArrival = false }: { openOnArrival?: boolean }) {
  // Open from the start when its button was clicked before this code had arrived.
  const [open, setOpen] = useState(openOnArrival);
  const [value, setValue] = useState('');
  // Validation speaks up after the first attempt to send, then follows every keystroke.
  const [attempted, setAttempted] = useState(false);
  // Read by the mutation's callbacks, which can run after the operator has closed the dialog.
  const openRef = useRef(openOnArrival);
  const inputRef = useRef<HTMLInputElement>(null);
  const failureId = useId();
  const navigate = useNavigate();

  const show = (next: boolean) => {
    openRef.current = next;
    setOpen(next);
  };

  const cancel = useCancelUpload({
    mutationConfig: {
      onSuccess: (upload) => {
        show(false);
        toast.success(`Cancelled ${upload.filename} (${upload.id})`, {
          action: { label: 'View', onClick: () => void navigate(paths.upload.getHref(upload.id)) },
        });
      },
      onError: (error, { id }) => {
        // With the dialog open the failure is shown in it; closed, a toast is the only place left.
        if (openRef.current) return;
        const { title, description } = describeCancelError(id, error);
        toast.error(title, { description, duration: 8_000 });
      },
    },
  });

  const openDialog = () => {
    // A cancel still on its way keeps its id and spinner; anything else starts afresh.
    if (!cancel.isPending) {
      setValue('');
      setAttempted(false);
      cancel.reset();
    }
    show(true);
  };

  const problem = attempted ? idProblem(value.trim()) : null;
  const failure = cancel.isError ? describeCancelError(cancel.variables.id, cancel.error) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (cancel.isPending) return;
    const id = value.trim();
    setValue(id);
    setAttempted(true);
    if (idProblem(id) !== null) {
      inputRef.current?.focus();
      return;
    }
    cancel.mutate({ id });
  };

  return (
    <>
      <CancelByIdButton onClick={openDialog} />
      <Dialog
        open={open}
        onClose={() => show(false)}
        title="Cancel an upload by id"
        description="For uploads the console has never seen, e.g. an id from a log. The upload is cancelled at OpenAI and listed from then on."
        initialFocus={inputRef}
      >
        <form onSubmit={submit} noValidate>
          <div className="space-y-3 px-5 pt-4 pb-5">
            <Field label="Upload id" error={problem} describedBy={failure && failureId}>
              {(control) => (
                <input
                  {...control}
                  ref={inputRef}
                  name="upload_id"
                  type="text"
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  placeholder="upload_abc123"
                  value={value}
                  onChange={(event) => {
                    setValue(event.target.value);
                    if (cancel.isError) cancel.reset();
                  }}
                  className={cn(inputClass, 'font-mono')}
                />
              )}
            </Field>
            {failure && (
              <FormAlert id={failureId}>
                <p>{failure.title}</p>
                {failure.description && <p className="mt-0.5 text-rose-700/90">{failure.description}</p>}
              </FormAlert>
            )}
          </div>
          <DialogFooter>
            <Button onClick={() => show(false)}>Close</Button>
            {/* aria-disabled, not disabled: the button keeps focus while the request is out. */}
            <Button type="submit" variant="danger" aria-disabled={cancel.isPending ? 'true' : undefined}>
              {cancel.isPending && <SpinnerIcon className="size-3.5" />}
              {cancel.isPending ? 'Cancelling…' : 'Cancel upload'}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
