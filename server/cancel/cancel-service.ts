// Every cancel is decided here, whoever asks (a dashboard row, cancel by id, a bulk job, the
// reconciler): call the upstream, retry where that is safe, and decide what the answer means —
// the outcome, the audit source and what changes on the upload. recordOutcome then writes it in
// one store transaction and tells live dashboards. A client's own cancel through the pass-through
// makes no call here, but is recorded through recordOutcome too (record-pass-through-cancel.ts).
import type { AuditEntry, CancelOutcome, UploadRecord } from '#contract/dashboard-api.ts';
import { finishedStatusOf, type Upload } from '#contract/uploads.ts';
import { unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { ChangeFeed } from '#server/lib/change-feed.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { CancelChange, CancelWrite, CancelWritten, UploadStore } from '#server/store/upload-store.ts';
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
  /** 0 ≤ x < 1, for the backoff's jitter; tests pass a fixed one. */
  random?: () => number;
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
const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxWaitMs: 0 };

/**
 * Shared by everyone doing bulk work: a 429 pauses them all, not only the one that saw it. The
 * bulk runner's is kept in the store, so the pause holds across replicas (upstream-gate.ts).
 */
export interface UpstreamGate {
  /** How long to hold off before the next call (0: go). */
  waitMs(): Promise<number>;
  /** A 429 asked for this long: hold everyone off until then (never shortens a pause already set). */
  closeFor(ms: number): Promise<void>;
}

/**
 * Thrown by a CancelRequest's beforeCall to take the cancel back before its call goes out (the
 * bulk runner no longer holds the item, or is stopping): nothing is recorded, and whoever holds
 * the item next makes the call.
 */
export class CancelWithdrawn extends Error {}

/** Who asks for a cancel; the service turns it into the audit entry's source. */
export type CancelAsker =
  /** An operator: from the dashboard (session cookie) or a script (Bearer token). */
  | { via: 'cookie' | 'bearer' }
  /** A bulk job's item: its outcome is written with the audit entry, once. A cleanup policy's job is audited as `policy`. */
  | { via: 'bulk'; jobItem: { jobId: string; seq: number }; source?: 'bulk' | 'policy' }
  /** The console itself, finding out what became of a cancel whose outcome was unknown. */
  | { via: 'reconcile' };

export type CancelRequest = CancelAsker & {
  id: string;
  actor: string;
  reason?: string | null;
  /** An earlier attempt may have reached OpenAI (a timeout, or a restart mid-call). */
  mayHaveLanded?: boolean;
  retry?: RetryPolicy;
  gate?: UpstreamGate;
  /**
   * Runs just before each upstream call, once the gate is open (the bulk runner marks its item
   * sent there). May throw CancelWithdrawn: the cancel then ends with that error and writes nothing.
   */
  beforeCall?: () => Promise<void>;
};

