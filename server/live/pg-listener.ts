// One LISTEN session on PostgreSQL that stays up: a dedicated pg.Client (a pooled client would be
// reaped when idle and shares its session with queries), a heartbeat on that same session, and a
// reconnect with capped backoff. Modelled on pg-boss's listener (keepalive, a same-session probe
// every 10 s with a timeout, onReconnect). A notification sent while the session is down is lost
// for good, so whoever uses this must treat every "lost" and every "listening again" as "anything
// may have been missed" (server/live/change-relay.ts ends the live streams then).
import pg from 'pg';
import type { Logger } from '#server/lib/logger.ts';

export interface PgListenerOptions {
  connectionString: string;
  channel: string;
  log: Logger;
  onNotification: (payload: string) => void;
  /** LISTEN is in place: `first` is false after a reconnect, when notifications may have been missed. */
  onListening: (first: boolean) => void;
  /** The session is gone: nothing is heard until onListening. */
  onLost: () => void;
  /** How often the session is probed (default 10 s): a half-open TCP connection says nothing by itself. */
  heartbeatMs?: number;
  /** A probe (or LISTEN, or connecting) slower than this counts as a lost session (default 5 s). */
  timeoutMs?: number;
  /** Reconnect delays: the first, doubled per failure up to the cap (default 250 ms, 10 s). */
  retryMs?: { first: number; max: number };
}

export class PgListener {
  private client: pg.Client | null = null;
  private listening = false;
  private stopped = false;
  private everListened = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private probing = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;
  private connecting: Promise<void> | null = null;

  constructor(private readonly options: PgListenerOptions) {}

  /** Whether LISTEN is in place right now. */
  get connected(): boolean {
    return this.listening;
  }

  /**
   * Connects and listens; resolves after the first attempt, whether it worked or not (it keeps
   * trying in the background, and `connected` says when it has).
   */
  start(): Promise<void> {
    this.stopped = false;
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.drop();
    if (client) await endClient(client);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.connectOnce().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped) return;
    const { channel, log } = this.options;
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: 'uploads-console-listener',
      // TCP keepalive finds a dead peer eventually; the heartbeat below finds it within seconds.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    // Attached before connecting: an 'error' event without a listener would crash the process.
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, new Error('the connection ended')));
    client.on('notification', (message) => {
      if (message.channel === channel && this.client === client) this.options.onNotification(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      await endClient(client);
      this.scheduleRetry(error);
      return;
    }
    if (this.stopped) {
      await endClient(client);
      return;
    }
    const first = !this.everListened;
    if (!first) log.info(`live updates: listening on PostgreSQL again${this.attempt > 0 ? ` after ${this.attempt} failed attempt(s)` : ''}`);
    this.client = client;
    this.listening = true;
    this.everListened = true;
    this.attempt = 0;
    this.heartbeat = setInterval(() => void this.probe(client), this.options.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
    this.options.onListening(first);
  }

  /** Same session, so it proves this very connection still listens (a reconnect would not). */
  private async probe(client: pg.Client): Promise<void> {
    // One at a time: a slow probe is still running when the next one is due (it times out instead).
    if (this.probing) return;
    this.probing = true;
    try {
      const { rows } = await client.query<{ listening: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_listening_channels() c WHERE c = $1) AS listening', [this.options.channel]);
      if (!rows[0]?.listening) this.lose(client, new Error('the session is no longer listening'));
    } catch (error) {
      this.lose(client, error);
    } finally {
      this.probing = false;
    }
  }

  private lose(client: pg.Client, error: unknown): void {
    if (this.client !== client) return; // an old session's late events, or one that never listened
    this.options.log.warn('live updates: lost the PostgreSQL listening connection; reconnecting (dashboards catch up once it is back)', { error: messageOf(error) });
    this.drop();
    void endClient(client);
    this.options.onLost();
    this.scheduleRetry(null);
  }

  private drop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.client = null;
    this.listening = false;
  }

  private scheduleRetry(error: unknown): void {
    if (this.stopped || this.retry) return;
    // The first failure of an outage is logged; the ones after it would only repeat it.
    if (error !== null && this.attempt === 0) {
      this.options.log.warn('live updates: cannot listen on PostgreSQL yet; retrying', { error: messageOf(error) });
    }
    const { first, max } = this.options.retryMs ?? { first: 250, max: 10_000 };
    const delay = Math.min(max, first * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    // Up to a fifth less, so replicas that lost the server together do not come back in step.
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay * (0.8 + Math.random() * 0.2));
    this.retry.unref();
  }
}

/** Ends a client without waiting on a dead socket: pg destroys the socket when a query is stuck. */
async function endClient(client: pg.Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
