// Alerts to a webhook (ALERT_WEBHOOK_URL, Slack-compatible): when the stuck count rises above
// ALERT_STUCK_THRESHOLD, when it falls back, and when a policy run cancels uploads.
//
// Nothing waits for the webhook. A change only writes a message into the store's outbox (a short
// write); a delivery loop of its own sends what is due. That loop claims each message under a lease,
// posts it with a timeout, then marks it sent, or due again later (exponential backoff, honouring a
// 429's Retry-After), or given up. So with several replicas on one database each message goes out
// once: the stuck state moves by compare-and-set (one replica enqueues the change), a policy run is
// keyed by its job, and a claimed message is another replica's only once its lease has run out (a
// replica that died mid-send is the one case where a message may go out twice).
//
// The webhook URL is a secret (Slack's carries its token in the path): it is never logged, never in
// a response, and every error text kept or logged has it (and its parts) cut out.
import { randomUUID } from 'node:crypto';
import { systemClock, unixSeconds, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { ClaimedAlert, UploadStore } from '#server/store/upload-store.ts';
import { policyRunMessage, stuckFellMessage, stuckRoseMessage, type AlertBody, type PolicyRun } from './alert-messages.ts';

export interface AlertSettings {
  /** ALERT_WEBHOOK_URL: a secret. */
  webhookUrl: string;
  /** ALERT_STUCK_THRESHOLD: a message when the stuck count goes above it, and one when it is back at or below. */
  stuckThreshold: number;
}

export interface AlertDeps {
  store: UploadStore;
  /** The console's clock: what "stuck" is measured against. */
  clock: Clock;
  /** Leases and retry times, in ms on the replicas' wall clocks (default: the system clock). */
  wallClock?: Clock;
  log: Logger;
  /** This replica's name on its leases (unique among replicas). */
  owner: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

export interface AlertTiming {
  /** How long one webhook call may take before it counts as failed (default 5 s). */
  timeoutMs?: number;
  /** A claimed message is this replica's for this long (default 30 s: well beyond the timeout). */
  leaseMs?: number;
  /** Backoff after the first failure (default 1 s), doubling per attempt up to maxDelayMs (default 10 min). */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before a message is given up (default 12: about 40 minutes of retries). */
  maxAttempts?: number;
}

export interface Alerts {
  readonly enabled: boolean;
  /** Links in messages point here (PUBLIC_ORIGIN, or the origin the console listens on). */
  setConsoleUrl(url: string | null): void;
  /**
   * Queues one message for a policy run that cancelled (or failed to cancel) anything, once per job
   * across replicas (a second call for the same job queues nothing). Rejects when the message could
   * not be queued: the policy runner then keeps the run open and tries again.
   */
  policyRun(run: PolicyRun): Promise<void>;
  /** Compares the stuck count with the threshold; a crossing enqueues one message (once across replicas). */
  checkStuck(): Promise<void>;
  /** One delivery round (joined if one is running): sends what is due; returns how many went out. */
  deliverDue(): Promise<number>;
  /** Starts the stuck check and the delivery loop. */
  start(intervals: { checkMs: number | null; deliverMs: number | null }): void;
  /** Stops the loops; a webhook call in flight is cut short and will be tried again (here at the next start, or by another replica). */
  stop(): Promise<void>;
}

const STUCK_STATE = 'stuck';

/** Alerts that do nothing: ALERT_WEBHOOK_URL is not set. */
export const NO_ALERTS: Alerts = {
  enabled: false,
  setConsoleUrl: () => {},
  policyRun: async () => {},
  checkStuck: async () => {},
  deliverDue: async () => 0,
  start: () => {},
  stop: async () => {},
};

/** Cuts the webhook URL, and each secret-bearing part of it, out of a text (an error message). */
export function redactWebhookUrl(text: string, webhookUrl: string): string {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return text.replaceAll(webhookUrl, '[webhook URL]');
  }
  const secrets = [webhookUrl, url.href, `${url.origin}${url.pathname}`, url.pathname.length > 1 ? url.pathname : '', url.search, url.username, url.password]
    .filter((part) => part.length > 1)
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((kept, secret) => kept.replaceAll(secret, '[webhook URL]'), text);
}

export function createAlerts(deps: AlertDeps, settings: AlertSettings, timing: AlertTiming = {}): Alerts {
  const { store, clock, log, owner } = deps;
  const wallClock = deps.wallClock ?? systemClock;
  const send = deps.fetch ?? fetch;
  const timeoutMs = timing.timeoutMs ?? 5_000;
  const leaseMs = timing.leaseMs ?? 30_000;
  const firstDelayMs = timing.firstDelayMs ?? 1_000;
  const maxDelayMs = timing.maxDelayMs ?? 10 * 60_000;
  const maxAttempts = timing.maxAttempts ?? 12;
  const redact = (text: string) => redactWebhookUrl(text, settings.webhookUrl);

  let consoleUrl: string | null = null;
  let delivering: Promise<number> | null = null;
  let checking: Promise<void> | null = null;
  const timers: NodeJS.Timeout[] = [];
  const stopping = new AbortController();

  const message = (key: string, alert: AlertBody) => ({ key, body: JSON.stringify(alert), created_at: wallClock.now() });

  /** Posts one message; null when it was accepted, else why not and when to try again (null: never). */
  async function post(alert: ClaimedAlert): Promise<{ error: string; retryAfterMs: number | null } | null> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]);
    try {
      const res = await send(settings.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alert.body, signal, redirect: 'error' });
      // The receiver's body may echo the request or name the hook: only the status is kept.
      await res.body?.cancel().catch(() => {});
      if (res.ok) return null;
      const retryAfter = Number(res.headers.get('retry-after'));
      // A 4xx other than 408 or 429 (a deleted or revoked hook, a refused body) will not change by retrying.
      const hopeless = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      return { error: `HTTP ${res.status}`, retryAfterMs: hopeless ? null : Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0 };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = stopping.signal.aborted ? 'the console stopped' : signal.aborted ? `no answer within ${timeoutMs} ms` : `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
      return { error: redact(why), retryAfterMs: 0 };
    }
  }

  async function deliverOne(alert: ClaimedAlert): Promise<boolean> {
    const failure = await post(alert);
    const at = wallClock.now();
    if (!failure) return store.settleAlert(owner, alert.id, { sent: true, at });
    const backoff = Math.min(maxDelayMs, firstDelayMs * 2 ** (alert.attempts - 1));
    const giveUp = failure.retryAfterMs === null || alert.attempts >= maxAttempts;
    const delay = giveUp ? 0 : Math.max(backoff, failure.retryAfterMs ?? 0);
    await store.settleAlert(owner, alert.id, { sent: false, at, error: failure.error, retryAt: giveUp ? null : at + delay });
    if (giveUp) log.error(`alert webhook: gave up on a message after ${alert.attempts} attempt(s): ${failure.error}`);
    else log.warn(`alert webhook: attempt ${alert.attempts} failed (${failure.error}); trying again in ${delay < 1000 ? `${delay} ms` : `${Math.round(delay / 1000)} s`}`);
    return false;
  }

  async function deliverRound(): Promise<number> {
    let sent = 0;
    // Until nothing is due: what was queued while a call was in flight goes out in the same round
    // (a failed message is due again only later, so this ends).
    while (!stopping.signal.aborted) {
      const due = await store.claimAlerts({ owner, now: wallClock.now(), leaseMs, limit: 10 });
      if (due.length === 0) break;
      for (const alert of due) if (await deliverOne(alert)) sent += 1;
    }
    return sent;
  }

  const deliverDue = (): Promise<number> => (delivering ??= deliverRound().finally(() => (delivering = null)));
  /** Sends soon after a message is queued, without waiting for the next tick; failures are logged, not thrown. */
  const nudge = () => void deliverDue().catch((error: unknown) => log.error('alert webhook: delivery round failed', { error: redact(String(error)) }));

  async function checkStuckOnce(): Promise<void> {
    const { stuck } = await store.countByStatus(unixSeconds(clock));
    const above = stuck > settings.stuckThreshold;
    const to = above ? 'above' : 'below';
    const alert = above ? stuckRoseMessage(stuck, settings.stuckThreshold, consoleUrl) : stuckFellMessage(stuck, settings.stuckThreshold, consoleUrl);
    const moved = await store.transitionAlertState({ name: STUCK_STATE, initial: 'below', to, message: message(`stuck:${to}:${randomUUID()}`, alert) });
    if (moved) {
      log.info(`alert: stuck uploads ${above ? 'rose above' : 'fell back to'} the threshold (${stuck} stuck, threshold ${settings.stuckThreshold})`);
      nudge();
    }
  }

  const checkStuck = (): Promise<void> => (checking ??= checkStuckOnce().finally(() => (checking = null)));

  return {
    enabled: true,
    setConsoleUrl: (url) => {
      consoleUrl = url;
    },
    async policyRun(run) {
      if (run.cancelled === 0 && run.failed === 0) return;
      if (await store.enqueueAlert(message(`policy:${run.job_id}`, policyRunMessage(run, consoleUrl)))) nudge();
    },
    checkStuck,
    deliverDue,
    start({ checkMs, deliverMs }) {
      const check = () => void checkStuck().catch((error: unknown) => log.error('alert: stuck check failed', { error: String(error) }));
      check();
      if (checkMs !== null) timers.push(setInterval(check, checkMs));
      nudge();
      if (deliverMs !== null) timers.push(setInterval(nudge, deliverMs));
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      stopping.abort();
      await Promise.allSettled([delivering, checking]);
    },
  };
}
