// The timeline's plain words. Stores keep an event's kind, actor and a small detail object; the
// sentence is made here, once, when the timeline is read.
import type { CancelOutcome, TimelineEvent } from '#contract/dashboard-api.ts';

/** What an event carries beyond its kind and actor; every field belongs to some kinds only. */
export interface EventDetail {
  /** created, seen: the operation that returned the object, and the status it said. */
  via?: string;
  status?: string;
  /** part: which part, and how many bytes the proxy counted. */
  part_id?: string;
  bytes?: number;
  /** A status learned without an Upload object, and how. */
  learned?: string;
  /** cancel_attempt: what came of it. */
  outcome?: CancelOutcome;
  message?: string | null;
}

export interface StoredEvent {
  at: number;
  kind: string;
  actor: string | null;
  detail: EventDetail | null;
}

export function toTimelineEvent(event: StoredEvent): TimelineEvent {
  return { at: event.at, kind: event.kind as TimelineEvent['kind'], actor: event.actor, message: describeEvent(event) };
}

export function describeEvent({ kind, actor, detail }: StoredEvent): string {
  const by = actor ? ` by ${actor}` : '';
  const info = detail ?? {};
  switch (kind) {
    case 'created':
      return `Created${by}`;
    case 'seen':
      return `First seen through ${info.via === 'cancel' ? 'a cancel by id' : `a ${info.via ?? 'call'}`}${by}`;
    case 'part':
      return `Part ${info.part_id ?? ''} received: ${(info.bytes ?? 0).toLocaleString('en-US')} bytes`;
    case 'completed':
      return 'Completed';
    case 'cancelled':
      return `Cancelled${by}`;
    case 'cancel_attempt':
      return describeAttempt(actor ?? 'someone', info.outcome ?? 'failed', info.message ?? null);
    case 'expired':
      return info.learned ? `Expired (${info.learned})` : 'Expired: an hour passed without completion';
    default:
      return info.learned ? `Became ${kind} (${info.learned})` : kind;
  }
}

function describeAttempt(actor: string, outcome: CancelOutcome, message: string | null): string {
  const what = { already_finished: 'it had already finished', not_found: 'OpenAI does not know it', failed: 'it failed', unknown: 'its outcome is unknown', skipped: 'it was skipped', cancelled: 'it worked' }[outcome];
  return `Cancel by ${actor}: ${what}${message ? ` (${message})` : ''}`;
}
