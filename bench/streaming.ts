// Part streaming: a 1 GB upload in 64 MB parts (raw multipart POSTs, no SDK) through our proxy
// against the same upload sent straight to the emulator, rounds interleaved; then the proxy's
// peak memory with 64 MB parts against a fresh proxy sent 8 MB parts: if parts were buffered,
// memory would grow with part size. Every upload is completed and checked (status and bytes,
// and for the proxy what it recorded). The proxy and the emulator run in their own processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { EmulatorChildConfig, EmulatorChildReady } from './emulator-child.ts';
import { readMemory, resetPeakMemory, sampleMemory, startChild, type RunningChild } from './lib/child.ts';
import { CLIENT_TOKEN, EMULATOR_KEY, OPERATOR_TOKEN } from './lib/console-app.ts';
import { pairwiseRatios, roundOrder, summarize, type BenchOptions, type Row } from './lib/report.ts';
import type { ProxyChildConfig, ProxyChildReady } from './proxy-child.ts';

const MiB = 1024 * 1024;
/** "Flat": the 64 MB-part peak may exceed the small-part peak by this factor at most. */
const FLAT_LIMIT = 1.25;
/** Our proxy's part throughput as a share of the emulator's own. */
const THROUGHPUT_TARGET = 0.8;

interface Target {
  key: 'proxy' | 'direct';
  /** Base URL of the Uploads API (…/v1). */
  baseUrl: string;
  token: string;
}

