// The words of bulk cancels: the confirm dialog's question and the job's progress and result.
import type { BulkCancelItem, BulkCancelJob, BulkCancelPreview, CancelOutcome } from '#contract/dashboard-api.ts';

const number = new Intl.NumberFormat('en-US');
const count = (n: number) => number.format(n);
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "Cancel 37 pending uploads?" */
export function confirmTitle(preview: BulkCancelPreview): string {
  const n = preview.cancellable + preview.unknown;
  if (n === 0) return 'Nothing to cancel';
  if (preview.cancellable === 0) return `Cancel ${count(n)} ${plural(n, 'upload', 'uploads')} by id?`;
  return `Cancel ${count(n)} pending ${plural(n, 'upload', 'uploads')}?`;
}

/** "3 selected uploads are already finished and will be skipped." */
export function confirmDetail(preview: BulkCancelPreview, scope: 'selected' | 'matching'): string[] {
  const lines: string[] = [];
  if (preview.skipped > 0) {
    lines.push(
      `${count(preview.skipped)} ${scope} ${plural(preview.skipped, 'upload is', 'uploads are')} already finished and will be skipped.`,
    );
  }
  if (preview.unknown > 0 && preview.cancellable > 0) {
    lines.push(`${count(preview.unknown)} ${plural(preview.unknown, 'id was', 'ids were')} never seen by the console and will be cancelled by id.`);
  }
  return lines;
}

/** How an outcome reads in the result line. */
export type OutcomeGroup = 'cancelled' | 'already finished' | 'not found' | 'failed';

export function outcomeGroup(outcome: CancelOutcome): OutcomeGroup {
  switch (outcome) {
    case 'cancelled':
      return 'cancelled';
    case 'already_finished':
    case 'skipped':
      return 'already finished';
    case 'not_found':
      return 'not found';
    case 'failed':
    case 'unknown':
      return 'failed';
  }
}

/** Outcomes worth another try: the upload may still be pending. */
export function isRetryable(item: BulkCancelItem): boolean {
  return item.outcome === 'failed' || item.outcome === 'unknown' || item.outcome === 'not_found';
}

export function doneCount(job: BulkCancelJob): number {
  return job.total - job.progress.pending;
}

/** "Cancelling… 120 of 500" */
export function progressLine(job: BulkCancelJob): string {
  return `Cancelling… ${count(doneCount(job))} of ${count(job.total)}`;
}

/** "34 cancelled · 2 already finished · 1 failed"; groups with nothing in them are left out. */
export function resultLine(job: BulkCancelJob): string {
  const { progress } = job;
  const groups: Array<[number, OutcomeGroup]> = [
    [progress.cancelled, 'cancelled'],
    [progress.already_finished + progress.skipped, 'already finished'],
    [progress.not_found, 'not found'],
    [progress.failed + progress.unknown, 'failed'],
  ];
  const parts = groups.filter(([n], index) => index === 0 || n > 0).map(([n, label]) => `${count(n)} ${label}`);
  return parts.join(' · ');
}

/** What a row says when its part of a bulk cancel did not go through: OpenAI's words where it gave some. */
export function failureNote(item: BulkCancelItem): string {
  const what = item.outcome === 'unknown' ? 'Outcome unknown' : `Not cancelled${item.upstream_status ? ` (${item.upstream_status})` : ''}`;
  return item.message ? `${what}: ${item.message}` : what;
}
