// Every cancel goes through here, whoever asks (a dashboard row, cancel by id, a bulk job, a
// script): call the upstream, retry where that is safe, record what came back, write the audit
// entry, and tell live dashboards. Concurrent cancels of one upload share one upstream call.
import type { AuditEntry, CancelOutcome, UploadRecord } from '#contract/dashboard-api.ts';
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import type { UpstreamClient } from '#server/upstream/openai-client.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';

export interface CancelDeps {
  clock: Clock;
  store: UploadStore;
  upstream: UpstreamClient;
  feed: ChangeFeed;
  log: Logger;
  /** Waits; tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff for 5xx and unreachable; doubles each time (with jitter). */
  baseDelayMs: number;
  /** A retry-after longer than this is not waited for: the cancel ends with OpenAI's message. */
  maxWaitMs: number;
}

/** A dashboard click: retry briefly, so the operator is not left waiting behind a long retry-after. */
export const INTERACTIVE_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 300, maxWaitMs: 2_000 };
/** A bulk job: patient, and retry-after is honoured in full. */
export const BULK_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxWaitMs: 60_000 };

/** Shared by the workers of one bulk job: a 429 pauses them all, not only the one that saw it. */
export class RetryGate {
  private openAt = 0;
  constructor(private readonly now: () => number = () => Date.now()) {}
  closeFor(ms: number): void {
    this.openAt = Math.max(this.openAt, this.now() + ms);
  }
  get waitMs(): number {
    return Math.max(0, this.openAt - this.now());
  }
}

export interface CancelRequest {
  id: string;
  actor: string;
  source: AuditEntry['source'];
  reason?: string | null;
  /** The bulk job item this cancel settles: its outcome is written with the audit entry, once. */
  jobItem?: { jobId: string; seq: number } | null;
  /** An earlier attempt may have reached OpenAI (a timeout, or a restart mid-call). */
  mayHaveLanded?: boolean;
  retry?: RetryPolicy;
  gate?: RetryGate;
}

export interface CancelResult {
  outcome: CancelOutcome;
  /** The Upload object OpenAI returned, when it did. */
  upload: Upload | null;
  record: UploadRecord | null;
  /** The last upstream error, when the cancel did not succeed. */
  error: UpstreamError | null;
  /** Null when writing it failed (logged), or when the bulk item had already been settled. */
  audit: AuditEntry | null;
}

/** What one trip to the upstream (with its retries) came back with. */
interface Flight {
  leader: string;
  upload: Upload | null;
  requestId: string | null;
  error: UpstreamError | null;
  /** A repeated cancel after a possible landing read "already cancelled": that counts as done. */
  confirmed: boolean;
  /** Some attempt may have reached OpenAI without our hearing the answer. */
  mayHaveLanded: boolean;
}

// Our emulator's wording for a cancel refused because the upload already finished (see the
// contract page); OpenAI documents none, so anything else is treated as a plain 400.
const ALREADY_FINISHED = /^Cannot cancel upload with status '(completed|cancelled|expired)'\.?$/;

export function classify(error: UpstreamError): CancelOutcome {
  if (error.kind === 'timeout') return 'unknown';
  return error.kind === 'http' ? classifyAnswer(error.status, error.envelope.error.message) : 'failed';
}

/** What an upstream answer to a cancel means, from its status and message alone. */
export function classifyAnswer(status: number, message: string): CancelOutcome {
  if (status >= 200 && status < 300) return 'cancelled';
  if (status === 404) return 'not_found';
  if (status === 400 && ALREADY_FINISHED.test(message)) return 'already_finished';
  return 'failed';
}

function retryDelay(error: UpstreamError, attempt: number, policy: RetryPolicy): number | null {
  const retryable = error.kind === 'unreachable' || error.kind === 'timeout' || (error.kind === 'http' && (error.status === 429 || error.status >= 500));
  if (!retryable || error.headers['x-should-retry'] === 'false') return null;
  const afterMs = Number(error.headers['retry-after-ms']);
  const afterS = Number(error.headers['retry-after']);
  const asked = Number.isFinite(afterMs) && afterMs >= 0 ? afterMs : Number.isFinite(afterS) && afterS >= 0 ? afterS * 1000 : null;
  const wait = asked ?? policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
  return wait <= policy.maxWaitMs ? wait : null;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Cancels in flight, per upstream: a second cancel of the same upload joins the first.
const flights = new WeakMap<UpstreamClient, Map<string, Promise<Flight>>>();

async function fly(deps: CancelDeps, request: CancelRequest): Promise<Flight> {
  const sleep = deps.sleep ?? realSleep;
  const policy = request.retry ?? { attempts: 1, baseDelayMs: 0, maxWaitMs: 0 };
  let mayHaveLanded = request.mayHaveLanded ?? false;
  let error: UpstreamError | null = null;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (request.gate && request.gate.waitMs > 0) await sleep(request.gate.waitMs);
    try {
      const { object, requestId } = await deps.upstream.cancelUpload(request.id);
      return { leader: request.actor, upload: object, requestId, error: null, confirmed: false, mayHaveLanded };
    } catch (caught) {
      if (!(caught instanceof UpstreamError)) throw caught;
      error = caught;
      if (mayHaveLanded && classify(caught) === 'already_finished' && /'cancelled'/.test(caught.envelope.error.message)) {
        return { leader: request.actor, upload: null, requestId: caught.requestId, error: caught, confirmed: true, mayHaveLanded };
      }
      // A timeout, or a connection that broke after the request went out, may hide a cancel that landed.
      if (caught.kind === 'timeout' || caught.kind === 'unreachable' || caught.kind === 'bad_response') mayHaveLanded = true;
      const delay = attempt < policy.attempts ? retryDelay(caught, attempt, policy) : null;
      if (delay === null) break;
      if (caught.kind === 'http' && caught.status === 429) request.gate?.closeFor(delay);
      await sleep(delay);
    }
  }
  return { leader: request.actor, upload: null, requestId: error?.requestId ?? null, error, confirmed: false, mayHaveLanded };
}

