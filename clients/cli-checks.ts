// The official `openai` CLI (github.com/openai/openai-cli) through the console's /v1, run exactly
// as its README and --help show it: OPENAI_BASE_URL and OPENAI_API_KEY in the environment,
// `openai uploads create|complete|cancel --upload-id …`, `openai uploads:parts create --data <file>`
// (a binary flag: its value is always a file path, no `@` needed — `@path` is taken literally).
// Checks its JSON output (stdout), its error output (stderr) and its exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleControls } from './env.ts';
import { check, exitCode, expectAttempts, injectFault } from './lib/checks.ts';

const cli = process.argv[2] ?? assert.fail('usage: cli-checks.ts /path/to/openai');
const controls = consoleControls();
const folder = mkdtempSync(join(tmpdir(), 'uc-cli-'));

const parts = ['{"prompt": "hello", "completion": "world"}\n', '{"prompt": "ping", "completion": "pong"}\n'];
const content = parts.join('');
const partFiles = parts.map((text, i) => {
  const path = join(folder, `part-${i}.jsonl`);
  writeFileSync(path, text);
  return path;
});
const createArgs = ['--purpose', 'fine-tune', '--filename', 'training_examples.jsonl', '--bytes', String(Buffer.byteLength(content)), '--mime-type', 'text/jsonl'];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `openai <args>` with the environment the runner gave this process (OPENAI_BASE_URL, OPENAI_API_KEY). */
function openai(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cli, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON object a successful command printed. */
function output(ran: Ran): Record<string, unknown> {
  assert.equal(ran.code, 0, `exit code ${ran.code}: ${ran.stderr.trim()}`);
  return JSON.parse(ran.stdout) as Record<string, unknown>;
}

/**
 * A failed API call: exit code 1, `POST "<url>": <status> <text>` on stderr, and the envelope's
 * inner object as JSON on stdout (--format-error json).
 */
function failure(ran: Ran, status: number): Record<string, unknown> {
  assert.notEqual(ran.code, 0, `expected a failure, got exit 0: ${ran.stdout.trim().slice(0, 300)}`);
  assert.equal(ran.code, 1, `exit code ${ran.code}`);
  assert.match(ran.stderr, new RegExp(`^POST "[^"]+": ${status} `, 'm'), `stderr names the status ${status}: ${ran.stderr.trim()}`);
  const error = JSON.parse(ran.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], `the error envelope keys: ${ran.stdout}`);
  return error;
}

let uploadId = '';
let cancelledId = '';
let completedId = '';
const partIds: string[] = [];

await check('version', async () => {
  const ran = await openai('--version');
  assert.equal(ran.code, 0);
  return ran.stdout.trim();
});

await check('create', async () => {
  const upload = output(await openai('uploads', 'create', ...createArgs, '--format', 'json'));
  assert.equal(upload.object, 'upload');
  assert.equal(upload.status, 'pending');
  uploadId = String(upload.id);
  return uploadId;
});

await check('parts', async () => {
  assert.ok(uploadId, 'no upload (create failed)');
  for (const file of partFiles) {
    const part = output(await openai('uploads:parts', 'create', '--upload-id', uploadId, '--data', file, '--format', 'json'));
    assert.equal(part.object, 'upload.part');
    assert.equal(part.upload_id, uploadId);
    partIds.push(String(part.id));
  }
  return `${partIds.length} parts`;
});

await check('complete', async () => {
  assert.equal(partIds.length, 2, 'no parts (parts failed)');
  const md5 = createHash('md5').update(content).digest('hex');
  const completed = output(await openai('uploads', 'complete', '--upload-id', uploadId, ...partIds.flatMap((id) => ['--part-id', id]), '--md5', md5, '--format', 'json'));
  assert.equal(completed.status, 'completed');
  const file = completed.file as Record<string, unknown> | null;
  assert.equal(file?.object, 'file');
  assert.equal(file?.bytes, Buffer.byteLength(content));
  completedId = String(completed.id);
  return `md5 ${md5}, ${String(file?.id)}`;
});

await check('cancel', async () => {
  const pending = output(await openai('uploads', 'create', ...createArgs, '--format', 'json'));
  const cancelled = output(await openai('uploads', 'cancel', '--upload-id', String(pending.id), '--format', 'json'));
  assert.equal(cancelled.id, pending.id);
  assert.equal(cancelled.status, 'cancelled');
  cancelledId = String(cancelled.id);
  return cancelledId;
});

await check('cancel-again', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = failure(await openai('uploads', 'cancel', '--upload-id', cancelledId, '--format-error', 'json'), 400);
  assert.equal(error.message, "Cannot cancel upload with status 'cancelled'.");
  return 'exit 1, 400';
});

await check('parts-after-cancel', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = failure(await openai('uploads:parts', 'create', '--upload-id', cancelledId, '--data', partFiles[0]!, '--format-error', 'json'), 400);
  return `exit 1, 400: ${String(error.message)}`;
});

await check('complete-after-cancel', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = failure(await openai('uploads', 'complete', '--upload-id', cancelledId, '--part-id', partIds[0] ?? 'part_x', '--format-error', 'json'), 400);
  return `exit 1, 400: ${String(error.message)}`;
});

await check('complete-again', async () => {
  assert.ok(completedId, 'no completed upload (complete failed)');
  failure(await openai('uploads', 'complete', '--upload-id', completedId, ...partIds.flatMap((id) => ['--part-id', id]), '--format-error', 'json'), 400);
  return 'exit 1, 400';
});

await check('not-found', async () => {
  const error = failure(await openai('uploads', 'cancel', '--upload-id', 'upload_0123456789abcdef0123456789abcdef', '--format-error', 'json'), 404);
  return `exit 1, 404 (${String(error.message)})`;
});

await check('create-without-bytes', async () => {
  const withoutBytes = createArgs.filter((_arg, i) => createArgs[i] !== '--bytes' && createArgs[i - 1] !== '--bytes');
  const { result: ran } = await expectAttempts(controls, 'create', 0, () => openai('uploads', 'create', ...withoutBytes, '--format-error', 'json'));
  // --bytes is a required flag: the CLI refuses before sending anything (nothing reached the proxy).
  assert.notEqual(ran.code, 0, 'exit code 0 without --bytes');
  assert.match(ran.stderr, /bytes/, `stderr names the missing flag: ${ran.stderr.trim()}`);
  return `exit ${ran.code}, refused before sending: ${ran.stderr.trim().split('\n')[0]}`;
});

await check('retry-429', async () => {
  await injectFault(controls, { operation: 'create', status: 429, retry_after: 1 });
  const started = performance.now();
  const { result, after } = await expectAttempts(controls, 'create', 2, () => openai('uploads', 'create', ...createArgs, '--format', 'json'));
  const waited = performance.now() - started;
  assert.equal(output(result).status, 'pending');
  assert.equal(after.last_retry_count, '1', 'x-stainless-retry-count of the retry');
  assert.ok(waited >= 900, `retried after ${waited.toFixed(0)} ms, before the 1 s retry-after`);
  return `succeeded on attempt 2 after ${waited.toFixed(0)} ms`;
});

await check('retry-503', async () => {
  const pending = output(await openai('uploads', 'create', ...createArgs, '--format', 'json'));
  await injectFault(controls, { operation: 'cancel', status: 503 });
  const { result } = await expectAttempts(controls, 'cancel', 2, () => openai('uploads', 'cancel', '--upload-id', String(pending.id), '--format', 'json'));
  assert.equal(output(result).status, 'cancelled');
  return 'cancel succeeded on attempt 2';
});

rmSync(folder, { recursive: true, force: true });
process.exitCode = exitCode();
