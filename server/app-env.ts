import type { Operator } from './lib/auth.ts';

/** Hono's typed context for this app: what middleware puts on the request. */
export interface AppEnv {
  Variables: {
    operator: Operator;
  };
}
