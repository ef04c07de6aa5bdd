// The nginx configuration the multi-replica test puts in front of its replicas; the README's
// "Running several replicas" example is this file's output with the paths left out.
import { join } from 'node:path';

export interface NginxConfigOptions {
  /** Folder for the pid file, logs and temp files (nginx -p). */
  dir: string;
  port: number;
  /** host:port of every replica. */
  replicas: string[];
  /** Run the worker as root (when the master is started as root and the temp folder is root's). */
  asRoot: boolean;
}

export function nginxConfig({ dir, port, replicas, asRoot }: NginxConfigOptions): string {
  return `${asRoot ? 'user root;\n' : ''}worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  log_format replicas '$remote_addr "$request" $status upstream=$upstream_addr';
  access_log ${join(dir, 'access.log')} replicas;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};

  upstream uploads_console {
${replicas.map((r) => `    server ${r} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    # Parts are up to 64 MB (OpenAI's limit); the console checks the size itself.
    client_max_body_size 70m;
    location / {
      proxy_pass http://uploads_console;
      # Keep-alive to the replicas.
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # The console takes the client's address from here (TRUST_PROXY=loopback) for its login limiter.
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Live updates (/api/events) are a stream: no buffering, and no timeout between its 15 s pings.
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 1h;
      # A replica that refuses the connection is skipped; a request it already received is not
      # sent again (nginx never retries a POST that reached a replica).
      proxy_next_upstream error timeout;
    }
  }
}
`;
}
