// Every cancel goes through here, whoever asks (a dashboard row, cancel by id, a bulk job, a
// script): call the upstream, retry where that is safe, record what came back, write the audit
// entry, and tell live dashboards.
import type { AuditEntry, CancelOutcome, UploadRecord } from '../../contract/dashboard-api.ts';
import type { Upload, UploadStatus } from '../../contract/uploads.ts';
import { unixSeconds, type Clock } from '../lib/clock.ts';
import type { ChangeFeed } from '../lib/change-feed.ts';
import type { Logger } from '../lib/logger.ts';
import type { UploadStore } from '../store/upload-store.ts';
import type { UpstreamClient } from '../upstream/openai-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

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
  jobId?: string | null;
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
  audit: AuditEntry | null;
}

// Our emulator's wording for a cancel refused because the upload already finished (see the
// contract page); OpenAI documents none, so anything else is treated as a plain 400.
const ALREADY_FINISHED = /^Cannot cancel upload with status '(completed|cancelled|expired)'\.?$/;

export function classify(error: UpstreamError): CancelOutcome {
  if (error.kind === 'timeout') return 'unknown';
  if (error.kind === 'http' && error.status === 404) return 'not_found';
  if (error.kind === 'http' && error.status === 400 && ALREADY_FINISHED.test(error.envelope.error.message)) return 'already_finished';
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

export async function cancelUpload(deps: CancelDeps, request: CancelRequest): Promise<CancelResult> {
  const sleep = deps.sleep ?? realSleep;
  const policy = request.retry ?? { attempts: 1, baseDelayMs: 0, maxWaitMs: 0 };
  const before = await deps.store.getUpload(request.id, unixSeconds(deps.clock));
  let error: UpstreamError | null = null;
  let timedOut = false;

  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (request.gate && request.gate.waitMs > 0) await sleep(request.gate.waitMs);
    try {
      const { object, requestId } = await deps.upstream.cancelUpload(request.id);
      const record = await safely(deps, 'record a cancelled upload', () =>
        deps.store.recordUpload(object, { at: unixSeconds(deps.clock), via: 'cancel', actor: request.actor }),
      );
      if (record) deps.feed.emit('upload', record);
      const audit = await writeAudit(deps, request, before?.status ?? null, 'cancelled', 200, requestId, null);
      return { outcome: 'cancelled', upload: object, record: record ?? null, error: null, audit };
    } catch (caught) {
      if (!(caught instanceof UpstreamError)) throw caught;
      error = caught;
      // After a timeout the first cancel may have landed: "already cancelled" then means it worked.
      if (timedOut && classify(caught) === 'already_finished' && /'cancelled'/.test(caught.envelope.error.message)) {
        const record = await learnStatus(deps, request.id, 'cancelled');
        const audit = await writeAudit(deps, request, before?.status ?? null, 'cancelled', caught.status, caught.requestId, 'Confirmed by a repeated cancel after a timeout');
        return { outcome: 'cancelled', upload: null, record, error: null, audit };
      }
      if (caught.kind === 'timeout') timedOut = true;
      const delay = attempt < policy.attempts ? retryDelay(caught, attempt, policy) : null;
      if (delay === null) break;
      if (caught.kind === 'http' && caught.status === 429) request.gate?.closeFor(delay);
      await sleep(delay);
    }
  }

  const failure = error!;
  const outcome = classify(failure);
  let record: UploadRecord | null = null;
  if (outcome === 'already_finished') {
    const status = ALREADY_FINISHED.exec(failure.envelope.error.message)![1] as Exclude<UploadStatus, 'pending'>;
    record = await learnStatus(deps, request.id, status);
  }
  const audit = await writeAudit(deps, request, before?.status ?? null, outcome, failure.status || null, failure.requestId, failure.envelope.error.message);
  return { outcome, upload: null, record, error: failure, audit };
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
      deps.store.recordAudit({
        at: unixSeconds(deps.clock),
        actor: request.actor,
        source: request.source,
        upload_id: request.id,
        reason: request.reason ?? null,
        previous_status: previous,
        outcome,
        upstream_status: upstreamStatus,
        request_id: requestId,
        job_id: request.jobId ?? null,
        message,
      }),
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
