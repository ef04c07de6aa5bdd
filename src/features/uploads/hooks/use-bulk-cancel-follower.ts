import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { BulkCancelItem, BulkCancelJob } from '#contract/dashboard-api.ts';
import { useLiveConnected } from '#src/lib/live-events.ts';
import { bulkCancelQueryOptions, useBulkCancel } from '#src/features/uploads/api/get-bulk-cancel.ts';
import { useRunningBulkCancels } from '#src/features/uploads/api/get-running-bulk-cancels.ts';
import { pendingCancelsFor } from '#src/features/uploads/stores/pending-cancels.ts';
import { isRetryable } from '#src/features/uploads/utils/bulk-wording.ts';

export interface BulkCancelFollower {
  /** The job on screen: one started here, or one found running when the page loaded. */
  job: BulkCancelJob | undefined;
  /** Its outcome has reached the rows (the lists were refetched). */
  settled: boolean;
  /** A job is on screen and not settled yet: no second one starts meanwhile. */
  busy: boolean;
  /** Why each row the job did not cancel was not cancelled, by upload id. */
  failures: ReadonlyMap<string, BulkCancelItem>;
  follow: (job: BulkCancelJob) => void;
  dismiss: () => void;
}

function newest(jobs: BulkCancelJob[]): BulkCancelJob | undefined {
  return jobs.reduce<BulkCancelJob | undefined>((best, job) => (!best || job.created_at > best.created_at ? job : best), undefined);
}

/**
 * Follows one bulk cancel: progress from live `job` events, with a poll as the fallback; then,
 * once it is done, settles its rows (the lists are refetched, then the rows unmarked) and hands
 * the items worth another try (failed, unknown, not found) to `onFinished`.
 */
export function useBulkCancelFollower({ onFinished }: { onFinished: (retry: BulkCancelItem[]) => void }): BulkCancelFollower {
  const client = useQueryClient();
  const connected = useLiveConnected();
  const [followed, setFollowed] = useState<string | null>(null);
  const [adopted, setAdopted] = useState(false);
  const [settledId, setSettledId] = useState<string | null>(null);
  const [failures, setFailures] = useState<ReadonlyMap<string, BulkCancelItem>>(() => new Map());

  // A reload in the middle of a job: pick it up again (once, from an answer newer than the page).
  const running = useRunningBulkCancels();
  if (!adopted && running.data && running.isFetchedAfterMount) {
    setAdopted(true);
    const job = newest(running.data);
    if (followed === null && job) setFollowed(job.id);
  }

  const job = useBulkCancel(followed, { live: connected }).data;

  const latestOnFinished = useRef(onFinished);
  useEffect(() => {
    latestOnFinished.current = onFinished;
  });
  const handled = useRef(new Set<string>());
  useEffect(() => {
    if (!job || job.state !== 'done' || handled.current.has(job.id)) return;
    handled.current.add(job.id);
    const id = job.id;
    void (async () => {
      let items: BulkCancelItem[] = [];
      try {
        // Live events carry no items; the job itself lists every outcome that is not "cancelled".
        items = (await client.fetchQuery({ ...bulkCancelQueryOptions(id), staleTime: 0 })).items ?? [];
      } catch {
        // Without the items the rows still settle; only the reasons are missing.
      }
      // Also for a job adopted after a reload, whose rows this page never marked.
      await pendingCancelsFor(client).settleBulk(id);
      const retry = items.filter(isRetryable);
      setFailures(new Map(retry.map((item) => [item.upload_id, item])));
      setSettledId(id);
      latestOnFinished.current(retry);
    })();
  }, [job, client]);

  return {
    job: followed ? job : undefined,
    settled: followed !== null && settledId === followed,
    busy: followed !== null && job !== undefined && settledId !== followed,
    failures,
    follow: (started) => {
      setFollowed(started.id);
      setSettledId(null);
      setFailures(new Map());
    },
    dismiss: () => {
      setFollowed(null);
      setSettledId(null);
      setFailures(new Map());
    },
  };
}
