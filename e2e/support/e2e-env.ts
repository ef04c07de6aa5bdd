/** The fixed tokens and ports the e2e server runs with (see playwright.config.ts). */
export const e2eEnv = {
  port: Number(process.env.E2E_PORT ?? 8797),
  adminToken: 'e2e-operator-token-0123456789abcdef',
  clientToken: 'e2e-client-token-0123456789abcdef',
  /** A second pass-through client, `e2e-bot` (CLIENT_TOKENS), for the owners specs. */
  botClientToken: 'e2e-bot-client-token-0123456789abcdef',
  emulatorKey: 'sk-emulator-e2e-0123456789abcdef',
  emulatorPort: Number(process.env.E2E_EMULATOR_PORT ?? 8798),
  /** A read-only operator (OPERATORS=viewer:<token>:read-only). */
  viewerToken: 'e2e-viewer-token-0123456789abcdef',
  /** Pending uploads count as stuck after this many seconds without a part (STUCK_AFTER_MINUTES). */
  stuckAfterSeconds: 3,
  /** Seconds between rounds of cleanup policies (POLICY_INTERVAL_SECONDS). */
  policyIntervalSeconds: 2,
};
