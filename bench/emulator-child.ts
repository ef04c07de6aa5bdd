// The OpenAI Uploads emulator in a process of its own, as the upstream of the pass-through and
// streaming benchmarks (started by bench/lib/child.ts; not meant to be run by hand).
import { silentLogger } from '#server/lib/logger.ts';
import { startEmulator } from '#server/emulator/server.ts';
import { serveChild } from './lib/child-main.ts';

export interface EmulatorChildConfig {
  apiKey: string;
  databasePath: string;
  partsDir: string;
}

export interface EmulatorChildReady {
  /** Base URL an OpenAI client takes (…/v1). */
  url: string;
  origin: string;
  port: number;
}

serveChild<EmulatorChildConfig>(async (config) => {
  const emulator = await startEmulator({ port: 0, logger: silentLogger, ...config });
  const ready: EmulatorChildReady = { url: emulator.url, origin: emulator.origin, port: emulator.port };
  return { ready, close: () => emulator.close() };
});
