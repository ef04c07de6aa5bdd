// The only reader of process.env on the server. Every variable is validated here, and a bad
// value stops start-up with a message naming it.
import { z } from 'zod';
import { parseOperators } from './lib/auth.ts';
import { parseTrustProxy } from './lib/client-address.ts';

/** Refusing to start beats replicas that each accept a different made-up token. */
export const REPLICAS_NEED_TOKENS =
  'DATABASE_URL is set, so set ADMIN_TOKEN or OPERATORS: every replica must accept the same operator tokens (a token generated at start would differ on each one)';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** The SQLite store's file (the default engine); unused when DATABASE_URL is set. */
  DATABASE_PATH: z.string().trim().min(1).default('./data/uploads-console.sqlite'),
  /**
   * postgres://user:password@host:5432/db — the store is PostgreSQL instead of DATABASE_PATH's
   * SQLite file, and several console replicas may share it (live updates, sign-in limits and bulk
   * work are then shared through it). A secret: it holds the password, so it is never shown.
   */
  DATABASE_URL: optionalText.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional()),
  /**
   * With DATABASE_URL: where the live-update listener connects instead, when DATABASE_URL goes
   * through a pooler in transaction mode (PgBouncer), which cannot hold a LISTEN session. Secret.
   */
  DATABASE_LISTEN_URL: optionalText.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional()),
  /**
   * The proxies in front of the console whose X-Forwarded-For names the client, for the sign-in
   * attempt limits: off (default; the header changes nothing), a hop count (`1`), or addresses /
   * CIDR ranges / `loopback`, `linklocal`, `uniquelocal`, comma-separated. Behind a load balancer,
   * name it: otherwise every client counts as the balancer's one address.
   */
  TRUST_PROXY: optionalText.superRefine((value, ctx) => {
    try {
      parseTrustProxy(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /**
   * Emulator mode only: the folder of the embedded emulator's state (emulator.sqlite, parts).
   * Default: the SQLite store's folder, or ./data when DATABASE_URL is set.
   */
  EMULATOR_DATA_DIR: optionalText,
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
  /** Bulk cancels in flight upstream at once, all jobs together, and with DATABASE_URL all replicas together (give every replica the same number). */
  BULK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Seconds a bulk item's claim lasts unless renewed: how soon another replica takes over the items of one that died. */
  BULK_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * This replica's name on its bulk leases; must differ between replicas. Keeping it across
   * restarts lets a restarted replica take its own leases back at once. Default: host, process
   * and a random part (new at each start).
   */
  REPLICA_ID: optionalText.pipe(z.string().max(100).regex(/^[\w.:@-]+$/, 'may hold letters, digits and . : @ _ - only').optional()),
  /** The bearer token Prometheus sends to GET /metrics. Unset: the endpoint is off (404). A secret. */
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').max(512, 'must be at most 512 characters').regex(/^\S+$/, 'may not contain spaces').optional()),
  /** Seconds between rounds of cleanup policy evaluation (one replica evaluates each round). */
  POLICY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Days a finished upload is kept after it finished (its last activity), with its parts and events; 0 keeps them forever. */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  /** Days an audit entry is kept; 0 keeps them forever. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  /**
   * A Slack-compatible incoming webhook (JSON `{ text, blocks }`) for alerts: stuck uploads above
   * ALERT_STUCK_THRESHOLD and back, and each policy run that cancels uploads. A secret (Slack's
   * carries its token in the path): never shown. Links in the messages use PUBLIC_ORIGIN when set.
   */
  ALERT_WEBHOOK_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, such as https://hooks.slack.com/services/…' }).optional()),
  /** An alert when more uploads than this are stuck, and one when they are back to this many or fewer. */
  ALERT_STUCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(10),
  /** `false` skips the demo data that emulator mode seeds into an empty store. */
  DEMO_DATA: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
}).superRefine((env, ctx) => {
  if (env.DATABASE_URL && !env.ADMIN_TOKEN && !env.OPERATORS) ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: REPLICAS_NEED_TOKENS });
  if (env.DATABASE_LISTEN_URL && !env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_LISTEN_URL'], message: 'only means something with DATABASE_URL set' });
});

export type Env = z.infer<typeof envSchema>;

// Never DATABASE_URL or DATABASE_LISTEN_URL (they hold the database password), nor ALERT_WEBHOOK_URL (its path is a token).
const SHOWN_VALUES = new Set(['PUBLIC_ORIGIN', 'PORT', 'HOST', 'DATABASE_PATH', 'OPENAI_BASE_URL', 'UPSTREAM_TIMEOUT_MS', 'EMULATOR_PORT', 'EMULATOR_DATA_DIR', 'TRUST_PROXY', 'DEMO_DATA', 'STUCK_AFTER_MINUTES', 'BULK_CONCURRENCY', 'BULK_LEASE_SECONDS', 'REPLICA_ID', 'POLICY_INTERVAL_SECONDS', 'RETENTION_DAYS', 'AUDIT_RETENTION_DAYS', 'ALERT_STUCK_THRESHOLD']);

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
  // One problem fits on one line; several are listed one per line.
  throw new EnvError(lines.length === 1 ? `Invalid configuration: ${lines[0]!.trim()}` : `Invalid configuration:\n${lines.join('\n')}`);
}
