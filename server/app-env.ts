import type { Operator } from './lib/auth.ts';

/** Hono's typed context for this app: what middleware puts on the request. */
export interface AppEnv {
  Variables: {
    operator: Operator;
    /** How the operator authenticated: a dashboard session cookie, or a Bearer token (scripts). */
    authVia: 'cookie' | 'bearer';
    /** The client's address as the failed-attempt limits key it (server/lib/client-address.ts; set for every request). */
    clientAddress: string;
  };
}