/** OpenAI answered and meant it: a 4xx other than the ones clients are told to retry. */
export function isDefinitive(error: UpstreamError): boolean {
  return error.kind === 'http' && error.status >= 400 && error.status < 500 && ![408, 409, 429].includes(error.status);
}

export async function cancelUpload(deps: CancelDeps, request: CancelRequest): Promise<CancelResult> {
  const before = await deps.store.getUpload(request.id, unixSeconds(deps.clock));
  let inFlight = flights.get(deps.upstream);
  if (!inFlight) flights.set(deps.upstream, (inFlight = new Map()));
  const joined = inFlight.get(request.id);
  let flight: Flight;
  if (joined) {
    flight = await joined;
  } else {
    const started = fly(deps, request);
    inFlight.set(request.id, started);
    try {
      flight = await started;
    } finally {
      inFlight.delete(request.id);
    }
  }
  const note = joined ? `Joined the cancel ${flight.leader} had in flight` : null;
  const audit = (outcome: CancelOutcome, status: number | null, message: string | null) =>
    writeAudit(deps, request, before?.status ?? null, outcome, joined ? null : status, flight.requestId, [note, message].filter(Boolean).join('; ') || null);

  if (flight.upload) {
    // Only the caller that made the call records the object; a joiner would record it twice.
    const record = joined
      ? await deps.store.getUpload(request.id, unixSeconds(deps.clock))
      : await safely(deps, 'record a cancelled upload', () => deps.store.recordUpload(flight.upload!, { at: unixSeconds(deps.clock), via: 'cancel', actor: request.actor }));
    if (record && !joined) deps.feed.emit('upload', record);
    return { outcome: 'cancelled', upload: flight.upload, record: record ?? null, error: null, audit: await audit('cancelled', 200, null) };
  }
  const failure = flight.error!;
  if (flight.confirmed) {
    const record = await learnStatus(deps, request.id, 'cancelled');
    return { outcome: 'cancelled', upload: null, record, error: null, audit: await audit('cancelled', failure.status, 'Confirmed by a repeated cancel: the earlier one had landed') };
  }
  // If an earlier attempt may have landed, only a definitive answer tells us it did not.
  const outcome = flight.mayHaveLanded && !isDefinitive(failure) ? 'unknown' : classify(failure);
  let record: UploadRecord | null = null;
  if (outcome === 'already_finished') {
    const status = ALREADY_FINISHED.exec(failure.envelope.error.message)![1] as Exclude<UploadStatus, 'pending'>;
    record = await learnStatus(deps, request.id, status);
  } else if (outcome === 'unknown' && !joined) {
    // Neither cancelled nor pending: the row says so until the reconciler finds out.
    record = (await safely(deps, 'mark a cancel whose outcome is unknown', () => deps.store.markCancelUnknown(request.id, unixSeconds(deps.clock)))) ?? null;
    if (record) deps.feed.emit('upload', record);
  }
  return { outcome, upload: null, record, error: failure, audit: await audit(outcome, failure.status || null, failure.envelope.error.message) };
}

async function learnStatus(deps: CancelDeps, id: string, status: Exclude<UploadStatus, 'pending'>): Promise<UploadRecord | null> {
  const record = await safely(deps, 'record a status learned from OpenAI', () => deps.store.recordStatus(id, status, unixSeconds(deps.clock)));
  if (record) deps.feed.emit('upload', record);
  return record ?? null;
}

async function writeAudit(
  deps: CancelDeps,
  request: CancelRequest,
  previous: UploadStatus | null,
  outcome: CancelOutcome,
  upstreamStatus: number | null,
  requestId: string | null,
  message: string | null,
): Promise<AuditEntry | null> {
  return (
    (await safely(deps, 'write an audit entry', () =>
      deps.store.recordAudit(
        {
          at: unixSeconds(deps.clock),
          actor: request.actor,
          source: request.source,
          upload_id: request.id,
          reason: request.reason ?? null,
          previous_status: previous,
          outcome,
          upstream_status: upstreamStatus,
          request_id: requestId,
          job_id: request.jobItem?.jobId ?? null,
          message,
        },
        request.jobItem ? { seq: request.jobItem.seq } : undefined,
      ),
    )) ?? null
  );
}

/** The upstream has acted; failing to write it down must not make it look as if it had not. */
async function safely<T>(deps: CancelDeps, what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    deps.log.error(`could not ${what}`, { error: String(error) });
    return undefined;
  }
}
