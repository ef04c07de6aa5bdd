// Starts a real console for the Schemathesis run (fuzz/schemathesis/run.sh), built by createConsole
// as server/index.ts builds it: the embedded emulator as upstream, a SQLite store in a throw-away
// folder, known operator and client tokens, a free loopback port, the background loops on. It
// writes both descriptions into that folder (the same documents the console serves), prints one
// JSON line once it is listening, and stops gracefully on SIGTERM or SIGINT.
//
//   tsx server/openapi/fuzz-console.ts --dir <folder> --operator-token <t> --read-only-token <t> --client-token <t>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsole, type ConsoleConfig } from '#server/console.ts';
import { consoleLogger } from '#server/lib/logger.ts';
import { describeApi } from './api-description.ts';
import { describeV1 } from './v1-description.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'operator-token': { type: 'string' },
    'read-only-token': { type: 'string' },
    'client-token': { type: 'string' },
  },
});
const { dir, 'operator-token': operatorToken, 'read-only-token': readOnlyToken, 'client-token': clientToken } = values;
if (!dir || !operatorToken || !readOnlyToken || !clientToken) {
  console.error('usage: fuzz-console.ts --dir <folder> --operator-token <token> --read-only-token <token> --client-token <token>');
  process.exit(2);
}

const config: ConsoleConfig = {
  // The fuzzer sends wrong tokens on purpose (ignored_auth, POST /api/session): with the normal limit
  // of failed attempts per address it would lock itself out within seconds and test nothing after.
  attemptLimits: { points: 1_000_000, durationSeconds: 60 },
  databasePath: join(dir, 'console.sqlite'),
  upstream: { kind: 'emulator', apiKey: `sk-emulator-fuzz-${Date.now()}`, dataDir: dir },
  upstreamTimeoutMs: 10_000,
  operators: [
    { name: 'fuzzer', token: operatorToken },
    { name: 'fuzzer-read-only', token: readOnlyToken, role: 'read_only' },
  ],
  clients: [{ name: 'fuzzer', token: clientToken }],
  log: consoleLogger,
  drainTimeoutMs: 2_000,
};
const uploadsConsole = await createConsole(config);
await uploadsConsole.start();
const { origin } = await uploadsConsole.listen({ port: 0, host: '127.0.0.1' });

const v1Description = join(dir, 'v1-openapi.json');
const apiDescription = join(dir, 'api-openapi.json');
writeFileSync(v1Description, JSON.stringify(describeV1(), null, 2));
writeFileSync(apiDescription, JSON.stringify(describeApi(), null, 2));
// Whether server/app.ts mounts GET /api/openapi.json yet (the lead applies that line).
const apiDescriptionMounted = uploadsConsole.app.routes.some((r) => r.method === 'GET' && r.path === '/api/openapi.json');
console.log(JSON.stringify({ ready: true, origin, v1Description, apiDescription, apiDescriptionMounted }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await uploadsConsole.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
