// Every route path and link target, written once.
import type { UploadStatus } from '#contract/uploads.ts';

export const paths = {
  uploads: {
    path: '/',
    getHref: (status?: UploadStatus) => (status ? `/?status=${status}` : '/'),
  },
  upload: {
    path: '/uploads/:id',
    getHref: (id: string) => `/uploads/${encodeURIComponent(id)}`,
  },
  audit: {
    path: '/audit',
    /** Audit filters ride in the query string, e.g. `{ upload_id }` for one upload's entries. */
    getHref: (filters: Readonly<Record<string, string | undefined>> = {}) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
      const search = params.toString();
      return search ? `/audit?${search}` : '/audit';
    },
  },
  policies: {
    path: '/policies',
    getHref: () => '/policies',
  },
  login: {
    path: '/login',
    /** `next` is where to return after signing in. */
    getHref: (next?: string) => {
      const safe = safeNext(next);
      return safe && safe !== '/' ? `/login?next=${encodeURIComponent(safe)}` : '/login';
    },
  },
} as const;

/**
 * Only same-origin paths may be a `next` target, so a crafted login link cannot send the
 * operator to another site after they sign in.
 */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next === paths.login.path || next.startsWith(`${paths.login.path}?`)) return null;
  return next;
}
