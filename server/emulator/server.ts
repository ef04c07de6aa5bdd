// Runs the emulator on a real port: the proxy, the e2e tests and the benchmark all talk to it over
// HTTP exactly as they would talk to api.openai.com.
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AdjustableClock, type Clock } from '#server/lib/clock.ts';
import type { Logger } from '#server/lib/logger.ts';
import { createEmulatorApp } from './app.ts';
import { FaultInjector } from './faults.ts';
import { openEmulatorState } from './state.ts';

export interface StartEmulatorOptions {
  /** Default 127.0.0.1: the emulator accepts any caller holding the key, so keep it off the network. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  apiKey: string;
  /** A file path, or ':memory:'. */
  databasePath: string;
  partsDir: string;
  /** Wrapped in an AdjustableClock unless it already is one. */
  clock?: Clock;
  maxPartBytes?: number;
  logger?: Logger;
}

export interface RunningEmulator {
  /** The base URL an OpenAI client takes, e.g. http://127.0.0.1:8788/v1. */
  url: string;
  origin: string;
  port: number;
  faults: FaultInjector;
  /** The emulator's own clock: set its offset to backdate what gets created next. */
  clock: AdjustableClock;
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock instanceof AdjustableClock ? options.clock : new AdjustableClock(options.clock);
  const faults = new FaultInjector();
  const state = openEmulatorState({ databasePath: options.databasePath, partsDir: options.partsDir });
  const app = createEmulatorApp({
    clock,
    apiKey: options.apiKey,
    state,
    faults,
    maxPartBytes: options.maxPartBytes,
    logger: options.logger,
  });

  let server: Server;
  try {
    server = await listen(app.fetch, host, options.port ?? 0);
  } catch (error) {
    state.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/v1`,
    origin,
    port,
    faults,
    clock,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          state.close();
          if (error) reject(error);
          else resolve();
        });
        // Idle keep-alive sockets (and requests still streaming) would hold close() open forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => {
      server.off('error', reject);
      if (server instanceof Server) resolve(server);
      else reject(new Error('Expected an HTTP/1.1 server.'));
    });
    server.once('error', reject);
  });
}
