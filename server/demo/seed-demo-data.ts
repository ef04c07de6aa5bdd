// Demo data for emulator mode, made through the emulator's real API (create, parts, complete,
// cancel) with its clock moved back to backdate, and recorded the way live traffic is.
import { randomBytes } from 'node:crypto';
import type { UploadClient } from '#contract/dashboard-api.ts';
import type { Upload } from '#contract/uploads.ts';
import { unixSeconds, type AdjustableClock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import type { UploadStore } from '#server/store/upload-store.ts';
import type { UpstreamClient } from '#server/upstream/openai-client.ts';

type Ending = 'complete' | 'cancel' | 'none';

interface DemoUpload {
  filename: string;
  purpose: string;
  mime_type: string;
  /** Intended size in bytes. */
  bytes: number;
  /** How long ago (minutes) it was created. */
  ageMinutes: number;
  /** Bytes of each part sent, and minutes after creation each was sent. */
  parts: { bytes: number; afterMinutes: number }[];
  ending: Ending;
  endAfterMinutes?: number;
  /** The client that made it (its token name and software, as the proxy would record them). */
  client: UploadClient;
}

/** The demo's clients: three teams' apps with the software each really sends. */
export const DEMO_CLIENTS = {
  teamA: { name: 'team-a', sdk: 'node 6.49.0' },
  teamB: { name: 'team-b', sdk: 'python 3.22.1' },
  ingestBot: { name: 'ingest-bot', sdk: 'curl/7.88.1' },
} as const satisfies Record<string, UploadClient>;
const { teamA, teamB, ingestBot } = DEMO_CLIENTS;

const KB = 1024;
const MB = 1024 * KB;

function even(total: number, count: number, everyMinutes: number, startMinutes = 1) {
  const size = Math.ceil(total / count);
  return Array.from({ length: count }, (_, i) => ({
    bytes: Math.min(size, total - size * i),
    afterMinutes: startMinutes + i * everyMinutes,
  }));
}

const jsonl = { mime_type: 'application/jsonl' };

export const DEMO_UPLOADS: DemoUpload[] = [
  // Pending, and idle for a long time: the ones an operator is here to find.
  { filename: 'fine-tune-support-2026-q4.jsonl', purpose: 'fine-tune', ...jsonl, bytes: 12 * MB, ageMinutes: 52, parts: even(4 * MB, 2, 3), ending: 'none', client: teamA },
  { filename: 'batch-requests-eu-west.jsonl', purpose: 'batch', ...jsonl, bytes: 9 * MB, ageMinutes: 47, parts: even(3 * MB, 3, 2), ending: 'none', client: ingestBot },
  { filename: 'product-catalog-embeddings.jsonl', purpose: 'batch', ...jsonl, bytes: 6 * MB + 300 * KB, ageMinutes: 41, parts: [], ending: 'none', client: ingestBot },
  { filename: 'contracts-archive-2019.pdf', purpose: 'assistants', mime_type: 'application/pdf', bytes: 8 * MB, ageMinutes: 38, parts: even(1 * MB, 1, 1, 4), ending: 'none', client: teamB },
  { filename: 'eval-set-reasoning-v7.jsonl', purpose: 'evals', ...jsonl, bytes: 3 * MB, ageMinutes: 33, parts: even(2 * MB, 2, 5), ending: 'none', client: teamA },
  // Pending and moving.
  { filename: 'nightly-transcripts-1121.jsonl', purpose: 'batch', ...jsonl, bytes: 10 * MB, ageMinutes: 6, parts: even(7 * MB, 7, 0.8), ending: 'none', client: ingestBot },
  { filename: 'storefront-hero-4k.png', purpose: 'vision', mime_type: 'image/png', bytes: 5 * MB, ageMinutes: 2, parts: even(2 * MB, 2, 0.5), ending: 'none', client: teamB },
  { filename: 'onboarding-handbook.pdf', purpose: 'user_data', mime_type: 'application/pdf', bytes: 2 * MB + 512 * KB, ageMinutes: 1, parts: [], ending: 'none', client: teamB },
  // Completed.
  { filename: 'fine-tune-sales-calls.jsonl', purpose: 'fine-tune', ...jsonl, bytes: 4 * MB, ageMinutes: 25, parts: even(4 * MB, 4, 1), ending: 'complete', endAfterMinutes: 6, client: teamA },
  { filename: 'batch-classify-tickets.jsonl', purpose: 'batch', ...jsonl, bytes: 1 * MB + 200 * KB, ageMinutes: 95, parts: even(1 * MB + 200 * KB, 2, 1), ending: 'complete', endAfterMinutes: 3, client: ingestBot },
  { filename: 'warehouse-shelf-0412.jpg', purpose: 'vision', mime_type: 'image/jpeg', bytes: 780 * KB, ageMinutes: 180, parts: even(780 * KB, 1, 1), ending: 'complete', endAfterMinutes: 2, client: teamB },
  { filename: 'policy-manual-2026.pdf', purpose: 'assistants', mime_type: 'application/pdf', bytes: 3 * MB, ageMinutes: 320, parts: even(3 * MB, 3, 1), ending: 'complete', endAfterMinutes: 4, client: teamB },
  { filename: 'eval-golden-answers.jsonl', purpose: 'evals', ...jsonl, bytes: 640 * KB, ageMinutes: 12, parts: even(640 * KB, 1, 1), ending: 'complete', endAfterMinutes: 2, client: teamA },
  // Cancelled.
  { filename: 'duplicate-export-DO-NOT-USE.jsonl', purpose: 'batch', ...jsonl, bytes: 5 * MB, ageMinutes: 70, parts: even(1 * MB, 1, 2), ending: 'cancel', endAfterMinutes: 9, client: ingestBot },
  { filename: 'wrong-purpose-images.zip', purpose: 'assistants', mime_type: 'application/zip', bytes: 7 * MB, ageMinutes: 28, parts: [], ending: 'cancel', endAfterMinutes: 1, client: teamB },
  { filename: 'staging-fine-tune-test.jsonl', purpose: 'fine-tune', ...jsonl, bytes: 2 * MB, ageMinutes: 240, parts: even(512 * KB, 1, 1), ending: 'cancel', endAfterMinutes: 30, client: teamA },
  // Expired: left pending past their hour.
  { filename: 'q3-backfill-part-2.jsonl', purpose: 'batch', ...jsonl, bytes: 11 * MB, ageMinutes: 75, parts: even(5 * MB, 5, 4), ending: 'none', client: ingestBot },
  { filename: 'scanned-invoices-march.pdf', purpose: 'user_data', mime_type: 'application/pdf', bytes: 4 * MB, ageMinutes: 150, parts: even(1 * MB, 2, 10), ending: 'none', client: teamB },
  { filename: 'legacy-chat-logs.jsonl', purpose: 'fine-tune', ...jsonl, bytes: 9 * MB, ageMinutes: 600, parts: [], ending: 'none', client: teamA },
];

export interface SeedDeps {
  upstream: UpstreamClient;
  store: UploadStore;
  /** The emulator's clock: moved back while each upload's history is replayed. */
  emulatorClock: AdjustableClock;
}

/** Replays each demo upload's history at its (backdated) times. Returns how many were made. */
export async function seedDemoData({ upstream, store, emulatorClock }: SeedDeps, uploads = DEMO_UPLOADS): Promise<number> {
  const realOffset = emulatorClock.offsetSeconds;
  const at = (minutesAgo: number) => {
    emulatorClock.setOffsetSeconds(realOffset - Math.round(minutesAgo * 60));
    return unixSeconds(emulatorClock);
  };
  try {
    for (const demo of uploads) {
      let seenAt = at(demo.ageMinutes);
      const created = await upstream.createUpload({ filename: demo.filename, purpose: demo.purpose, bytes: demo.bytes, mime_type: demo.mime_type });
      await store.recordUpload(created.object, { at: seenAt, via: 'create', actor: 'demo', client: demo.client });
      const partIds: string[] = [];
      for (const part of demo.parts) {
        seenAt = at(demo.ageMinutes - part.afterMinutes);
        const { object } = await upstream.addPart(created.object.id, new Blob([randomBytes(part.bytes)]));
        partIds.push(object.id);
        await store.recordPart(object, part.bytes, seenAt);
      }
      if (demo.ending === 'none') continue;
      seenAt = at(demo.ageMinutes - (demo.endAfterMinutes ?? 1));
      let ended: Upload;
      if (demo.ending === 'complete') ended = (await upstream.completeUpload(created.object.id, { part_ids: partIds })).object;
      else ended = (await upstream.cancelUpload(created.object.id)).object;
      await store.recordUpload(ended, { at: seenAt, via: demo.ending === 'complete' ? 'complete' : 'cancel', actor: demo.ending === 'cancel' ? 'demo' : null });
    }
  } finally {
    emulatorClock.setOffsetSeconds(realOffset);
  }
  return uploads.length;
}

const BULK_CLIENTS = Object.values(DEMO_CLIENTS);

const BULK_PURPOSES = [
  { purpose: 'batch', mime_type: 'application/jsonl', stem: 'batch-requests' },
  { purpose: 'fine-tune', mime_type: 'application/jsonl', stem: 'fine-tune-set' },
  { purpose: 'assistants', mime_type: 'application/pdf', stem: 'knowledge-base' },
  { purpose: 'vision', mime_type: 'image/png', stem: 'product-shot' },
  { purpose: 'user_data', mime_type: 'application/pdf', stem: 'customer-export' },
] as const;

/**
 * Many more uploads, for trying the console at scale (`npm start -- --demo-size 100000`), made
 * through the emulator's API like the rest: spread over the last two days, in time order, each
 * batch backdated together. Most old ones ended (completed, cancelled or expired); the last
 * hour's are pending, some idle long enough to count as stuck.
 */
export async function seedManyUploads({ upstream, store, emulatorClock }: SeedDeps, count: number, onProgress?: (done: number) => void): Promise<void> {
  const realOffset = emulatorClock.offsetSeconds;
  const spanMinutes = 48 * 60;
  const batchSize = 256;
  const concurrency = 32;
  const tiny = new Blob([randomBytes(1024)]);
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      // Oldest first, so the newest uploads are also the most recently created.
      const minutesAgo = spanMinutes * (1 - (start + size / 2) / count);
      emulatorClock.setOffsetSeconds(realOffset - Math.round(minutesAgo * 60));
      const at = unixSeconds(emulatorClock);
      const indexes = Array.from({ length: size }, (_, i) => start + i);
      const work = async (i: number) => {
        const kind = BULK_PURPOSES[i % BULK_PURPOSES.length]!;
        const roll = (i * 7919) % 100; // deterministic spread of endings
        const withPart = roll < 55;
        const created = await upstream.createUpload({ filename: `${kind.stem}-${String(i).padStart(6, '0')}.${kind.mime_type === 'application/jsonl' ? 'jsonl' : kind.mime_type === 'image/png' ? 'png' : 'pdf'}`, purpose: kind.purpose, bytes: withPart && roll < 35 ? 1024 : 4096 + roll * 1024, mime_type: kind.mime_type });
        // Clients and purposes cycle at different rates, so each client has some of every purpose.
        await store.recordUpload(created.object, { at, via: 'create', actor: 'demo', client: BULK_CLIENTS[i % BULK_CLIENTS.length] });
        let partId: string | null = null;
        if (withPart) {
          const part = await upstream.addPart(created.object.id, tiny);
          await store.recordPart(part.object, 1024, at);
          partId = part.object.id;
        }
        // The last hour stays pending; before that: completed, cancelled, or left to expire.
        if (minutesAgo < 60) return;
        if (roll < 35 && partId) {
          const done = await upstream.completeUpload(created.object.id, { part_ids: [partId] });
          await store.recordUpload(done.object, { at, via: 'complete' });
        } else if (roll >= 80) {
          const cancelled = await upstream.cancelUpload(created.object.id);
          await store.recordUpload(cancelled.object, { at, via: 'cancel', actor: 'demo' });
        }
      };
      const queue = [...indexes];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) await work(i);
        }),
      );
      if (onProgress && (start / batchSize) % 40 === 39) onProgress(start + size);
    }
  } finally {
    emulatorClock.setOffsetSeconds(realOffset);
  }
}

/**
 * Emulator mode's demo data, only ever into an empty store (so a restart adds nothing twice): the
 * demo uploads above, then `size` more for trying the console at scale.
 */
export async function seedEmptyStore(deps: SeedDeps & { log: Logger }, size: number): Promise<void> {
  const { store, log } = deps;
  if ((await store.listUploads({ limit: 1 }, 0)).data.length > 0) {
    if (size > 0) log.warn('--demo-size only seeds an empty store in emulator mode: point DATABASE_PATH at a new file to load it');
    return;
  }
  log.info(`demo data: ${await seedDemoData(deps)} uploads made through the emulator`);
  if (size === 0) return;
  const started = Date.now();
  await seedManyUploads(deps, size, (done) => log.info(`demo data: ${done} of ${size} more uploads made`));
  log.info(`demo data: ${size} more uploads in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
