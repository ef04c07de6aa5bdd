// The child side of startChild(): reads the JSON config from argv, starts the server, prints one
// READY line, and shuts down on SIGTERM or when the parent goes away (its stdin closes).
export interface ChildServer {
  ready: unknown;
  close(): Promise<void>;
}

export function serveChild<C>(start: (config: C) => Promise<ChildServer>): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as C;
  start(config).then(
    (server) => {
      let closing = false;
      const shutdown = () => {
        if (closing) return;
        closing = true;
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
      process.stdin.on('end', shutdown);
      process.stdin.on('close', shutdown);
      process.stdin.resume();
      process.stdout.write(`READY ${JSON.stringify(server.ready)}\n`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
