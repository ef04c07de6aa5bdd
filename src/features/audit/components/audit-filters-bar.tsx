import { useId, useState, type FormEvent } from 'react';
import { AUDIT_SOURCES, CANCEL_OUTCOMES } from '#contract/constants.ts';
import { Button } from '#src/components/ui/button.tsx';
import { cn } from '#src/lib/cn.ts';
import { hasAuditFilters, type AuditFilters } from '#src/features/audit/utils/audit-filters.ts';
import { OUTCOME_LABELS, SOURCE_LABELS } from '#src/features/audit/utils/audit-wording.ts';

interface AuditFiltersBarProps {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  /** Actors already on screen, offered as suggestions (the server matches the name exactly). */
  knownActors: readonly string[];
}

const fieldClass =
  'h-8 w-full rounded-md border border-slate-300 bg-white px-2.5 text-[13px] text-slate-900 shadow-xs placeholder:text-slate-400 focus-visible:border-sky-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-sky-600/30';
const labelClass = 'mb-1 block text-[11px] font-semibold tracking-wide text-slate-500 uppercase';

/**
 * Text that is still being typed, kept apart from the URL until it is applied (Enter, Apply,
 * or leaving the field), and reset whenever the URL changes under it (Clear filters, Back).
 */
function useDraft(value: string | undefined) {
  const [draft, setDraft] = useState(value ?? '');
  const [source, setSource] = useState(value);
  if (source !== value) {
    setSource(value);
    setDraft(value ?? '');
  }
  return [draft, setDraft] as const;
}

export function AuditFiltersBar({ filters, onChange, knownActors }: AuditFiltersBarProps) {
  const ids = { actor: useId(), actors: useId(), outcome: useId(), source: useId(), upload: useId() };
  const [actor, setActor] = useDraft(filters.actor);
  const [uploadId, setUploadId] = useDraft(filters.upload_id);

  const withDrafts = (next: AuditFilters = filters): AuditFilters => ({ ...next, actor: actor.trim() || undefined, upload_id: uploadId.trim() || undefined });
  const commitText = () => {
    const next = withDrafts();
    if (next.actor !== filters.actor || next.upload_id !== filters.upload_id) onChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    commitText();
  };

  return (
    <form role="search" aria-label="Filter the audit log" onSubmit={submit} className="flex flex-wrap items-end gap-x-3 gap-y-2.5 px-4 py-3">
      <div className="w-44 max-md:min-w-36 max-md:flex-1">
        <label htmlFor={ids.actor} className={labelClass}>
          Actor
        </label>
        <input
          id={ids.actor}
          type="text"
          list={ids.actors}
          value={actor}
          onChange={(event) => setActor(event.target.value)}
          onBlur={commitText}
          placeholder="admin, client:…"
          autoComplete="off"
          spellCheck={false}
          className={fieldClass}
        />
        <datalist id={ids.actors}>
          {knownActors.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <div className="w-40 max-md:min-w-36 max-md:flex-1">
        <label htmlFor={ids.outcome} className={labelClass}>
          Outcome
        </label>
        <select
          id={ids.outcome}
          value={filters.outcome ?? ''}
          onChange={(event) => onChange(withDrafts({ ...filters, outcome: CANCEL_OUTCOMES.find((o) => o === event.target.value) }))}
          className={cn(fieldClass, 'pr-7')}
        >
          <option value="">All outcomes</option>
          {CANCEL_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {OUTCOME_LABELS[outcome]}
            </option>
          ))}
        </select>
      </div>
      <div className="w-40 max-md:min-w-36 max-md:flex-1">
        <label htmlFor={ids.source} className={labelClass}>
          Source
        </label>
        <select
          id={ids.source}
          value={filters.source ?? ''}
          onChange={(event) => onChange(withDrafts({ ...filters, source: AUDIT_SOURCES.find((s) => s === event.target.value) }))}
          className={cn(fieldClass, 'pr-7')}
        >
          <option value="">All sources</option>
          {AUDIT_SOURCES.map((source) => (
            <option key={source} value={source}>
              {SOURCE_LABELS[source]}
            </option>
          ))}
        </select>
      </div>
      <div className="w-64 max-md:min-w-36 max-md:flex-1">
        <label htmlFor={ids.upload} className={labelClass}>
          Upload id
        </label>
        <input
          id={ids.upload}
          type="text"
          value={uploadId}
          onChange={(event) => setUploadId(event.target.value)}
          onBlur={commitText}
          placeholder="upload_…"
          autoComplete="off"
          spellCheck={false}
          className={cn(fieldClass, 'font-mono text-xs')}
        />
      </div>
      {filters.job_id && (
        <p className="flex h-8 items-center gap-1.5 rounded-md bg-slate-100 px-2 text-xs text-slate-700">
          Job <span className="font-mono">{filters.job_id}</span>
        </p>
      )}
      <div className="flex items-center gap-2">
        <Button type="submit" size="sm" className="h-8">
          Apply
        </Button>
        {hasAuditFilters(filters) && (
          <Button size="sm" variant="ghost" className="h-8" onClick={() => onChange({})}>
            Clear filters
          </Button>
        )}
      </div>
    </form>
  );
}
