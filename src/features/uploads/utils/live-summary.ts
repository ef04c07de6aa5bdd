// What a screen reader hears about the list changing under the operator: not every event, but a
// short summary of what changed since the last one ("2 uploads changed to cancelled; 1 new
// upload"). Pure functions here; the announcer (components/live-announcer.tsx) decides when.
import type { UploadRecord } from '#contract/dashboard-api.ts';
import type { UploadStatus } from '#contract/constants.ts';

export interface LiveChanges {
  /** Rows already on screen whose status changed, by the status they changed to. */
  statuses: Map<UploadStatus, number>;
  /** Uploads created since the list was opened that appeared in it. */
  added: number;
}

export const noChanges = (): LiveChanges => ({ statuses: new Map(), added: 0 });

export function hasChanges(changes: LiveChanges): boolean {
  return changes.added > 0 || changes.statuses.size > 0;
}

interface DiffOptions {
  /** Status of each row as last seen; updated in place to the rows given. */
  seen: Map<string, UploadStatus>;
  /** Unix seconds: an unseen row created before this came from Load more or a sort, not from a client. */
  since: number;
  /** The operator's own cancels: their toasts and the bulk progress already speak for them. */
  mine: (id: string) => boolean;
}

/** Adds to `into` what changed between `seen` and `records`, and remembers `records` as seen. */
export function collectChanges(records: readonly UploadRecord[], { seen, since, mine }: DiffOptions, into: LiveChanges): void {
  for (const record of records) {
    const id = record.upload.id;
    const before = seen.get(id);
    seen.set(id, record.status);
    if (mine(id)) continue;
    if (before === undefined) {
      if (record.upload.created_at >= since) into.added += 1;
    } else if (before !== record.status) {
      into.statuses.set(record.status, (into.statuses.get(record.status) ?? 0) + 1);
    }
  }
}

const uploads = (n: number) => `${n} ${n === 1 ? 'upload' : 'uploads'}`;

/** "Live update: 2 uploads changed to cancelled, 1 to completed; 1 new upload." */
export function describeChanges(changes: LiveChanges): string {
  const parts: string[] = [];
  const statuses = [...changes.statuses];
  if (statuses.length > 0) {
    parts.push(statuses.map(([status, n], index) => (index === 0 ? `${uploads(n)} changed to ${status}` : `${n} to ${status}`)).join(', '));
  }
  if (changes.added > 0) parts.push(`${changes.added} new ${changes.added === 1 ? 'upload' : 'uploads'}`);
  return `Live update: ${parts.join('; ')}.`;
}
