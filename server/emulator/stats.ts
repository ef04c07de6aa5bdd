// Counters of the cancel calls the emulator received, read by tests through GET /__emulator/stats:
// how many calls each upload got and how many of them cancelled it, how many were in flight at
// once (the peak, fault delays included), and who sent them (the `openai-project` header, which
// tells apart replicas configured with different OPENAI_PROJECT_IDs).
import type { MiddlewareHandler } from 'hono';

export interface CallCount {
  calls: number;
  /** Answered 200: the call cancelled the upload. */
  succeeded: number;
}

export interface CancelStats extends CallCount {
  in_flight: number;
  /** Most calls in flight at once since the emulator started or the stats were reset. */
  peak_in_flight: number;
  by_upload: Record<string, CallCount & { succeeded_by: string | null }>;
  /** Keyed by the `openai-project` header; `(none)` when a call had none. */
  by_project: Record<string, CallCount>;
}

const NO_PROJECT = '(none)';

export class EmulatorStats {
  private inFlight = 0;
  private peak = 0;
  private calls = 0;
  private succeeded = 0;
  private byUpload = new Map<string, CallCount & { succeeded_by: string | null }>();
  private byProject = new Map<string, CallCount>();

  /** Counts every call of the route it is mounted on, from arrival to answer (delays included). */
  readonly countCancel: MiddlewareHandler = async (c, next) => {
    const uploadId = c.req.param('upload_id') ?? '';
    const project = c.req.header('openai-project') ?? NO_PROJECT;
    const upload = this.byUpload.get(uploadId) ?? { calls: 0, succeeded: 0, succeeded_by: null };
    const sender = this.byProject.get(project) ?? { calls: 0, succeeded: 0 };
    this.byUpload.set(uploadId, upload);
    this.byProject.set(project, sender);
    this.calls++;
    upload.calls++;
    sender.calls++;
    this.peak = Math.max(this.peak, ++this.inFlight);
    try {
      await next();
    } finally {
      this.inFlight--;
    }
    if (c.res.status === 200) {
      this.succeeded++;
      upload.succeeded++;
      sender.succeeded++;
      upload.succeeded_by ??= project;
    }
  };

  cancels(): CancelStats {
    return {
      calls: this.calls,
      succeeded: this.succeeded,
      in_flight: this.inFlight,
      peak_in_flight: this.peak,
      by_upload: Object.fromEntries([...this.byUpload].map(([id, count]) => [id, { ...count }])),
      by_project: Object.fromEntries([...this.byProject].map(([project, count]) => [project, { ...count }])),
    };
  }

  /** Forgets the counts; the peak starts again from the calls in flight now. */
  reset(): void {
    this.calls = 0;
    this.succeeded = 0;
    this.peak = this.inFlight;
    this.byUpload.clear();
    this.byProject.clear();
  }
}
