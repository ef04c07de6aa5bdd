// Who made a pass-through request: the client token's name, and the software as the request
// identifies itself. The official SDKs (Stainless-generated) send X-Stainless-Lang,
// X-Stainless-Package-Version and X-Stainless-Runtime besides a User-Agent; curl and most other
// tools send only a User-Agent. This is the one place that reads those headers.
import type { UploadClient } from '#contract/dashboard-api.ts';

/** Longest `sdk` text kept; a longer header is cut, so a hostile client cannot bloat every row. */
export const MAX_SDK_LENGTH = 64;

/** The Node SDK says `js` and names its runtime; these runtimes read better than "js" (`node 6.49.0`). */
const JS_RUNTIMES = new Set(['node', 'deno', 'bun', 'edge']);

/** One header value as a short, printable word: control characters and the like are dropped. */
function word(value: string | null | undefined, max: number): string | null {
  const text = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return text === '' ? null : text;
}

/**
 * The software a request names: `<lang> <package version>` from the Stainless headers (the Node
 * SDK's `js` becomes its runtime, e.g. `node 6.49.0`), else the User-Agent's first product token
 * (`curl/7.88.1`), else null.
 */
export function sdkFromHeaders(headers: Pick<Headers, 'get'>): string | null {
  let lang = word(headers.get('x-stainless-lang'), 24)?.toLowerCase() ?? null;
  if (lang !== null) {
    const runtime = word(headers.get('x-stainless-runtime'), 24)?.toLowerCase();
    if (lang === 'js' && runtime && JS_RUNTIMES.has(runtime)) lang = runtime;
    const version = word(headers.get('x-stainless-package-version'), 32);
    return version ? `${lang} ${version}` : lang;
  }
  const userAgent = (headers.get('user-agent') ?? '').trim();
  return word(userAgent.split(/\s/, 1)[0], MAX_SDK_LENGTH);
}

/** The client behind a pass-through request: its token's name and the software it says it is. */
export function clientIdentity(name: string, headers: Pick<Headers, 'get'>): UploadClient {
  return { name, sdk: sdkFromHeaders(headers) };
}
