// `npm run emulator`: the OpenAI Uploads emulator on its own, configured from the environment.
// The only file under emulator/ that reads process.env.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { startEmulator } from './server.ts';

const envSchema = z.object({
  EMULATOR_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number (0-65535)')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number (0-65535)'))
    .default(8788),
  EMULATOR_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  EMULATOR_API_KEY: z.string().regex(/^\S+$/, 'must be a non-empty key without spaces').optional(),
  EMULATOR_DATABASE_PATH: z.string().min(1, 'must not be empty').default('./data/emulator.sqlite'),
  EMULATOR_PARTS_DIR: z.string().min(1, 'must not be empty').default('./data/emulator-parts'),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error('The emulator cannot start; fix these environment variables:');
  for (const issue of parsed.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;
const apiKey = env.EMULATOR_API_KEY ?? `sk-emulator-${randomBytes(16).toString('hex')}`;

const emulator = await startEmulator({
  host: env.EMULATOR_HOST,
  port: env.EMULATOR_PORT,
  apiKey,
  databasePath: env.EMULATOR_DATABASE_PATH,
  partsDir: env.EMULATOR_PARTS_DIR,
});

console.log('OpenAI Uploads emulator');
console.log(`  base URL: ${emulator.url}`);
console.log(`  API key:  ${apiKey}${env.EMULATOR_API_KEY ? '' : '  (generated; set EMULATOR_API_KEY to choose one)'}`);
console.log(`  data:     ${env.EMULATOR_DATABASE_PATH}, ${env.EMULATOR_PARTS_DIR}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal means "now": do not wait for connections to finish.
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  });
}