export interface CancelResult {
  outcome: CancelOutcome;
  /** The Upload object OpenAI returned, when it did (to this caller, or to the one it joined). */
  upload: Upload | null;
  /** The upload as recorded after the cancel; null if the console never saw it, or the write failed. */
  record: UploadRecord | null;
  /** The last upstream error, when the cancel did not succeed. */
  error: UpstreamError | null;
  /** OpenAI's request id for the call this cancel made or joined. */
  requestId: string | null;
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

export function classify(error: UpstreamError): CancelOutcome {
  if (error.kind === 'timeout') return 'unknown';
  return error.kind === 'http' ? classifyAnswer(error.status, error.envelope.error.message) : 'failed';
}

/** What an upstream answer to a cancel means, from its status and message alone. */
export function classifyAnswer(status: number, message: string): CancelOutcome {
  if (status >= 200 && status < 300) return 'cancelled';
  if (status === 404) return 'not_found';
  if (status === 400 && finishedStatusOf(message) !== null) return 'already_finished';
  return 'failed';
}

/** OpenAI answered and meant it: a 4xx other than the ones clients are told to retry. */
export function isDefinitive(error: UpstreamError): boolean {
  return error.kind === 'http' && error.status >= 400 && error.status < 500 && ![408, 409, 429].includes(error.status);
}

/** How long to wait before the next attempt, or null when this error is not worth another. */
export function retryDelay(error: UpstreamError, attempt: number, policy: RetryPolicy, random: () => number = Math.random): number | null {
  const retryable = error.kind === 'unreachable' || error.kind === 'timeout' || (error.kind === 'http' && (error.status === 429 || error.status >= 500));
  if (!retryable || error.headers['x-should-retry'] === 'false') return null;
  const afterMs = Number(error.headers['retry-after-ms']);
  const afterS = Number(error.headers['retry-after']);
  const asked = Number.isFinite(afterMs) && afterMs >= 0 ? afterMs : Number.isFinite(afterS) && afterS >= 0 ? afterS * 1000 : null;
  const wait = asked ?? policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + random() / 2);
  return wait <= policy.maxWaitMs ? wait : null;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const SOURCE: Record<CancelAsker['via'], AuditEntry['source']> = { cookie: 'dashboard', bearer: 'api', bulk: 'bulk', reconcile: 'reconcile' };

/**
 * Writes a cancel's outcome (store.recordCancelOutcome, one transaction) and, when it changed the
 * upload, tells live dashboards once. Throws what the store throws; callers decide what a failed
 * write means for them.
 */
export async function recordOutcome(deps: Pick<CancelDeps, 'store' | 'feed'>, write: CancelWrite): Promise<CancelWritten | null> {
  const written = await deps.store.recordCancelOutcome(write);
  if (written?.changed && written.record) deps.feed.emit('upload', written.record);
  return written;
}

/**
 * Cancels uploads. One per console: it owns the cancels in flight, so a second cancel of an
 * upload while the first is still out joins it instead of calling OpenAI again. That sharing is
 * within this process only.
 */
export class CancelService {
  private readonly inFlight = new Map<string, Promise<Flight>>();

  constructor(private readonly deps: CancelDeps) {}

  async cancel(request: CancelRequest): Promise<CancelResult> {
    let joined: Flight | undefined;
    // A flight withdrawn before its call went out has no answer to share: join the next one, or
    // make the call (no await between finding none and starting one, so two callers never both do).
    for (let pending = this.inFlight.get(request.id); pending && !joined; ) {
      joined = await pending.catch((error: unknown) => {
        if (error instanceof CancelWithdrawn) return undefined;
        throw error;
      });
      const next = this.inFlight.get(request.id);
      pending = next === pending ? undefined : next;
    }
    let flight: Flight;
    if (joined) {
      flight = joined;
    } else {
      const started = this.fly(request);
      this.inFlight.set(request.id, started);
      try {
        flight = await started;
      } finally {
        if (this.inFlight.get(request.id) === started) this.inFlight.delete(request.id);
      }
    }
    const decision = decide(flight, joined !== undefined);
    const { deps } = this;
    const write: CancelWrite = {
      entry: {
        at: unixSeconds(deps.clock),
        actor: request.actor,
        source: request.via === 'bulk' ? (request.source ?? SOURCE.bulk) : SOURCE[request.via],
        upload_id: request.id,
        reason: request.reason ?? null,
        outcome: decision.outcome,
        upstream_status: decision.upstreamStatus,
        request_id: flight.requestId,
        job_id: request.via === 'bulk' ? request.jobItem.jobId : null,
        message: decision.message,
      },
      // An operator's cancel of an id the console has never seen (pasted in, or sent by a script) is a
      // cancel by id; the store applies it with what its transaction reads.
      sourceIfUnseen: request.via === 'cookie' || request.via === 'bearer' ? 'by_id' : undefined,
      change: decision.change,
      jobItem: request.via === 'bulk' ? { seq: request.jobItem.seq } : undefined,
    };
    let written: CancelWritten | null = null;
    try {
      written = await recordOutcome(deps, write);
    } catch (error) {
      // The upstream has acted; failing to write that down must not make it look as if it had not.
      deps.log.error('could not record the outcome of a cancel', { upload_id: request.id, outcome: decision.outcome, error: String(error) });
    }
    return {
      outcome: decision.outcome,
      upload: flight.upload,
      record: written?.record ?? null,
      error: decision.outcome === 'cancelled' ? null : flight.error,
      requestId: flight.requestId,
      audit: written?.audit ?? null,
    };
  }

