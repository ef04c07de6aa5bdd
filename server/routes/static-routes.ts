import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { FIRST_LIST_PAGE_PATH, PAGE_ANSWERS_ELEMENT_ID, SESSION_PATH } from '#contract/constants.ts';
import type { AppEnv } from '#server/app-env.ts';

export interface StaticRouteOptions {
  /**
   * What `GET path` of the dashboard API answers this page request's operator, going by its
   * session cookie alone (nothing else of the request is passed on); null unless a 200.
   */
  answer?: (c: Context<AppEnv>, path: string) => Promise<unknown>;
}

/**
 * Serves the built dashboard, with the SPA's index.html for every client-side route. For a
 * signed-in operator, the page carries the answers its scripts would ask for first (the session;
 * on the plain list, its first page): they come with the document instead of after the scripts
 * (contract/constants.ts, PAGE_ANSWERS_ELEMENT_ID). Without a valid session the page is the same
 * for everyone, and the scripts ask (and are sent to sign in) as before.
 */
export function staticRoutes(root: string, options: StaticRouteOptions = {}) {
  const indexHtml = readFileSync(join(root, 'index.html'), 'utf8');
  const { answer } = options;
  const page = async (c: Context<AppEnv>) => {
    const answers = answer ? await pageAnswers(c, answer) : null;
    // The same URL reads differently signed in and out, and a page with answers is one operator's.
    c.header('vary', 'cookie');
    if (!answers) {
      c.header('cache-control', 'no-cache');
      return c.html(indexHtml);
    }
    c.header('cache-control', 'no-store, private');
    return c.html(withPageAnswers(indexHtml, answers));
  };
  return (
    new Hono<AppEnv>()
      .use(
        '/assets/*',
        serveStatic({
          root,
          onFound: (_path, c) => {
            // Vite fingerprints asset names, so they never change under the same URL.
            c.header('cache-control', 'public, max-age=31536000, immutable');
          },
        }),
      )
      // Before the files: serveStatic would answer / with index.html as it is on disk.
      .get('/', page)
      .use('*', serveStatic({ root }))
      .get('*', page)
  );
}

/** The first answers for this page, or null when its operator is not signed in. */
async function pageAnswers(c: Context<AppEnv>, answer: NonNullable<StaticRouteOptions['answer']>): Promise<Record<string, unknown> | null> {
  if (!c.req.header('cookie')) return null;
  const session = await answer(c, SESSION_PATH);
  if (session === null) return null;
  const answers: Record<string, unknown> = { [SESSION_PATH]: session };
  // The plain list only: for a filtered one, the dashboard's own request says what it shows.
  if (c.req.path === '/' && !new URL(c.req.url).search) {
    const firstPage = await answer(c, FIRST_LIST_PAGE_PATH);
    if (firstPage !== null) answers[FIRST_LIST_PAGE_PATH] = firstPage;
  }
  return answers;
}

/**
 * index.html with `answers` in a JSON data block (type application/json: never run, so the
 * CSP's script-src does not apply). Every `<`, `>` and `&` is written as a \u escape, which
 * JSON.parse reads back as the same character, so nothing in the data (a filename like
 * `</script><script>…`) can end the block or open another tag.
 */
export function withPageAnswers(html: string, answers: Record<string, unknown>): string {
  const json = JSON.stringify(answers).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const block = `<script type="application/json" id="${PAGE_ANSWERS_ELEMENT_ID}">${json}</script>`;
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + block : `${html.slice(0, at)}${block}\n${html.slice(at)}`;
}
