// curl through the console's /v1, with the REST reference's examples (the `x-oaiMeta` curl
// examples of the Uploads operations in OpenAI's OpenAPI spec, shared/docs/openai-uploads-openapi-excerpt.yaml)
// copied verbatim; only `https://api.openai.com/v1` becomes "$OPENAI_BASE_URL" and the example ids
// become variables. Each command runs in bash as printed. Status codes come from a curlrc
// (write-out) so the commands themselves stay as printed.
//
// As printed, three of the four examples do not run against OpenAI either: cancel, complete and
// parts have no Authorization header, cancel has no -X POST (curl sends a GET), and complete and
// parts lack the line-continuation backslash after the URL. The checks run each printed form once
// (the answer must be the OpenAI error envelope, as OpenAI's would be) and then the form a user
// ends up with after fixing exactly those three things.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleControls, clientEnv } from './env.ts';
import { check, exitCode, expectAttempts, injectFault } from './lib/checks.ts';

const reference = {
  create: `curl https://api.openai.com/v1/uploads \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -d '{
    "purpose": "fine-tune",
    "filename": "training_examples.jsonl",
    "bytes": 2147483648,
    "mime_type": "text/jsonl",
    "expires_after": {
      "anchor": "created_at",
      "seconds": 3600
    }
  }'`,
  cancel: `curl https://api.openai.com/v1/uploads/upload_abc123/cancel`,
  complete: `curl https://api.openai.com/v1/uploads/upload_abc123/complete
  -d '{
    "part_ids": ["part_def456", "part_ghi789"]
  }'`,
  parts: `curl https://api.openai.com/v1/uploads/upload_abc123/parts
  -F data="aHR0cHM6Ly9hcGkub3BlbmFpLmNvbS92MS91cGxvYWRz..."`,
};

/** The printed example pointed at the console: the base URL and the example ids become variables. */
function pointed(example: string): string {
  return example
    .replaceAll('https://api.openai.com/v1', '"$OPENAI_BASE_URL"')
    .replaceAll('upload_abc123', '"$UPLOAD_ID"')
    .replaceAll('["part_def456", "part_ghi789"]', `'"$PART_IDS"'`);
}

/** The three fixes the printed examples need (see the top of this file), and nothing else. */
function fixed(example: string, { post = false } = {}): string {
  const [url, ...rest] = pointed(example).split('\n');
  const head = `${url}${post ? ' -X POST' : ''} \\\n  -H "Authorization: Bearer $OPENAI_API_KEY"`;
  return rest.length ? `${head} \\\n${rest.join('\n')}` : head;
}

const controls = consoleControls();
const folder = mkdtempSync(join(tmpdir(), 'uc-curl-'));
writeFileSync(join(folder, '.curlrc'), 'silent\nshow-error\nwrite-out = "\\n%{http_code}"\n');
/** A retry writes every attempt's body to stdout; `-o` starts the file anew for each. */
const RETRY = '--retry 2 -o answer.json';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  stderr: string;
}

/** Runs a command in bash, in a folder holding the part files, with the console's variables set. */
function curl(command: string, vars: Record<string, string> = {}): Promise<Answer> {
  const env = clientEnv({ ...vars, OPENAI_BASE_URL: controls.baseUrl, OPENAI_API_KEY: controls.apiKey, CURL_HOME: folder, HOME: folder });
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { cwd: folder, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const cut = stdout.lastIndexOf('\n');
      const status = Number(stdout.slice(cut + 1));
      if (error && !Number.isInteger(status)) return reject(new Error(`bash exited ${String(error.code)}: ${stderr.trim()}`));
      // With -o the body is in a file (a retried transfer starts it anew); stdout holds the status only.
      const body = cut <= 0 ? readFileSync(join(folder, 'answer.json'), 'utf8') : stdout.slice(0, cut);
      try {
        resolve({ status, body: JSON.parse(body) as Record<string, unknown>, stderr });
      } catch {
        reject(new Error(`HTTP ${status}, not JSON: ${stdout.slice(0, cut).slice(0, 300)} ${stderr.trim()}`));
      }
    });
  });
}

function ok(answer: Answer): Record<string, unknown> {
  assert.equal(answer.status, 200, `HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** An error answer: its status and the OpenAI envelope with its four keys. */
function envelope(answer: Answer, status: number): { message: string; param: string | null } {
  assert.equal(answer.status, status, `HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  const error = answer.body.error as Record<string, unknown> | undefined;
  assert.ok(error, `no error envelope: ${JSON.stringify(answer.body)}`);
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], 'the error envelope keys');
  return error as { message: string; param: string | null };
}

// curl -F name=value drops a value's trailing newline, so the inline part has none.
const parts = ['{"prompt": "hello", "completion": "world"}', '\n{"prompt": "ping", "completion": "pong"}\n'];
const content = parts.join('');
writeFileSync(join(folder, 'part-1.jsonl'), parts[1]!);
/** The reference create with our own size, so the parts complete it. */
const createSized = reference.create.replace('"bytes": 2147483648', `"bytes": ${Buffer.byteLength(content)}`);

let uploadId = '';
let cancelledId = '';
const partIds: string[] = [];

await check('create', async () => {
  const upload = ok(await curl(pointed(reference.create)));
  assert.equal(upload.status, 'pending');
  assert.equal(upload.bytes, 2147483648);
  return `${String(upload.id)} (the example as printed: -d JSON sent as application/x-www-form-urlencoded)`;
});

