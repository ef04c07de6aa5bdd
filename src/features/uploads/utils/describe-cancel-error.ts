// Turns a failed cancel into words an operator can act on. The server's own message is kept
// wherever it says more than the status does.
import { isApiError } from '#src/lib/api-client.ts';

export interface ErrorToast {
  title: string;
  description?: string;
}

export function describeCancelError(filename: string, error: unknown): ErrorToast {
  const subject = `Couldn't cancel ${filename}`;
  if (!isApiError(error)) {
    return { title: `${subject}: something went wrong`, description: error instanceof Error ? error.message : undefined };
  }
  const { status, message, code } = error;
  if (status === 0) {
    return error.type === 'timeout'
      ? { title: `${subject}: the Uploads Console server didn't answer in time`, description: 'It may still have been cancelled; the list will show it.' }
      : { title: `${subject}: network error, check your connection` };
  }
  switch (status) {
    case 400:
      return { title: `${subject} — ${message}` };
    case 401:
      return { title: `${subject}: your session has ended, sign in again` };
    case 404:
      return { title: `${subject}: the upload no longer exists (${message})` };
    case 429:
      return { title: `${subject}: rate limited by OpenAI, try again shortly`, description: message };
    case 502:
      return code === 'upstream_auth_failed'
        ? { title: `${subject}: OpenAI rejected the proxy's API key`, description: message }
        : { title: `${subject}: the proxy couldn't reach OpenAI`, description: message };
    case 504:
      return { title: `${subject}: OpenAI didn't answer in time`, description: message };
    default:
      return status >= 500
        ? { title: `${subject}: the server failed (${status})`, description: message }
        : { title: `${subject} — ${message}` };
  }
}
