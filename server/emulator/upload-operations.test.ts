// Rules that need control over timing or sizes HTTP tests cannot reach cheaply: the 8 GB total,
// and an upload finished by one request while another is still streaming or hashing.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '#server/lib/api-error.ts';
import { ManualClock } from '#server/lib/clock.ts';
import { MAX_UPLOAD_BYTES } from './policy.ts';
import { openEmulatorState } from './state.ts';
import { partForm } from './test-support.ts';
import { createUploadOperations, type IncomingPart } from './upload-operations.ts';

const dir = mkdtempSync(join(tmpdir(), 'uploads-emulator-ops-'));
const partsDir = join(dir, 'parts');
const state = openEmulatorState({ databasePath: ':memory:', partsDir });
const uploads = createUploadOperations({ state, clock: new ManualClock(), maxPartBytes: 1024 });
afterAll(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

const create = (bytes: number) => uploads.create({ filename: 'a.bin', purpose: 'user_data', bytes, mime_type: 'application/octet-stream' });

async function encoded(content: string): Promise<{ contentType: string; bytes: Uint8Array }> {
  const response = new Response(partForm(content));
  return { contentType: response.headers.get('content-type') ?? '', bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** A part whose body stops halfway until `release` is called. */
async function stalledPart(content: string): Promise<{ part: IncomingPart; release: () => void }> {
  const { contentType, bytes } = await encoded(content);
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const half = Math.floor(bytes.length / 2);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await released;
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
  return { part: { body, contentType }, release };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('upload operations', () => {
  it('refuses a part that would take the upload past 8 GB', async () => {
    const upload = create(MAX_UPLOAD_BYTES);
    const filesBefore = readdirSync(partsDir);
    // Stand-in for 8 GB of parts already received: only the recorded sizes matter to the rule.
    state.insertPart({ id: 'part_huge', uploadId: upload.id, size: MAX_UPLOAD_BYTES - 2, createdAt: 0 });
    const { contentType, bytes } = await encoded('abc');
    const error = await rejection(uploads.addPart(upload.id, { body: new Response(bytes).body, contentType }));
    expect(error.status).toBe(400);
    expect(error.envelope.error.message).toContain(String(MAX_UPLOAD_BYTES));
    expect(readdirSync(partsDir)).toEqual(filesBefore);
  });

  it('refuses a part whose upload was cancelled while it streamed, and keeps none of its bytes', async () => {
    const upload = create(3);
    const filesBefore = readdirSync(partsDir);
    const { part, release } = await stalledPart('abc');
    const adding = uploads.addPart(upload.id, part);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uploads.cancel(upload.id).status).toBe('cancelled');
    release();
    const error = await rejection(adding);
    expect(error.envelope.error.message).toBe("Cannot add a part to upload with status 'cancelled'.");
    expect(readdirSync(partsDir)).toEqual(filesBefore);
  });

  it('accepts parallel parts', async () => {
    const upload = create(6);
    const slow = await stalledPart('abc');
    const adding = uploads.addPart(upload.id, slow.part);
    const { contentType, bytes } = await encoded('def');
    const quick = await uploads.addPart(upload.id, { body: new Response(bytes).body, contentType });
    slow.release();
    const first = await adding;
    const completed = await uploads.complete(upload.id, { part_ids: [first.id, quick.id] });
    expect(completed.status).toBe('completed');
  });

  it('refuses a complete whose upload was cancelled while its md5 was computed', async () => {
    const upload = create(3);
    const { contentType, bytes } = await encoded('abc');
    const part = await uploads.addPart(upload.id, { body: new Response(bytes).body, contentType });
    const completing = uploads.complete(upload.id, { part_ids: [part.id], md5: '900150983cd24fb0d6963f7d28e17f72' });
    uploads.cancel(upload.id);
    const error = await rejection(completing);
    expect(error.envelope.error.message).toBe("Cannot complete upload with status 'cancelled'.");
  });
});
