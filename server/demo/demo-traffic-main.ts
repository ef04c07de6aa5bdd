// `npm run demo:traffic -- --token <client token> [--url http://127.0.0.1:8787/v1] [--minutes 5] [--every-ms 2500]`
// (or `npm start -- --demo-traffic`, which runs the same clients in-process with the demo token).
import { parseArgs } from 'node:util';
import { runDemoTraffic } from './demo-traffic.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8787/v1' },
    token: { type: 'string' },
    minutes: { type: 'string' },
    'every-ms': { type: 'string', default: '2500' },
  },
});

const everyMs = Number(values['every-ms']);
const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
if (!values.token) {
  console.error('Missing --token: pass a client token the proxy accepts (npm start prints a demo one).');
  process.exit(2);
}
if (!Number.isFinite(everyMs) || everyMs < 50 || (minutes !== undefined && !(minutes > 0))) {
  console.error('--every-ms must be a number ≥ 50 and --minutes a positive number.');
  process.exit(2);
}

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
console.log(`demo traffic: a new SDK client every ~${everyMs} ms against ${values.url}${minutes ? ` for ${minutes} min` : ' until Ctrl-C'}`);
const result = await runDemoTraffic({ baseURL: values.url, apiKey: values.token, everyMs, durationMs: minutes === undefined ? undefined : minutes * 60_000, signal: stop.signal });
console.log(`demo traffic: ${result.started} clients, ${result.failed} hit unexpected errors`);
