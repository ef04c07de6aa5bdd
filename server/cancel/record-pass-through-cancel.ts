// A client's cancel through the pass-through (/v1) is an operator-visible act too: the answer it
// got is recorded and audited like any other cancel, through the same one write.
import type { UploadClient } from '#contract/dashboard-api.ts';
import { finishedStatusOf, uploadSchema } from '#contract/uploads.ts';
import { unixSeconds } from '#server/lib/clock.ts';
import type { CancelChange } from '#server/store/upload-store.ts';
import type { ForwardResponse } from '#server/upstream/openai-client.ts';
import { classifyAnswer, recordOutcome, type CancelDeps } from './cancel-service.ts';

export interface PassThroughCancel {
  uploadId: string;
  /** The client: its token's name (the audit's actor is `client:<name>`) and its software. */
  client: UploadClient;
  /** What the upstream answered, exactly as the client gets it. */
  response: ForwardResponse;
}

/**
 * Records the answer; never throws. The client's call was answered upstream, so failing to
 * write it down (logged) must not fail it.
 */
export async function recordPassThroughCancel(deps: Pick<CancelDeps, 'store' | 'feed' | 'clock' | 'log'>, { uploadId, client, response }: PassThroughCancel): Promise<void> {
  const ok = response.status >= 200 && response.status < 300;
  try {
    const json: unknown = JSON.parse(response.body.toString('utf8'));
    const found = (json as { error?: { message?: unknown } } | null)?.error?.message;
    const message = ok || typeof found !== 'string' ? null : found;
    const outcome = classifyAnswer(response.status, message ?? '');
    const finished = outcome === 'already_finished' ? finishedStatusOf(message!) : null;
    const change: CancelChange = ok ? { kind: 'object', upload: uploadSchema.parse(json) } : finished ? { kind: 'status', status: finished } : { kind: 'none' };
    await recordOutcome(deps, {
      entry: {
        at: unixSeconds(deps.clock),
        actor: `client:${client.name}`,
        source: 'pass_through',
        upload_id: uploadId,
        reason: null,
        outcome,
        upstream_status: response.status,
        request_id: response.headers['x-request-id'] ?? null,
        job_id: null,
        message,
      },
      change,
      // An upload first seen through this cancel (or known without a client) is this client's.
      client,
    });
  } catch (error) {
    deps.log.error('could not record a client cancel', { upload_id: uploadId, error: String(error) });
  }
}
