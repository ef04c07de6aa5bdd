// Many varied uploads written straight into a store through store.recordUpload, the way the
// pass-through would record them (seconds for 100,000 rows instead of minutes of HTTP creates).
// Shared by the dashboard API benchmark and the dashboard-in-Chromium benchmark.
import type { Upload, UploadStatus } from '#contract/uploads.ts';
import type { RecordContext, UploadStore } from '#server/store/upload-store.ts';

const DAY = 86_400;
const ADJECTIVES = ['amber', 'brisk', 'cobalt', 'dusky', 'ember', 'frosty', 'golden', 'hazel', 'ivory', 'jade'];
const NOUNS = ['falcon', 'harbor', 'meadow', 'otter', 'quarry', 'ridge', 'summit', 'tundra', 'valley', 'willow'];
/** One dataset name in a hundred: a search for it matches about 1% of the rows. */
export const ONE_PERCENT_SEARCH = 'amber-falcon';
const PURPOSES = ['batch', 'fine-tune', 'assistants', 'vision', 'user_data', 'evals'] as const;

export interface FillOptions {
  /**
   * How uploads left pending past their expiry are written. `pending` (the default) leaves them to
   * the server's expiry sweep, as after an outage; `expired` writes them as the sweep would leave
   * them, so a running server has no backlog of expiries to work through while it is measured.
   */
  lapsedPendingAs?: 'pending' | 'expired';
  /** How far back the uploads go (default 30 days); a short span puts more of them in the last hour, pending. */
  spanDays?: number;
}

/**
 * Records `count` varied uploads spread over 30 days (or `spanDays`), newest first: in the last hour most are
 * pending, older ones mostly completed, cancelled or expired. The same rows every run (seeded).
 */
export async function fillUploads(store: UploadStore, count: number, nowSeconds: number, options: FillOptions = {}): Promise<{ ms: number; ids: string[] }> {
  const ids: string[] = [];
  const started = performance.now();
  for (const { upload, ctx } of benchUploads(count, nowSeconds, options)) {
    await store.recordUpload(upload, ctx);
    ids.push(upload.id);
  }
  return { ms: performance.now() - started, ids };
}

export interface BenchUpload {
  upload: Upload;
  ctx: RecordContext & { actor: string | null };
}

/** The uploads fillUploads records, each with the context the pass-through would record it in (for fills that bypass recordUpload). */
export function* benchUploads(count: number, nowSeconds: number, options: FillOptions = {}): Generator<BenchUpload> {
  const random = mulberry32(42);
  const span = (options.spanDays ?? 30) * DAY;
  for (let i = 0; i < count; i++) {
    const createdAt = nowSeconds - 60 - Math.floor((i * span) / count) - Math.floor(random() * 30);
    const age = nowSeconds - createdAt;
    const r = random();
    const oldPending: UploadStatus = options.lapsedPendingAs === 'expired' ? 'expired' : 'pending';
    const status: UploadStatus =
      age < 3600 ? (r < 0.7 ? 'pending' : 'completed') : r < 0.55 ? 'completed' : r < 0.75 ? 'cancelled' : r < 0.9 ? 'expired' : oldPending;
    const dataset = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]}-${NOUNS[Math.floor(random() * NOUNS.length)]}`;
    const day = new Date(createdAt * 1000).toISOString().slice(0, 10);
    const purpose = PURPOSES[Math.floor(random() * PURPOSES.length)]!;
    const filename = `${dataset}-${day}-part${String(i % 50).padStart(2, '0')}.${purpose === 'vision' ? 'png' : 'jsonl'}`;
    const bytes = 1 + Math.floor(random() * 512 * 1024 * 1024);
    const upload: Upload = {
      id: `upload_${createdAt.toString(16).padStart(8, '0')}${i.toString(16).padStart(24, '0')}`,
      object: 'upload',
      bytes,
      created_at: createdAt,
      expires_at: createdAt + 3600,
      filename,
      purpose,
      status,
      file:
        status === 'completed'
          ? { id: `file-bench${i}`, object: 'file', bytes, created_at: createdAt + 120, expires_at: null, filename, purpose, status: 'processed', status_details: null }
          : null,
    };
    const via = status === 'cancelled' ? 'cancel' : status === 'completed' ? 'complete' : 'create';
    yield { upload, ctx: { at: status === 'pending' ? createdAt : createdAt + 120, via, actor: via === 'cancel' ? 'client:bench' : null } };
  }
}

/** A small seeded PRNG: the same rows every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
