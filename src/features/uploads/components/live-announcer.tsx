import { useEffect, useRef, useState } from 'react';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import type { UploadStatus } from '#contract/constants.ts';
import { collectChanges, describeChanges, hasChanges, noChanges } from '#src/features/uploads/utils/live-summary.ts';

/** Changes that land together (a burst of events, one refetch) make one announcement… */
const SETTLE_MS = 1_000;
/** …and announcements come at most this often, however busy the proxy is. */
const MIN_GAP_MS = 5_000;
/** A row the operator cancelled stays theirs this long after the cancel has left the store. */
const MINE_FOR_MS = 15_000;
const CLOCK_SLACK_S = 30;

interface LiveAnnouncerProps {
  /** The rows as the server sent them (no cancel in progress applied); undefined while loading. */
  records: readonly UploadRecord[] | undefined;
  /** Which list this is: another filter starts afresh, with nothing to announce. */
  scope: string;
  /** Uploads being cancelled from this page. */
  cancellingIds: ReadonlySet<string>;
}

/**
 * A polite live region that sums up what changed in the list while the operator was looking:
 * statuses that changed and uploads that appeared, not the clock ticking or the operator's own
 * cancels (their toasts and the bulk progress speak for those).
 */
export function LiveAnnouncer({ records, scope, cancellingIds }: LiveAnnouncerProps) {
  const [message, setMessage] = useState('');
  const seen = useRef<{ scope: string; statuses: Map<string, UploadStatus> } | null>(null);
  // Uploads created from about when the list opened (give or take the server's clock) are new.
  const [since] = useState(() => Math.floor(Date.now() / 1000) - CLOCK_SLACK_S);
  const mine = useRef(new Map<string, number>());
  const pending = useRef(noChanges());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastAt = useRef(0);
  const flip = useRef(false);

  useEffect(() => {
    const now = Date.now();
    for (const id of cancellingIds) mine.current.set(id, now);
  }, [cancellingIds]);

  useEffect(() => {
    if (records === undefined) return;
    if (seen.current?.scope !== scope) {
      // The first rows of this list: what is there now is the baseline, not news.
      seen.current = { scope, statuses: new Map(records.map((record) => [record.upload.id, record.status])) };
      pending.current = noChanges();
      return;
    }
    const now = Date.now();
    const isMine = (id: string) => cancellingIds.has(id) || now - (mine.current.get(id) ?? -Infinity) < MINE_FOR_MS;
    collectChanges(records, { seen: seen.current.statuses, since, mine: isMine }, pending.current);
    if (!hasChanges(pending.current) || timer.current !== undefined) return;
    timer.current = setTimeout(
      () => {
        timer.current = undefined;
        lastAt.current = Date.now();
        // The same words twice in a row are still news: a no-break space makes them a change.
        flip.current = !flip.current;
        setMessage(describeChanges(pending.current) + (flip.current ? '' : '\u00a0'));
        pending.current = noChanges();
      },
      Math.max(SETTLE_MS, lastAt.current + MIN_GAP_MS - now),
    );
  }, [records, scope, cancellingIds, since]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    // role="status": a polite, atomic live region.
    <div role="status" aria-label="List changes" className="sr-only">
      {message}
    </div>
  );
}
