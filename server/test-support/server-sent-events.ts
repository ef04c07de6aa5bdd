// Reading `GET /api/events` in a test: its chunks, as they arrive, cut into `event:`/`data:` blocks.
// Only a block's first data line is read: the console writes each payload as JSON on one line. The multi-replica test
// reads the stream its own way (replicas/live-events.ts: CRLF and multi-line data too).

export interface ServerSentEvent {
  event: string;
  data: string;
}

/** A parser for one stream: give it each chunk; it returns the blocks completed by that chunk. */
export function serverSentEventParser(): (chunk: Uint8Array) => ServerSentEvent[] {
  const decoder = new TextDecoder();
  let buffer = '';
  return (chunk) => {
    buffer += decoder.decode(chunk, { stream: true });
    const events: ServerSentEvent[] = [];
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) events.push({ event, data });
    }
    return events;
  };
}
