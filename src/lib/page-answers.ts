// The answers the server wrote into index.html (contract/constants.ts, PAGE_ANSWERS_ELEMENT_ID):
// the first GETs of a signed-in page, arrived with the document. Each is taken once, by the
// request it stands for, and only while the page is new; anything later goes to the network.
import { PAGE_ANSWERS_ELEMENT_ID } from '#contract/constants.ts';

/** After this long (ms since the page started loading) the network is asked, whatever the page holds. */
export const PAGE_ANSWERS_FRESH_MS = 10_000;

let answers: Map<string, unknown> | undefined;

function read(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const element = typeof document === 'undefined' ? null : document.getElementById(PAGE_ANSWERS_ELEMENT_ID);
  if (!element) return found;
  // Read once, then gone: nothing else in the page needs it, and no stale copy lingers in the DOM.
  element.remove();
  try {
    const parsed: unknown = JSON.parse(element.textContent || 'null');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [path, body] of Object.entries(parsed)) found.set(path, body);
    }
  } catch {
    // A damaged block is ignored: the requests go to the network as they would without one.
  }
  return found;
}

/** The page's answer to `GET path`, once; undefined when it has none (or no longer a fresh one). */
export function takePageAnswer(path: string): unknown {
  answers ??= read();
  if (!answers.has(path)) return undefined;
  const body = answers.get(path);
  answers.delete(path);
  return performance.now() <= PAGE_ANSWERS_FRESH_MS ? body : undefined;
}

/** For tests: forget what was read, so the next call reads the document again. */
export function resetPageAnswers(): void {
  answers = undefined;
}
