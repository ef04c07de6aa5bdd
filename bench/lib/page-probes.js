// Timing probes that bench/dashboard-speed.ts installs in the page (Playwright addInitScript)
// before any of the page's own scripts run. Plain browser JavaScript: it runs in Chromium, not
// in Node, and is read as a file rather than imported. Times are the page's own clock
// (performance.now(), 0 = navigation start), so Playwright's round trips never count.
//
// Elements are found the way an operator finds them: rows by role, the Cancel button by its
// accessible name ("Cancel <filename>"), the status by the word on its badge.
/* global window, document, performance, requestAnimationFrame, MutationObserver, PerformanceObserver, MessageChannel, URL, setTimeout, clearTimeout */
(() => {
  const STATUS_WORDS = new Set(['pending', 'completed', 'cancelled', 'expired']);

  /**
   * Calls back once the frame showing the current DOM has been produced: a requestAnimationFrame
   * callback runs just before that frame's style, layout and paint, and a message posted from it
   * is handled just after them.
   */
  const afterPaint = (callback) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => callback(performance.now());
      channel.port2.postMessage(null);
    });

  // Main-thread tasks over 50 ms, to tell time spent waiting from time spent computing.
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no Long Tasks API: busy() reads 0
  }
  /** Milliseconds of long tasks within [from, to]. */
  const busy = (from, to) => longTasks.reduce((sum, task) => sum + Math.max(0, Math.min(task.end, to) - Math.max(task.start, from)), 0);

  let firstRowSeen;
  const probes = {
    /** { inDom, painted, fcp, documentEnd, scriptsEnd, listStart, listEnd, busyAfterList }: ms from navigation start (null: no such entry). */
    firstRow: null,
    whenFirstRow: new Promise((resolve) => (firstRowSeen = resolve)),
  };
  window.__ucBench = probes;

  // First data row: the moment a text set by the benchmark (the newest upload's filename) enters the DOM.
  const firstRowText = window.__ucBenchFirstRowText;
  if (typeof firstRowText === 'string' && firstRowText) {
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const nodes = record.type === 'characterData' ? [record.target] : record.addedNodes;
        for (const node of nodes) {
          if (node.textContent && node.textContent.includes(firstRowText)) {
            observer.disconnect();
            const inDom = performance.now();
            afterPaint((painted) => {
              probes.firstRow = { inDom, painted, ...milestones(inDom) };
              firstRowSeen(probes.firstRow);
            });
            return;
          }
        }
      }
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  }

  /** Where the time before the first row went: when the document, the scripts and the first list answer arrived. */
  const milestones = (inDom) => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const navigation = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const scripts = resources.filter((entry) => entry.initiatorType === 'script' || /\.js(\?|$)/.test(entry.name));
    const list = resources.find((entry) => new URL(entry.name).pathname === '/api/uploads');
    return {
      fcp: fcp ? fcp.startTime : null,
      documentEnd: navigation ? navigation.responseEnd : null,
      scriptsEnd: scripts.length ? Math.max(...scripts.map((entry) => entry.responseEnd)) : null,
      listStart: list ? list.startTime : null,
      listEnd: list ? list.responseEnd : null,
      /** Long tasks between the list's answer and the first row in the DOM. */
      busyAfterList: list ? busy(list.responseEnd, inDom) : null,
    };
  };

  /** The status word on a row's badge, or null. */
  const statusOf = (row) => {
    for (const element of row.querySelectorAll('span')) {
      const text = element.textContent.trim();
      if (STATUS_WORDS.has(text)) return text;
    }
    return null;
  };

  /** The list's scroll container: the nearest scrollable ancestor of the table. */
  const scrollerOf = (table) => {
    for (let element = table.parentElement; element; element = element.parentElement) {
      const { overflowY } = window.getComputedStyle(element);
      if ((overflowY === 'auto' || overflowY === 'scroll') && element.scrollHeight > element.clientHeight) return element;
    }
    return null;
  };

  const uploadsTable = () => {
    const table = document.querySelector('[role="table"]');
    if (!table) throw new Error('no element with role "table" on the page');
    const scroller = scrollerOf(table);
    if (!scroller) throw new Error('the table has no scrollable ancestor');
    return { table, scroller };
  };

  /**
   * Clicks Cancel on a pending row that is fully in view and times how long its badge takes to
   * read "cancelled": from just before element.click() to the mutation that changed it (inDom),
   * and to the frame that shows it (painted). With no such row in view, scrolls the list on by
   * half a screen and answers { scrolled: true }; the caller waits and asks again.
   */
  probes.clickCancelOnPendingRow = () => {
    const { table, scroller } = uploadsTable();
    const view = scroller.getBoundingClientRect();
    const header = table.querySelector('[role="rowgroup"]');
    const top = view.top + (header ? header.getBoundingClientRect().height : 0);
    for (const row of table.querySelectorAll('[role="row"]')) {
      const button = row.querySelector('button[aria-label^="Cancel "]');
      if (!button || button.getAttribute('aria-disabled') === 'true' || statusOf(row) !== 'pending') continue;
      const box = row.getBoundingClientRect();
      if (box.top < top || box.bottom > view.bottom) continue;
      const filename = button.getAttribute('aria-label').slice('Cancel '.length);
      return new Promise((resolve) => {
        let clickedAt = 0;
        let done = false;
        const finish = (result) => {
          if (done) return;
          done = true;
          observer.disconnect();
          clearTimeout(timer);
          resolve(result);
        };
        const observer = new MutationObserver(() => {
          if (statusOf(row) !== 'cancelled' || done) return;
          const inDom = performance.now() - clickedAt;
          observer.disconnect();
          afterPaint((paintedAt) => finish({ filename, inDom, painted: paintedAt - clickedAt }));
        });
        const timer = setTimeout(() => finish({ filename, timedOut: true }), 5000);
        observer.observe(row, { childList: true, subtree: true, characterData: true, attributes: true });
        clickedAt = performance.now();
        button.click();
      });
    }
    const before = scroller.scrollTop;
    scroller.scrollTop += Math.max(100, scroller.clientHeight / 2);
    return { scrolled: scroller.scrollTop !== before };
  };

  /**
   * Scrolls the list `stepPx` further every frame until the row at index `targetRows` has been
   * rendered (the list loads more pages as it nears its end), or `maxMs` has passed. Records each
   * frame's duration from requestAnimationFrame timestamps and the most [role=row] elements in the
   * document at any frame.
   */
  probes.scrollThrough = (targetRows, stepPx, maxMs) =>
    new Promise((resolve) => {
      const { scroller } = uploadsTable();
      scroller.scrollTop = 0;
      const frames = [];
      let maxRowsInDom = 0;
      let lastTimestamp = null;
      let startedAt = null;
      let furthest = -1;
      const tick = (timestamp) => {
        if (startedAt === null) startedAt = timestamp;
        if (lastTimestamp !== null) frames.push(timestamp - lastTimestamp);
        lastTimestamp = timestamp;
        const rows = document.querySelectorAll('[role="row"]');
        maxRowsInDom = Math.max(maxRowsInDom, rows.length);
        for (const row of rows) {
          // aria-rowindex counts the header row as 1: data row i is i + 2.
          const index = Number(row.getAttribute('aria-rowindex')) - 2;
          if (index > furthest) furthest = index;
        }
        if (furthest >= targetRows || timestamp - startedAt > maxMs) {
          resolve({ frames, maxRowsInDom, rowsPassed: furthest, ms: timestamp - startedAt, reached: furthest >= targetRows });
          return;
        }
        scroller.scrollTop += stepPx;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
})();
