// The one interface routes talk to for recorded uploads. It is async so that a PostgreSQL
// backend (several proxy replicas behind a load balancer) can implement it without any route
// changing. The SQLite implementation lives in sqlite-store.ts.
import type { UploadRecord } from '../../contract/dashboard-api.ts';
import type { Upload, UploadPart, UploadStatus } from '../../contract/uploads.ts';

export type SeenVia = UploadRecord['seen_via'];

export interface RecordContext {
  /** Unix seconds when the proxy saw the object. */
  at: number;
  /** Which operation returned the object. */
  via: SeenVia;
  /** Who caused it, for cancels: an operator name, or `client:<name>` for pass-through traffic. */
  actor?: string | null;
}

export interface ListQuery {
  status?: UploadStatus | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface ListPage {
  data: UploadRecord[];
  nextCursor: string | null;
}

export type StatusCounts = Record<UploadStatus, number>;

export interface UploadStore {
  /** Records (or merges) an Upload object returned by the upstream. */
  recordUpload(upload: Upload, ctx: RecordContext): Promise<UploadRecord>;
  /** Records a part the upstream accepted; `bytes` is what the proxy counted on the way. */
  recordPart(part: UploadPart, bytes: number, at: number): Promise<void>;
  getUpload(id: string, now: number): Promise<UploadRecord | null>;
  /** Newest first, keyset-paginated. `now` (unix s) decides which pending uploads read as expired. */
  listUploads(query: ListQuery, now: number): Promise<ListPage>;
  countByStatus(now: number): Promise<StatusCounts>;
  close(): Promise<void>;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this server issued. Start again from the first page.');
  }
}
