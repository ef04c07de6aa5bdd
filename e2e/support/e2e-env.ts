/** The fixed tokens and ports the e2e server runs with (see playwright.config.ts). */
export const e2eEnv = {
  port: Number(process.env.E2E_PORT ?? 8797),
  adminToken: 'e2e-operator-token-0123456789abcdef',
  clientToken: 'e2e-client-token-0123456789abcdef',
  emulatorKey: 'sk-emulator-e2e-0123456789abcdef',
  emulatorPort: Number(process.env.E2E_EMULATOR_PORT ?? 8798),
};