  private async fly(request: CancelRequest): Promise<Flight> {
    const sleep = this.deps.sleep ?? realSleep;
    const policy = request.retry ?? NO_RETRY;
    let mayHaveLanded = request.mayHaveLanded ?? false;
    let error: UpstreamError | null = null;
    const ended = (fields: Pick<Flight, 'upload' | 'requestId' | 'error' | 'confirmed'>): Flight => ({ leader: request.actor, mayHaveLanded, ...fields });
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      const wait = request.gate ? await request.gate.waitMs() : 0;
      if (wait > 0) await sleep(wait);
      await request.beforeCall?.();
      try {
        const { object, requestId } = await this.deps.upstream.cancelUpload(request.id);
        return ended({ upload: object, requestId, error: null, confirmed: false });
      } catch (caught) {
        if (!(caught instanceof UpstreamError)) throw caught;
        error = caught;
        if (mayHaveLanded && caught.kind === 'http' && caught.status === 400 && finishedStatusOf(caught.envelope.error.message) === 'cancelled') {
          return ended({ upload: null, requestId: caught.requestId, error: caught, confirmed: true });
        }
        // A timeout, or a connection that broke after the request went out, may hide a cancel that landed.
        if (caught.kind === 'timeout' || caught.kind === 'unreachable' || caught.kind === 'bad_response') mayHaveLanded = true;
        const delay = attempt < policy.attempts ? retryDelay(caught, attempt, policy, this.deps.random) : null;
        if (delay === null) break;
        if (caught.kind === 'http' && caught.status === 429) await request.gate?.closeFor(delay);
        await sleep(delay);
      }
    }
    return ended({ upload: null, requestId: error?.requestId ?? null, error, confirmed: false });
  }
}

interface Decision {
  outcome: CancelOutcome;
  change: CancelChange;
  upstreamStatus: number | null;
  message: string | null;
}

/**
 * What a flight's answer means for one caller. Only the caller that made the call changes the
 * upload; one that joined it writes its own audit entry (same outcome, no upstream status of its
 * own, a note naming whose call it shared) and changes nothing, so nothing is recorded twice.
 */
function decide(flight: Flight, joined: boolean): Decision {
  const note = joined ? `Joined the cancel ${flight.leader} had in flight` : null;
  const say = (message: string | null) => [note, message].filter(Boolean).join('; ') || null;
  const own = (change: CancelChange): CancelChange => (joined ? { kind: 'none' } : change);
  if (flight.upload) {
    return { outcome: 'cancelled', change: own({ kind: 'object', upload: flight.upload }), upstreamStatus: joined ? null : 200, message: say(null) };
  }
  const failure = flight.error!;
  const status = joined ? null : failure.status || null;
  if (flight.confirmed) {
    return { outcome: 'cancelled', change: own({ kind: 'status', status: 'cancelled' }), upstreamStatus: status, message: say('Confirmed by a repeated cancel: the earlier one had landed') };
  }
  // If an earlier attempt may have landed, only a definitive answer tells us it did not.
  const outcome = flight.mayHaveLanded && !isDefinitive(failure) ? 'unknown' : classify(failure);
  const message = say(failure.envelope.error.message);
  if (outcome === 'already_finished') {
    return { outcome, change: own({ kind: 'status', status: finishedStatusOf(failure.envelope.error.message)! }), upstreamStatus: status, message };
  }
  // Neither cancelled nor pending: the row says so until the reconciler finds out.
  if (outcome === 'unknown') return { outcome, change: own({ kind: 'mark_unknown' }), upstreamStatus: status, message };
  // OpenAI answered for good (e.g. 404): any earlier doubt about this upload is settled.
  const change: CancelChange = isDefinitive(failure) ? { kind: 'clear_unknown' } : { kind: 'none' };
  return { outcome, change: own(change), upstreamStatus: status, message };
}
