// An open dashboard, as far as live updates go: one `GET /api/events` stream to one replica,
// collecting every `event:`/`data:` block it receives until closed.
export interface LiveEvent {
  event: string;
  data: string;
  /** Date.now() when it arrived. */
  at: number;
}

export interface LiveEvents {
  readonly events: LiveEvent[];
  /** Resolves once the stream has said `ready`. */
  opened: Promise<void>;
  /** True once the server ended the stream (the dashboard would reconnect and refetch). */
  ended(): boolean;
  /** Every `upload` event's data, parsed. */
  uploads(): { status: string; upload: { id: string } }[];
  close(): void;
}

export function openLiveEvents(origin: string, token: string): LiveEvents {
  const abort = new AbortController();
  const events: LiveEvent[] = [];
  let ended = false;
  let markOpen: () => void = () => {};
  let failOpen: (error: Error) => void = () => {};
  const opened = new Promise<void>((resolve, reject) => {
    markOpen = resolve;
    failOpen = reject;
  });
  // Whoever awaits `opened` sees the failure; nobody awaiting it is not an unhandled rejection.
  opened.catch(() => undefined);
  void (async () => {
    try {
      const response = await fetch(`${origin}/api/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
      if (response.status !== 200 || !response.body) throw new Error(`GET ${origin}/api/events answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
          if (!event) continue;
          events.push({ event, data, at: Date.now() });
          if (event === 'ready') markOpen();
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) failOpen(error instanceof Error ? error : new Error(String(error)));
    } finally {
      ended = true;
      failOpen(new Error(`the event stream of ${origin} ended before it was ready`));
    }
  })();
  return {
    events,
    opened,
    ended: () => ended && !abort.signal.aborted,
    uploads: () => events.filter((e) => e.event === 'upload').map((e) => JSON.parse(e.data) as { status: string; upload: { id: string } }),
    close: () => abort.abort(),
  };
}
