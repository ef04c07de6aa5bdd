import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { POLICY_LIMITS } from '#contract/constants.ts';
import type { Policy, PolicyPreview } from '#contract/policies.ts';
import { describePolicyRule } from '#contract/policy-wording.ts';
import { Button } from '#src/components/ui/button.tsx';
import { Dialog, DialogFooter } from '#src/components/ui/dialog.tsx';
import { Field, FormAlert, inputClass } from '#src/components/ui/field.tsx';
import { SpinnerIcon } from '#src/components/ui/icons.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { toast } from '#src/components/ui/toaster.tsx';
import { usePolicyPreview, type PolicyRuleDraft } from '#src/features/policies/api/preview-policy.ts';
import { useCreatePolicy, useUpdatePolicy } from '#src/features/policies/api/save-policy.ts';
import { EMPTY_POLICY_FORM, formValuesOf, readPolicyForm, type PolicyFormValues } from '#src/features/policies/utils/policy-form.ts';

const count = new Intl.NumberFormat('en-US');
/** The rule is previewed once typing pauses this long. */
const PREVIEW_DELAY_MS = 300;

function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

function Checkbox({ label, hint, checked, onChange }: { label: string; hint?: ReactNode; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="flex items-start gap-2.5">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hint ? hintId : undefined}
        className="mt-0.5 size-4 shrink-0 rounded border-slate-300 accent-slate-900"
      />
      <div>
        <label htmlFor={id} className="text-[13px] font-medium text-slate-800">
          {label}
        </label>
        {hint && (
          <p id={hintId} className="text-xs text-slate-500">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/** The uploads the rule matches right now: what the first run would cancel. */
function PreviewPanel({ rule, preview, loading, error }: { rule: PolicyRuleDraft | null; preview: PolicyPreview | undefined; loading: boolean; error: Error | null }) {
  let body: ReactNode;
  if (rule === null) body = <p className="text-[13px] text-slate-500">Complete the rule to see what it matches.</p>;
  else if (error) body = <p className="text-[13px] text-rose-700">Couldn't preview the rule: {error.message}</p>;
  else if (!preview) body = <p className="text-[13px] text-slate-500">Looking for matching uploads…</p>;
  else if (preview.total === 0) body = <p className="text-[13px] text-slate-600">No pending upload matches right now. The policy will cancel the ones that match later.</p>;
  else {
    body = (
      <>
        {/* Focusable: a list that scrolls must be reachable from the keyboard. */}
        <ul aria-label="Matching uploads" tabIndex={0} className="max-h-56 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 bg-white">
          {preview.data.map((record) => (
            <li key={record.upload.id} className="px-3 py-1.5 text-[13px]">
              <div className="flex flex-wrap items-baseline gap-x-2">
                <span className="min-w-0 font-medium break-all text-slate-900">{record.upload.filename}</span>
                <span className="text-xs text-slate-500">{record.upload.purpose}</span>
                <RelativeTime at={record.upload.created_at} tense="past" prefix="created" className="text-xs text-slate-500" />
              </div>
              <div className="font-mono text-[11px] break-all text-slate-500">{record.upload.id}</div>
              {record.stuck && <div className="text-xs text-amber-800">{record.stuck.message}</div>}
            </li>
          ))}
        </ul>
        {preview.total > preview.data.length && <p className="mt-1 text-xs text-slate-500">and {count.format(preview.total - preview.data.length)} more.</p>}
      </>
    );
  }
  return (
    <section aria-labelledby="policy-preview-title" aria-busy={loading} className="rounded-md bg-slate-50 p-3">
      <h3 id="policy-preview-title" className="mb-2 flex items-center gap-2 text-[13px] font-semibold text-slate-900">
        {preview && rule ? `Would cancel ${count.format(preview.total)} pending upload${preview.total === 1 ? '' : 's'} now` : 'Preview'}
        {loading && <SpinnerIcon className="size-3.5 text-slate-500" />}
      </h3>
      <div aria-live="polite">{body}</div>
    </section>
  );
}

/** Create a policy, or change one, seeing what it matches before it is saved. */
export function PolicyFormDialog({ open, policy, stuckAfterMinutes, onClose }: { open: boolean; policy: Policy | null; stuckAfterMinutes: number; onClose: () => void }) {
  const [values, setValues] = useState<PolicyFormValues>(EMPTY_POLICY_FORM);
  const [attempted, setAttempted] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const failureId = useId();
  const create = useCreatePolicy();
  const update = useUpdatePolicy();
  const saving = create.isPending || update.isPending;
  const failure = create.error ?? update.error;

  const [openedFor, setOpenedFor] = useState<{ open: boolean; id: string | null }>({ open: false, id: null });
  if (openedFor.open !== open || openedFor.id !== (policy?.id ?? null)) {
    setOpenedFor({ open, id: policy?.id ?? null });
    if (open) {
      setValues(policy ? formValuesOf(policy) : EMPTY_POLICY_FORM);
      setAttempted(false);
      create.reset();
      update.reset();
    }
  }

  const { rule, draft, errors } = readPolicyForm(values);
  const settledRule = useSettled(rule, PREVIEW_DELAY_MS);
  const preview = usePolicyPreview(open ? settledRule : null);
  const set = <K extends keyof PolicyFormValues>(key: K, value: PolicyFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!draft) return;
    const done = { onSuccess: (saved: Policy) => (toast.success(policy ? `Saved ${saved.name}` : `Created ${saved.name}`), onClose()) };
    if (policy) update.mutate({ id: policy.id, patch: draft }, done);
    else create.mutate(draft, done);
  };
  const shown = (error: string | undefined) => (attempted ? error : undefined);

  return (
    <Dialog open={open} onClose={onClose} title={policy ? `Edit ${policy.name}` : 'New cleanup policy'} description="Pending uploads matching every condition are cancelled at each run." initialFocus={nameRef} className="md:max-w-3xl">
      <form onSubmit={submit} noValidate>
        <div className="grid gap-5 px-5 py-4 md:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
          <div className="space-y-4">
            <Field label="Name" hint="The actor and reason of its cancels in the audit log." error={shown(errors.name)}>
              {(control) => <input ref={nameRef} {...control} value={values.name} onChange={(e) => set('name', e.target.value)} maxLength={POLICY_LIMITS.nameLength} autoComplete="off" className={inputClass} />}
            </Field>
            <fieldset className="space-y-3">
              <legend className="mb-1 text-[13px] font-medium text-slate-800">Match pending uploads that are</legend>
              <Checkbox
                label="Stuck"
                hint="No part received for a while, or too slow to finish before it expires."
                checked={values.stuck}
                onChange={(checked) => set('stuck', checked)}
              />
              {values.stuck && (
                <Field label="Idle for at least (minutes)" hint={`Blank: the console's threshold, ${stuckAfterMinutes} min.`} error={errors.stuckAfterMinutes}>
                  {(control) => (
                    <input {...control} inputMode="numeric" value={values.stuckAfterMinutes} onChange={(e) => set('stuckAfterMinutes', e.target.value)} placeholder={String(stuckAfterMinutes)} className={inputClass} />
                  )}
                </Field>
              )}
              <Field label="Older than (minutes)" hint="Blank: any age." error={errors.olderThanMinutes}>
                {(control) => <input {...control} inputMode="numeric" value={values.olderThanMinutes} onChange={(e) => set('olderThanMinutes', e.target.value)} className={inputClass} />}
              </Field>
              <div className="grid grid-cols-2 gap-3">
                <Field label="Client" hint="Blank: any.">
                  {(control) => <input {...control} value={values.client} onChange={(e) => set('client', e.target.value)} maxLength={POLICY_LIMITS.matchLength} autoComplete="off" className={inputClass} />}
                </Field>
                <Field label="Purpose" hint="Blank: any.">
                  {(control) => <input {...control} value={values.purpose} onChange={(e) => set('purpose', e.target.value)} maxLength={POLICY_LIMITS.matchLength} autoComplete="off" placeholder="batch" className={inputClass} />}
                </Field>
              </div>
            </fieldset>
            <Checkbox label="Enabled" hint="A disabled policy keeps its rule and never runs." checked={values.enabled} onChange={(checked) => set('enabled', checked)} />
            {errors.rule && <p className="text-xs text-rose-700">{errors.rule}</p>}
            {rule && <p className="text-xs text-slate-600">{describePolicyRule(rule, stuckAfterMinutes)}.</p>}
          </div>
          <PreviewPanel rule={settledRule} preview={settledRule ? preview.data : undefined} loading={preview.isFetching} error={preview.error} />
        </div>
        {failure && (
          <FormAlert id={failureId} className="mx-5 mb-4">
            {failure.message}
          </FormAlert>
        )}
        <DialogFooter>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving && <SpinnerIcon className="size-3.5" />}
            {policy ? 'Save policy' : 'Create policy'}
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