interface Sizes {
  totalBytes: number;
  partBytes: number;
  /** Part size of the memory comparison run. */
  smallPartBytes: number;
  rounds: number;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const sizes: Sizes = options.quick
    ? { totalBytes: 32 * MiB, partBytes: 8 * MiB, smallPartBytes: 1 * MiB, rounds: 1 }
    : { totalBytes: 1024 * MiB, partBytes: 64 * MiB, smallPartBytes: 8 * MiB, rounds: 3 };
  const dir = mkdtempSync(join(tmpdir(), 'uc-bench-streaming-'));
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  const children: RunningChild<unknown>[] = [];
  try {
    const emulator = await startChild<EmulatorChildReady>('emulator-child.ts', {
      apiKey: EMULATOR_KEY,
      databasePath: join(dir, 'emulator.sqlite'),
      partsDir: join(dir, 'emulator-parts'),
    } satisfies EmulatorChildConfig);
    children.push(emulator);
    const startProxy = async (name: string) => {
      const proxy = await startChild<ProxyChildReady>('proxy-child.ts', {
        upstreamUrl: emulator.ready.url,
        upstreamKey: EMULATOR_KEY,
        dataDir: join(dir, name),
      } satisfies ProxyChildConfig);
      children.push(proxy);
      return proxy;
    };
    const proxy = await startProxy('console-large-parts');
    const idleRss = readMemory(proxy.pid).rss;
    const peakResets = [resetPeakMemory(proxy.pid)];

    // Generated once; every part sends these same bytes.
    const data = randomBytes(sizes.partBytes);
    const targets: Target[] = [
      { key: 'proxy', baseUrl: `${proxy.ready.origin}/v1`, token: CLIENT_TOKEN },
      { key: 'direct', baseUrl: emulator.ready.url, token: EMULATOR_KEY },
    ];
    const throughput = new Map<Target['key'], number[]>([
      ['proxy', []],
      ['direct', []],
    ]);
    const partsMemory = sampleMemory(proxy.pid);
    for (let round = 0; round < sizes.rounds; round++) {
      for (const target of roundOrder(targets, round)) {
        const result = await uploadOnce(target, data, sizes.totalBytes, sizes.partBytes, dispatcher);
        if (target.key === 'proxy') await checkRecorded(proxy.ready.origin, result.uploadId, sizes, sizes.partBytes, dispatcher);
        throughput.get(target.key)!.push(result.bytesPerSecond / MiB);
        options.log(`streaming: round ${round + 1}/${sizes.rounds} ${target.key}: ${(result.bytesPerSecond / MiB).toFixed(0)} MiB/s`);
      }
    }
    const largePeak = Math.max(partsMemory.stop(), readMemory(proxy.pid).peak ?? 0);
    await proxy.stop();

    // The same upload in small parts, through a fresh proxy so its peak is its own.
    const smallProxy = await startProxy('console-small-parts');
    const smallIdle = readMemory(smallProxy.pid).rss;
    peakResets.push(resetPeakMemory(smallProxy.pid));
    const smallMemory = sampleMemory(smallProxy.pid);
    const small = await uploadOnce(
      { key: 'proxy', baseUrl: `${smallProxy.ready.origin}/v1`, token: CLIENT_TOKEN },
      data.subarray(0, sizes.smallPartBytes),
      sizes.totalBytes,
      sizes.smallPartBytes,
      dispatcher,
    );
    await checkRecorded(smallProxy.ready.origin, small.uploadId, sizes, sizes.smallPartBytes, dispatcher);
    const smallPeak = Math.max(smallMemory.stop(), readMemory(smallProxy.pid).peak ?? 0);
    await smallProxy.stop();

    const mb = (bytes: number) => bytes / MiB;
    const total = `${mb(sizes.totalBytes)} MiB`;
    const ours = summarize(throughput.get('proxy')!, 'MiB/s');
    const ratio = summarize(pairwiseRatios(throughput.get('proxy')!, throughput.get('direct')!), '×');
    const memoryRatio = largePeak / smallPeak;
    return [
      {
        bench: 'streaming',
        name: `Upload ${total} in ${mb(sizes.partBytes)} MiB parts via our proxy`,
        ours: { value: ours },
        baseline: { label: 'emulator direct', value: summarize(throughput.get('direct')!, 'MiB/s') },
        ratio,
        target: `≥ ${THROUGHPUT_TARGET}× direct`,
        met: ratio.median >= THROUGHPUT_TARGET,
        notes: [
          `Parts sent one after another on a keep-alive connection, raw multipart/form-data (\`data\` field) from one reused random buffer; ` +
            `MiB/s over the parts only (create and complete excluded), ${sizes.rounds} rounds, order alternating. Every upload was completed and ` +
            `checked: status completed, bytes matching, and the proxy's record showing all parts and bytes.`,
        ],
      },
      {
        bench: 'streaming',
        name: `Proxy peak RSS, ${mb(sizes.partBytes)} MiB parts`,
        ours: { value: summarize([mb(largePeak)], 'MiB'), detail: `+${mb(largePeak - idleRss).toFixed(0)} MiB over idle` },
        baseline: { label: `${mb(sizes.smallPartBytes)} MiB parts`, value: summarize([mb(smallPeak)], 'MiB'), detail: `+${mb(smallPeak - smallIdle).toFixed(0)} MiB over idle` },
        ratio: summarize([memoryRatio], '×'),
        target: `≤ ${FLAT_LIMIT}× (flat in part size)`,
        met: memoryRatio <= FLAT_LIMIT,
        notes: [
          `Peak resident memory of the proxy process during the uploads (${peakResets.every(Boolean) ? 'VmHWM reset after start-up, and ' : ''}VmRSS sampled every 20 ms), each a fresh process; ` +
            `idle after start-up: ${mb(idleRss).toFixed(0)} MiB and ${mb(smallIdle).toFixed(0)} MiB. A buffered part would add its own size.`,
        ],
      },
    ];
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface UploadResult {
  uploadId: string;
  bytesPerSecond: number;
}

/** create → parts (one after another) → complete, checking each answer; times the parts. */
async function uploadOnce(target: Target, data: Buffer, totalBytes: number, partBytes: number, dispatcher: Agent): Promise<UploadResult> {
  const headers = { authorization: `Bearer ${target.token}` };
  const post = async (path: string, body: Readable | string, extra: Record<string, string>) => {
    const response = await request(`${target.baseUrl}${path}`, { method: 'POST', headers: { ...headers, ...extra }, body, dispatcher });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${target.key}: POST ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const json = { 'content-type': 'application/json' };
  const created = await post('/uploads', JSON.stringify({ filename: 'bench-stream.jsonl', purpose: 'batch', bytes: totalBytes, mime_type: 'application/jsonl' }), json);
  const uploadId = String(created.id);

  const partIds: string[] = [];
  const started = performance.now();
  for (let sent = 0; sent < totalBytes; sent += partBytes) {
    const size = Math.min(partBytes, totalBytes - sent);
    const boundary = `----uc-bench-${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="part"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const part = await post(`/uploads/${uploadId}/parts`, Readable.from(multipartChunks(head, data.subarray(0, size), tail)), {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    });
    partIds.push(String(part.id));
  }
  const seconds = (performance.now() - started) / 1000;

  const completed = await post(`/uploads/${uploadId}/complete`, JSON.stringify({ part_ids: partIds }), json);
  if (completed.status !== 'completed' || completed.bytes !== totalBytes) {
    throw new Error(`${target.key}: the upload ended ${String(completed.status)} with ${String(completed.bytes)} bytes, not completed with ${totalBytes}`);
  }
  return { uploadId, bytesPerSecond: totalBytes / seconds };
}

/** The body as a file stream would send it: 1 MiB slices of the same memory, never a copy. */
function* multipartChunks(head: Buffer, data: Buffer, tail: Buffer): Generator<Buffer> {
  yield head;
  for (let offset = 0; offset < data.length; offset += MiB) yield data.subarray(offset, offset + MiB);
  yield tail;
}

/** What the proxy recorded must match what was sent. */
async function checkRecorded(origin: string, uploadId: string, sizes: Sizes, partBytes: number, dispatcher: Agent): Promise<void> {
  const response = await request(`${origin}/api/uploads/${uploadId}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, dispatcher });
  const record = (await response.body.json()) as { status?: string; parts_count?: number; bytes_received?: number };
  const parts = Math.ceil(sizes.totalBytes / partBytes);
  if (response.statusCode !== 200 || record.status !== 'completed' || record.bytes_received !== sizes.totalBytes || record.parts_count !== parts) {
    throw new Error(`the proxy recorded ${JSON.stringify(record)} for ${uploadId}; expected completed, ${parts} parts, ${sizes.totalBytes} bytes`);
  }
}
