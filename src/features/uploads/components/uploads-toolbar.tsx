import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { SearchIcon, XIcon } from '#src/components/ui/icons.tsx';
import { cn } from '#src/lib/cn.ts';
import { useClients } from '#src/features/uploads/api/get-clients.ts';
import type { UploadListView } from '#src/features/uploads/api/upload-keys.ts';
import type { ViewChangeOptions } from '#src/features/uploads/hooks/use-list-view.ts';
import { clientOptionLabel, clientsByUrgency } from '#src/features/uploads/utils/client-wording.ts';
import { AGE_OPTIONS, UPLOAD_PURPOSES, ageLabel, hasCreatedWindow, hasNarrowingFilters } from '#src/features/uploads/utils/list-search-params.ts';
import { CreatedWindowChip } from './created-window-chip.tsx';

/** Typing settles for this long before the search goes into the URL (and to the server). */
export const SEARCH_DEBOUNCE_MS = 250;

interface UploadsToolbarProps {
  view: UploadListView;
  onChange: (patch: Partial<UploadListView>, options?: ViewChangeOptions) => void;
  onClearFilters: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
  /** "N results" while a search, purpose or age narrows the list. */
  results: ReactNode;
  /** The keyboard shortcuts button, at the far end. */
  trailing?: ReactNode;
}

const controlClass =
  'h-8 rounded-md border border-slate-300 bg-white text-[13px] text-slate-800 shadow-xs focus:border-sky-600 focus:ring-2 focus:ring-sky-600/20 focus:outline-none';

function SearchBox({ value, onCommit, inputRef }: { value: string; onCommit: (q: string) => void; inputRef: RefObject<HTMLInputElement | null> }) {
  const [draft, setDraft] = useState(value);
  // The URL changes by other means too (Back, Clear filters, a link): then the box follows it,
  // unless the change is the one this box just made (the operator may have typed on since).
  const [seen, setSeen] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== committed) {
      setDraft(value);
      setCommitted(value);
    }
  }

  // The parent re-renders on every live event; that must not restart the debounce.
  const latestCommit = useRef(onCommit);
  useEffect(() => {
    latestCommit.current = onCommit;
  });
  useEffect(() => {
    const q = draft.trim();
    if (q === committed) return;
    const timer = setTimeout(() => {
      setCommitted(q);
      latestCommit.current(q);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, committed]);

  return (
    <div className="relative w-full sm:w-80">
      <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-slate-400" />
      <input
        ref={inputRef}
        type="search"
        aria-label="Search uploads"
        aria-keyshortcuts="/"
        placeholder="Filename or upload_id…"
        autoComplete="off"
        spellCheck={false}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            const q = draft.trim();
            setCommitted(q);
            onCommit(q);
          } else if (event.key === 'Escape' && draft === '') {
            event.currentTarget.blur();
          }
        }}
        className={cn(controlClass, 'w-full pr-8 pl-8 placeholder:text-slate-400 [&::-webkit-search-cancel-button]:hidden')}
      />
      {draft === '' ? (
        <kbd
          aria-hidden="true"
          className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-slate-200 bg-slate-50 px-1.5 font-mono text-[11px] text-slate-500"
        >
          /
        </kbd>
      ) : (
        <button
          type="button"
          aria-label="Clear search"
          onClick={() => {
            setDraft('');
            setCommitted('');
            onCommit('');
            inputRef.current?.focus();
          }}
          className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-sky-600"
        >
          <XIcon className="size-3.5" />
        </button>
      )}
    </div>
  );
}

function Select({ label, value, onChange, children }: { label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  const id = useId();
  return (
    <div className="flex min-w-0 items-center max-md:grow max-md:basis-[calc(50%-0.25rem)]">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} className={cn(controlClass, 'min-w-0 pr-7 pl-2.5 max-md:w-full', value !== '' && 'border-sky-300 bg-sky-50/60 text-sky-900')}>
        {children}
      </select>
    </div>
  );
}

/** Each client with its pending and stuck counts in the option itself: whose uploads are stuck, one click away. */
function ClientFilter({ value, onChange }: { value: string | undefined; onChange: (client: string | undefined) => void }) {
  const clients = clientsByUrgency(useClients().data ?? []);
  return (
    <Select label="Client" value={value ?? ''} onChange={(client) => onChange(client || undefined)}>
      <option value="">Any client</option>
      {clients.map((counts) => (
        <option key={counts.name} value={counts.name}>
          {clientOptionLabel(counts)}
        </option>
      ))}
      {/* A client from a link that has no uploads (yet) still filters. */}
      {value && !clients.some((counts) => counts.name === value) && <option value={value}>{value}</option>}
    </Select>
  );
}

export function UploadsToolbar({ view, onChange, onClearFilters, searchRef, results, trailing }: UploadsToolbarProps) {
  const purposes: string[] = [...UPLOAD_PURPOSES];
  if (view.purpose && !purposes.includes(view.purpose)) purposes.push(view.purpose);
  const ages: Array<{ seconds: number; label: string }> = [...AGE_OPTIONS];
  if (view.older_than !== undefined && !ages.some((age) => age.seconds === view.older_than)) {
    ages.push({ seconds: view.older_than, label: ageLabel(view.older_than) });
  }

  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-2.5">
      <SearchBox value={view.q ?? ''} onCommit={(q) => onChange({ q: q || undefined }, { replace: true })} inputRef={searchRef} />
      <Select label="Purpose" value={view.purpose ?? ''} onChange={(purpose) => onChange({ purpose: purpose || undefined })}>
        <option value="">Any purpose</option>
        {purposes.map((purpose) => (
          <option key={purpose} value={purpose}>
            {purpose}
          </option>
        ))}
      </Select>
      <ClientFilter value={view.client} onChange={(client) => onChange({ client })} />
      <Select label="Age" value={view.older_than === undefined ? '' : String(view.older_than)} onChange={(age) => onChange({ older_than: age ? Number(age) : undefined })}>
        <option value="">Any age</option>
        {ages.map((age) => (
          <option key={age.seconds} value={age.seconds}>
            {age.label}
          </option>
        ))}
      </Select>
      {hasCreatedWindow(view) && (
        <CreatedWindowChip after={view.created_after} before={view.created_before} onRemove={() => onChange({ created_after: undefined, created_before: undefined })} />
      )}
      {hasNarrowingFilters(view) && (
        <button
          type="button"
          onClick={onClearFilters}
          className="inline-flex h-8 items-center gap-1 rounded-md px-2 text-[13px] font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600"
        >
          <XIcon className="size-3.5" />
          Clear filters
        </button>
      )}
      <div className="ml-auto flex items-center gap-3">
        {results}
        {trailing}
      </div>
    </div>
  );
}
