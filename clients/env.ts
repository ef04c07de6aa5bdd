// What the client runner reads from its environment, in one place: whether this is CI (a missing
// toolchain then fails instead of skipping), where an already installed `openai` CLI is, and the
// environment each client process inherits.
import { controlsFrom, type Controls } from './lib/checks.ts';

/** CI=true (or 1): a client whose toolchain is missing fails the run. */
export const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** An `openai` CLI (github.com/openai/openai-cli) installed elsewhere, used instead of the cached one. */
export const openaiCliOverride = process.env.OPENAI_CLI?.trim() || null;

/** Only these clients, when set (comma-separated names: node,python,java,go,cli,curl). */
export const onlyClients = (process.env.UC_CLIENTS ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

/** The console a client process was started against (set by clients/run.ts). */
export function consoleControls(): Controls {
  return controlsFrom(process.env);
}

/** The environment a client process gets: this one without any real OpenAI settings, plus `extra`. */
export function clientEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // A developer's own key or base URL must never leak into a client pointed at the test console.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_'));
  return { ...Object.fromEntries(inherited), ...extra };
}
