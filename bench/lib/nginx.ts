// Debian's nginx as a plain reverse proxy in front of the emulator: the yardstick for what a
// pass-through costs when it does nothing but pass through. Everything it writes stays in a
// temp folder; it runs in the foreground (daemon off) so it is our child and stops with us.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntilAnswering } from './child.ts';
import { freePort } from './free-port.ts';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface RunningNginx {
  origin: string;
  /** The master's; the worker is its child. */
  pid: number;
  version: string;
  stop(): Promise<void>;
}

export function nginxAvailable(): boolean {
  return existsSync(NGINX_BINARY);
}

export async function startNginx(options: { dir: string; upstreamPort: number }): Promise<RunningNginx> {
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  // nginx cannot be told to pick a port and say which.
  const port = await freePort();
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    `daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream emulator {
    server 127.0.0.1:${options.upstreamPort};
    keepalive 64;
    # Default 1000: nginx would close each upstream connection after 1000 requests.
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    # Likewise for clients: neither the emulator nor our proxy closes a busy keep-alive connection.
    keepalive_requests 1000000;
    location / {
      proxy_pass http://emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  // -e: the compiled-in error log (/var/log/nginx) may not be writable; -p: relative paths stay here.
  const child = spawn(NGINX_BINARY, ['-p', dir, '-c', config, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : '');

  await waitUntilAnswering(`${origin}/`, {
    timeoutMs: 10_000,
    everyMs: 50,
    exited: () => (child.exitCode !== null ? `nginx exited with ${child.exitCode}: ${stderr}${errorLog()}` : null),
    late: async () => {
      child.kill('SIGTERM');
      return new Error(`nginx did not answer on ${origin} within 10 s: ${stderr}${errorLog()}`);
    },
  });

  const version = await new Promise<string>((resolve) => {
    const probe = spawn(NGINX_BINARY, ['-v'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let out = '';
    probe.stderr.setEncoding('utf8');
    probe.stderr.on('data', (chunk: string) => (out += chunk));
    probe.once('exit', () => resolve(out.trim().replace(/^nginx version: /, '')));
    probe.once('error', () => resolve('nginx'));
  });

  return {
    origin,
    pid: child.pid!,
    version,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
