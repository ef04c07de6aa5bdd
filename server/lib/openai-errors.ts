// The OpenAI error envelope and the messages we answer with. Where OpenAI documents no text,
// the wording is ours (see ../shared/docs/openai-uploads-contract.md) and lives only here.
import { errorEnvelope, type ErrorEnvelope } from '../../contract/uploads.ts';

export { errorEnvelope, type ErrorEnvelope };

export const messages = {
  noApiKey:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  incorrectApiKey: (key: string) =>
    `Incorrect API key provided: ${redactKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  invalidUrl: (method: string, path: string) => `Invalid URL (${method} ${path})`,
  noSuchUpload: (id: string) => `No such Upload object: ${id}`,
  wrongStatus: (action: 'cancel' | 'complete' | 'add a part to', status: string) =>
    `Cannot ${action} upload with status '${status}'.`,
  rateLimited:
    'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
  serverError: 'The server had an error while processing your request. Sorry about that!',
} as const;

/** OpenAI shows the first 8 and last 4 characters of a rejected key. */
export function redactKey(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

export function envelopeForStatus(status: number): ErrorEnvelope {
  if (status === 429) return errorEnvelope(messages.rateLimited, 'requests', null, 'rate_limit_exceeded');
  if (status === 401) return errorEnvelope(messages.noApiKey, 'invalid_request_error');
  if (status === 404) return errorEnvelope('Not found.', 'invalid_request_error');
  if (status >= 500) return errorEnvelope(messages.serverError, 'server_error');
  return errorEnvelope(`Request failed with status ${status}.`, 'invalid_request_error');
}