await check('cancel-as-printed', async () => {
  const pending = ok(await curl(pointed(reference.create)));
  // A GET with no key: OpenAI answers it with an error envelope too.
  const error = envelope(await curl(pointed(reference.cancel), { UPLOAD_ID: String(pending.id) }), 401);
  return `401 envelope (no Authorization header, GET): ${error.message.slice(0, 60)}…`;
});

await check('parts', async () => {
  const upload = ok(await curl(pointed(createSized)));
  uploadId = String(upload.id);
  // As printed: an inline form field; and the usual form for a file, -F data=@file.
  const inline = fixed(reference.parts).replace('"aHR0cHM6Ly9hcGkub3BlbmFpLmNvbS92MS91cGxvYWRz..."', '"$PART_TEXT"');
  const first = ok(await curl(inline, { UPLOAD_ID: uploadId, PART_TEXT: parts[0]! }));
  const second = ok(await curl(fixed(reference.parts).replace(/-F data="[^"]*"/, '-F data=@part-1.jsonl'), { UPLOAD_ID: uploadId }));
  for (const part of [first, second]) {
    assert.equal(part.object, 'upload.part');
    assert.equal(part.upload_id, uploadId);
    partIds.push(String(part.id));
  }
  return `${partIds.length} parts (-F data="…" and -F data=@file)`;
});

await check('complete', async () => {
  assert.equal(partIds.length, 2, 'no parts (parts failed)');
  const md5 = createHash('md5').update(content).digest('hex');
  const command = fixed(reference.complete).replace(`'"$PART_IDS"'`, `'"$PART_IDS"', "md5": "'"$MD5"'"`);
  const completed = ok(await curl(command, { UPLOAD_ID: uploadId, PART_IDS: JSON.stringify(partIds), MD5: md5 }));
  assert.equal(completed.status, 'completed', JSON.stringify(completed));
  const file = completed.file as Record<string, unknown> | null;
  assert.equal(file?.bytes, Buffer.byteLength(content), JSON.stringify(file));
  return `md5 ${md5}, ${String(file?.id)}`;
});

await check('complete-as-printed', async () => {
  // Without the backslash bash runs `curl <url>` (a GET, no key) and then `-d …` as a command of its own.
  const error = envelope(await curl(pointed(reference.complete), { UPLOAD_ID: uploadId || 'upload_abc123', PART_IDS: JSON.stringify(partIds) }), 401);
  return `401 envelope: ${error.message.slice(0, 60)}…`;
});

await check('cancel', async () => {
  const pending = ok(await curl(pointed(reference.create)));
  const cancelled = ok(await curl(fixed(reference.cancel, { post: true }), { UPLOAD_ID: String(pending.id) }));
  assert.equal(cancelled.id, pending.id);
  assert.equal(cancelled.status, 'cancelled');
  cancelledId = String(cancelled.id);
  return `${cancelledId} (POST, no body)`;
});

await check('cancel-again', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = envelope(await curl(fixed(reference.cancel, { post: true }), { UPLOAD_ID: cancelledId }), 400);
  assert.equal(error.message, "Cannot cancel upload with status 'cancelled'.");
  return '400 envelope';
});

await check('parts-after-cancel', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = envelope(await curl(fixed(reference.parts).replace(/-F data="[^"]*"/, '-F data=@part-1.jsonl'), { UPLOAD_ID: cancelledId }), 400);
  return `400 envelope: ${error.message}`;
});

await check('complete-after-cancel', async () => {
  assert.ok(cancelledId, 'no cancelled upload (cancel failed)');
  const error = envelope(await curl(fixed(reference.complete), { UPLOAD_ID: cancelledId, PART_IDS: JSON.stringify(partIds) }), 400);
  return `400 envelope: ${error.message}`;
});

await check('not-found', async () => {
  const error = envelope(await curl(fixed(reference.cancel, { post: true }), { UPLOAD_ID: 'upload_0123456789abcdef0123456789abcdef' }), 404);
  return `404 envelope (${error.message})`;
});

await check('create-without-bytes', async () => {
  const error = envelope(await curl(pointed(reference.create.replace('    "bytes": 2147483648,\n', ''))), 400);
  assert.equal(error.param, 'bytes');
  return `400 envelope param=bytes (${error.message})`;
});

await check('retry-429', async () => {
  // curl's own retry: --retry retries a 429 or a 503, waiting what Retry-After says.
  await injectFault(controls, { operation: 'create', status: 429, retry_after: 1 });
  const started = performance.now();
  const { result } = await expectAttempts(controls, 'create', 2, () => curl(`${pointed(reference.create)} ${RETRY}`));
  const waited = performance.now() - started;
  assert.equal(ok(result).status, 'pending');
  assert.ok(waited >= 900, `retried after ${waited.toFixed(0)} ms, before the 1 s Retry-After`);
  return `--retry 2: succeeded on attempt 2 after ${waited.toFixed(0)} ms`;
});

await check('retry-503', async () => {
  const pending = ok(await curl(pointed(reference.create)));
  await injectFault(controls, { operation: 'cancel', status: 503 });
  const { result } = await expectAttempts(controls, 'cancel', 2, () => curl(`${fixed(reference.cancel, { post: true })} ${RETRY}`, { UPLOAD_ID: String(pending.id) }));
  assert.equal(ok(result).status, 'cancelled');
  return '--retry 2: cancel succeeded on attempt 2';
});

rmSync(folder, { recursive: true, force: true });
process.exitCode = exitCode();
