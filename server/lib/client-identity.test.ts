import { describe, expect, it } from 'vitest';
import { clientIdentity, MAX_SDK_LENGTH, sdkFromHeaders } from './client-identity.ts';

const sdk = (headers: Record<string, string>) => sdkFromHeaders(new Headers(headers));

describe('the software a request names', () => {
  it('reads the official SDKs from their Stainless headers', () => {
    // As the Node SDK 6.49.0 sends them on Node (node_modules/openai/internal/detect-platform.js).
    expect(sdk({ 'x-stainless-lang': 'js', 'x-stainless-package-version': '6.49.0', 'x-stainless-runtime': 'node', 'x-stainless-runtime-version': 'v20.19.0', 'user-agent': 'OpenAI/JS 6.49.0' })).toBe('node 6.49.0');
    expect(sdk({ 'x-stainless-lang': 'js', 'x-stainless-package-version': '6.49.0', 'x-stainless-runtime': 'deno' })).toBe('deno 6.49.0');
    // In a browser or an unknown runtime the language is all it says.
    expect(sdk({ 'x-stainless-lang': 'js', 'x-stainless-package-version': '6.49.0', 'x-stainless-runtime': 'browser:chrome' })).toBe('js 6.49.0');
    expect(sdk({ 'x-stainless-lang': 'python', 'x-stainless-package-version': '3.22.1', 'x-stainless-runtime': 'CPython', 'user-agent': 'OpenAI/Python 3.22.1' })).toBe('python 3.22.1');
    expect(sdk({ 'x-stainless-lang': 'java', 'x-stainless-package-version': '4.105.0', 'x-stainless-runtime': 'JRE' })).toBe('java 4.105.0');
    expect(sdk({ 'x-stainless-lang': 'Go', 'x-stainless-package-version': '3.100.0' })).toBe('go 3.100.0');
    expect(sdk({ 'x-stainless-lang': 'python' })).toBe('python');
  });

  it("reads other tools from the User-Agent's first product", () => {
    expect(sdk({ 'user-agent': 'curl/7.88.1' })).toBe('curl/7.88.1');
    expect(sdk({ 'user-agent': '  python-requests/2.32.3 extra words' })).toBe('python-requests/2.32.3');
    expect(sdk({ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' })).toBe('Mozilla/5.0');
  });

  it('says nothing when the request says nothing', () => {
    expect(sdk({})).toBeNull();
    expect(sdk({ 'user-agent': '   ' })).toBeNull();
    expect(sdk({ 'x-stainless-lang': '' , 'user-agent': 'curl/8.0' })).toBe('curl/8.0');
  });

  it('keeps hostile values short and printable', () => {
    expect(sdk({ 'user-agent': `x${'a'.repeat(500)}` })).toHaveLength(MAX_SDK_LENGTH);
    expect(sdk({ 'x-stainless-lang': 'py\tthon', 'x-stainless-package-version': '1.0\u00e9' })).toBe('python 1.0');
    const long = sdk({ 'x-stainless-lang': 'l'.repeat(100), 'x-stainless-package-version': 'v'.repeat(100) })!;
    expect(long.length).toBeLessThanOrEqual(MAX_SDK_LENGTH);
  });

  it('pairs the software with the client token name', () => {
    expect(clientIdentity('team-a', new Headers({ 'user-agent': 'curl/7.88.1' }))).toEqual({ name: 'team-a', sdk: 'curl/7.88.1' });
  });
});
