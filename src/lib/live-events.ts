// The browser's own EventSource carries the server-sent events of /api/events: it parses the
// stream and reconnects after a dropped connection by itself. This adds what it leaves out:
// trying again after the server refused the stream outright, and one small store that says
// whether the page is live, for the "Live / Polling" indicator and the polling fallback.
import { useSyncExternalStore } from 'react';

export interface LiveState {
  /** The stream is open and the server has said `ready`. */
  connected: boolean;
  /** Milliseconds of the last event received; 0 before the first. */
  lastEventAt: number;
}

let state: LiveState = { connected: false, lastEventAt: 0 };
const listeners = new Set<() => void>();

function update(patch: Partial<LiveState>): void {
  const next = { ...state, ...patch };
  if (next.connected === state.connected && next.lastEventAt === state.lastEventAt) return;
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getLiveState(): LiveState {
  return state;
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(subscribe, getLiveState);
}

/** Only whether the stream is up: components that need no more skip a render per event. */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(subscribe, () => state.connected);
}

export interface LiveEventOptions {
  /** Handlers by event name; each gets the event's data, parsed as JSON. */
  handlers: Record<string, (data: unknown) => void>;
  /** The server said `ready`: `first` is false after a reconnection, when events may have been missed. */
  onReady?: (first: boolean) => void;
}

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30_000;

/** Opens the stream and keeps it open until the returned function is called. */
export function connectLiveEvents(url: string, { handlers, onReady }: LiveEventOptions): () => void {
  if (typeof EventSource === 'undefined') return () => undefined;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let readyBefore = false;

  const open = () => {
    const current = new EventSource(url);
    source = current;
    current.addEventListener('ready', () => {
      retryMs = FIRST_RETRY_MS;
      update({ connected: true, lastEventAt: Date.now() });
      onReady?.(!readyBefore);
      readyBefore = true;
    });
    for (const [name, handle] of Object.entries(handlers)) {
      current.addEventListener(name, (event) => {
        update({ lastEventAt: Date.now() });
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        handle(data);
      });
    }
    current.addEventListener('error', () => {
      update({ connected: false });
      // CONNECTING: the browser is already trying again. CLOSED: it has given up (the server
      // answered with an error, e.g. 401 or 502), so try again later ourselves.
      if (current.readyState === EventSource.CLOSED) {
        current.close();
        retry = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      }
    });
  };

  open();
  return () => {
    clearTimeout(retry);
    source?.close();
    update({ connected: false });
  };
}
