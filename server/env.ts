// The only reader of process.env on the server. Every variable is validated here, and a bad
// value stops start-up with a message naming it.
import { z } from 'zod';
import { parseOperators } from './lib/auth.ts';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().trim().min(1).default('./data/uploads-console.sqlite'),
  ADMIN_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  OPENAI_API_KEY: optionalText,
  /** The origin browsers use when the console is behind a TLS-terminating proxy, e.g. https://console.example.com. */
  PUBLIC_ORIGIN: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an origin such as https://console.example.com' })
      .transform((v) => new URL(v).origin)
      .optional(),
  ),
  /** Tokens the pass-through accepts from OpenAI clients: `name:token` or `token`, comma-separated. */
  CLIENT_TOKENS: optionalText,
  OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.openai.com/v1' })
    .default('https://api.openai.com/v1')
    .transform((v) => v.replace(/\/+$/, '')),
  OPENAI_ORG_ID: optionalText,
  OPENAI_PROJECT_ID: optionalText,
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Emulator mode only: a fixed port and key, so tests can reach the emulator's fault controls. */
  EMULATOR_PORT: port.default(0),
  EMULATOR_API_KEY: optionalText,
  /** More operators: `name:token` or `name:token:read-only`, comma-separated (ADMIN_TOKEN is `admin`). */
  OPERATORS: optionalText.superRefine((value, ctx) => {
    if (value === undefined) return;
    try {
      const operators = parseOperators(value);
      if (operators.some((o) => o.token.length < 16)) ctx.addIssue({ code: 'custom', message: 'every token must be at least 16 characters' });
      if (new Set(operators.map((o) => o.name)).size !== operators.length) ctx.addIssue({ code: 'custom', message: 'operator names must be unique' });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /** Minutes without a part after which a pending upload counts as stuck. */
  STUCK_AFTER_MINUTES: z.coerce.number().min(0.05).max(24 * 60).default(10),
  /** Upstream cancels in flight at once per bulk job. */
  BULK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** `false` skips the demo data that emulator mode seeds into an empty store. */
  DEMO_DATA: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type Env = z.infer<typeof envSchema>;

const SHOWN_VALUES = new Set(['PUBLIC_ORIGIN', 'PORT', 'HOST', 'DATABASE_PATH', 'OPENAI_BASE_URL', 'UPSTREAM_TIMEOUT_MS', 'EMULATOR_PORT', 'DEMO_DATA', 'STUCK_AFTER_MINUTES', 'BULK_CONCURRENCY']);

export class EnvError extends Error {}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = source[name];
    // Values are shown only for settings that can never hold a secret.
    const shown = value === undefined ? '' : ` (got ${SHOWN_VALUES.has(name) ? JSON.stringify(value) : 'a hidden value'})`;
    return `  ${name}: ${issue.message}${shown}`;
  });
  throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
}
