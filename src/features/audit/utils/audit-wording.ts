// How the audit log says things in words. The wire values stay in the CSV and the URL.
import type { CancelOutcome } from '#contract/dashboard-api.ts';
import type { AuditSource } from './audit-filters.ts';

export const OUTCOME_LABELS: Record<CancelOutcome, string> = {
  cancelled: 'cancelled',
  already_finished: 'already finished',
  not_found: 'not found',
  failed: 'failed',
  unknown: 'unknown',
  skipped: 'skipped',
};

/** What each outcome means, for the badge's hover text. */
export const OUTCOME_HINTS: Record<CancelOutcome, string> = {
  cancelled: 'OpenAI cancelled the upload.',
  already_finished: 'The upload had already completed, been cancelled or expired: nothing to cancel.',
  not_found: 'OpenAI does not know this upload id.',
  failed: 'OpenAI refused or could not be reached; the upload was not cancelled.',
  unknown: 'No answer in time: the upload may or may not have been cancelled.',
  skipped: 'A bulk job left it alone: it was already finished when its turn came.',
};

export const SOURCE_LABELS: Record<AuditSource, string> = {
  dashboard: 'Row cancel',
  bulk: 'Bulk cancel',
  by_id: 'Cancel by id',
  api: 'API',
  pass_through: 'SDK client',
  reconcile: 'Server check',
  policy: 'Cleanup policy',
};

export const SOURCE_HINTS: Record<AuditSource, string> = {
  dashboard: 'Cancel button on an upload in this dashboard',
  bulk: 'A bulk cancel job started in this dashboard',
  by_id: 'An id pasted into “Cancel by id”',
  api: 'A script calling the console’s /api with an operator token',
  pass_through: 'An OpenAI SDK client calling cancel through the proxy’s /v1',
  reconcile: 'The console itself, finding out what became of a cancel whose outcome was unknown',
  policy: 'A cleanup policy’s scheduled run (the actor is the policy’s name)',
};

const CLIENT_PREFIX = 'client:';

/** `client:<name>` is an SDK client through the pass-through; anything else is an operator. */
export function describeActor(actor: string): { name: string; isClient: boolean } {
  return actor.startsWith(CLIENT_PREFIX) ? { name: actor.slice(CLIENT_PREFIX.length) || actor, isClient: true } : { name: actor, isClient: false };
}
