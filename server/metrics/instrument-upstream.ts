// The upstream client as the console uses it, timed: every call to OpenAI (or the emulator) goes
// to the upstream histogram by operation and status, the pass-through's forwarded calls and the
// console's own (cancels, demo seeding) alike. Wrapped at the composition root, so the client
// itself stays free to change how it talks HTTP.
import type { UpstreamClient } from '#server/upstream/openai-client.ts';
import { UpstreamError } from '#server/upstream/upstream-error.ts';
import type { ConsoleMetrics, UpstreamOperation } from './console-metrics.ts';

/** Which operation a forwarded path is (`/uploads`, `/uploads/<id>/parts`, …). */
export function operationOfPath(path: string): UpstreamOperation {
  if (path === '/uploads') return 'create';
  if (path.endsWith('/parts')) return 'parts';
  if (path.endsWith('/complete')) return 'complete';
  if (path.endsWith('/cancel')) return 'cancel';
  return 'other';
}

/** The status label of a call that threw: the upstream's status, or what kept it from answering. */
function failureStatus(error: unknown): number | string {
  if (error instanceof UpstreamError) return error.kind === 'http' ? error.status : error.kind;
  // Not the upstream's doing: the caller cut it short (a part over the limit, a client gone).
  return 'aborted';
}

export function instrumentUpstream(client: UpstreamClient, metrics: Pick<ConsoleMetrics, 'upstreamCalled'>): UpstreamClient {
  // Plain promise handlers rather than an async wrapper: one link more per call, nothing else.
  function timed<T>(operation: UpstreamOperation, started: number, call: Promise<T>, statusOf: (value: T) => number): Promise<T> {
    return call.then(
      (value) => {
        metrics.upstreamCalled(operation, statusOf(value), (performance.now() - started) / 1000);
        return value;
      },
      (error: unknown) => {
        metrics.upstreamCalled(operation, failureStatus(error), (performance.now() - started) / 1000);
        throw error;
      },
    );
  }
  // The typed calls return the object only; OpenAI answers every success of these operations 200.
  const ok = () => 200;
  const statusOf = (response: { status: number }) => response.status;
  return {
    get baseUrl() {
      return client.baseUrl;
    },
    forward: (request) => timed(operationOfPath(request.path), performance.now(), client.forward(request), statusOf),
    createUpload: (body) => timed('create', performance.now(), client.createUpload(body), ok),
    addPart: (uploadId, data) => timed('parts', performance.now(), client.addPart(uploadId, data), ok),
    completeUpload: (uploadId, body) => timed('complete', performance.now(), client.completeUpload(uploadId, body), ok),
    cancelUpload: (uploadId) => timed('cancel', performance.now(), client.cancelUpload(uploadId), ok),
    close: () => client.close(),
  };
}
