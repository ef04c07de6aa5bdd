// A real HTTP server standing in for a Slack incoming webhook: records every JSON body POSTed to
// it, and answers as the test says (a status, a Retry-After, or never).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver answers to the nth call (from 1): a status (and headers), or 'hang' to never answer. */
export type WebhookAnswer = { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  /** Carries a secret in its path, as Slack's do. */
  url: string;
  /** The secret part of the path, to look for in logs and responses. */
  secret: string;
  /** Bodies received, in order (accepted or not). */
  received: { text: string; blocks?: unknown }[];
  /** The statuses answered, in order. */
  answered: number[];
  answer: (nth: number) => WebhookAnswer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(answer: (nth: number) => WebhookAnswer = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const secret = `hook-secret-${Math.random().toString(36).slice(2)}`;
  const hanging = new Set<ServerResponse>();
  const receiver: WebhookReceiver = { url: '', secret, received: [], answered: [], answer, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== `/services/T000/B000/${secret}` || req.headers['content-type'] !== 'application/json') {
        res.writeHead(404).end('no_service');
        return;
      }
      receiver.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookReceiver['received'][number]);
      const reply = receiver.answer(receiver.received.length);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      receiver.answered.push(reply.status);
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.status === 200 ? 'ok' : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/services/T000/B000/${secret}`;
  receiver.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
