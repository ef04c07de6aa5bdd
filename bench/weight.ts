// Dashboard weight: the gzipped (level 9) JS and CSS that the production build's index.html makes
// the browser load before anything else, against a "floor app" built in the same run with the
// project's own Vite config and plugins: react + react-dom, react-router (createBrowserRouter, one
// route), TanStack Query (one useQuery, one useMutation), Tailwind (a few classes) and TanStack
// Virtual (one useVirtualizer). The floor is what any dashboard on this stack ships at least.
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { REPO_ROOT } from './lib/child.ts';
import { pairwiseRatios, summarize, type BenchOptions, type Row } from './lib/report.ts';

const JS_TARGET = 1.15;
/** Inside the repository, so Node resolution finds node_modules/; gitignored by bench/.gitignore. */
export const FLOOR_PARENT = join(REPO_ROOT, 'bench', '.floor');

export interface BuildWeight {
  /** Gzipped (level 9) bytes of the JS loaded initially: entry scripts and their static imports. */
  jsGzip: number;
  jsRaw: number;
  cssGzip: number;
  cssRaw: number;
  /** Gzipped bytes of chunks loaded only later (dynamic imports). */
  lazyJsGzip: number;
  files: string[];
  /** The initial CSS, concatenated. */
  cssText: string;
  /** Rendered (tree-shaken, unminified) bytes of the initial JS by where they come from: an npm package, or the app's own code. */
  bySource: Map<string, number>;
  buildMs: number;
}

export async function run(options: BenchOptions): Promise<Row[]> {
  const outRoot = mkdtempSync(join(tmpdir(), 'uc-bench-weight-'));
  mkdirSync(FLOOR_PARENT, { recursive: true });
  const floorRoot = mkdtempSync(join(FLOOR_PARENT, 'app-'));
  try {
    options.log('weight: building the dashboard (vite build)…');
    const ours = await buildAndWeigh(REPO_ROOT, join(outRoot, 'dashboard'));
    options.log(`weight: dashboard built in ${(ours.buildMs / 1000).toFixed(1)} s; building the floor app…`);
    writeFloorApp(floorRoot);
    const floor = await buildAndWeigh(floorRoot, join(outRoot, 'floor'));
    options.log(`weight: floor app built in ${(floor.buildMs / 1000).toFixed(1)} s`);
    if (!floor.cssText.includes('.bg-blue-600')) {
      throw new Error('The floor app built without its Tailwind classes; the comparison would be meaningless.');
    }
    const kB = (bytes: number) => summarize([bytes / 1000], 'kB');
    const jsRatio = summarize(pairwiseRatios([ours.jsGzip], [floor.jsGzip]), '×');
    return [
      {
        bench: 'weight',
        name: 'Dashboard initial JS (gzip -9)',
        ours: { value: kB(ours.jsGzip), detail: `${(ours.jsRaw / 1000).toFixed(0)} kB raw` },
        baseline: { label: 'floor app', value: kB(floor.jsGzip), detail: `${(floor.jsRaw / 1000).toFixed(0)} kB raw` },
        ratio: jsRatio,
        target: `≤ ${JS_TARGET}× floor`,
        met: jsRatio.median <= JS_TARGET,
        notes: [
          `Initial = the scripts index.html loads and their static imports. Dashboard: ${ours.files.join(', ')}; ` +
            `${(ours.lazyJsGzip / 1000).toFixed(1)} kB gz more in lazy chunks. Floor: ${floor.files.join(', ')}.`,
          `Dashboard initial JS against the floor's, by package (tree-shaken, before minification; app code counts whole): ${againstFloor(ours, floor)}.`,
        ],
      },
      {
        bench: 'weight',
        name: 'Dashboard initial CSS (gzip -9)',
        ours: { value: kB(ours.cssGzip), detail: `${(ours.cssRaw / 1000).toFixed(0)} kB raw` },
        baseline: { label: 'floor app', value: kB(floor.cssGzip) },
        ratio: summarize(pairwiseRatios([ours.cssGzip], [floor.cssGzip]), '×'),
        target: '—',
        met: null,
      },
    ];
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
    rmSync(floorRoot, { recursive: true, force: true });
    try {
      rmdirSync(FLOOR_PARENT); // only when empty: another run may be building its own floor app
    } catch {
      // not empty, or already gone
    }
  }
}

/**
 * Where the dashboard's initial JS differs from the floor's by more than 2 kB, biggest first: what
 * it ships beyond the floor (app code counts whole) and, as a minus, a package it ships less of
 * than the floor does (a lighter API of the same package), so the ratio's baseline stays visible.
 */
function againstFloor(ours: BuildWeight, floor: BuildWeight): string {
  const sources = new Set([...ours.bySource.keys(), ...floor.bySource.keys()]);
  const differences = [...sources]
    .map((source) => [source, (ours.bySource.get(source) ?? 0) - (source === 'app code' ? 0 : (floor.bySource.get(source) ?? 0))] as const)
    .filter(([, bytes]) => Math.abs(bytes) > 2000)
    .sort((a, b) => b[1] - a[1]);
  const kB = (bytes: number) => `${bytes < 0 ? '−' : '+'}${(Math.abs(bytes) / 1000).toFixed(0)} kB`;
  return differences.map(([source, bytes]) => `${source} ${kB(bytes)}`).join(', ') || 'nothing over 2 kB either way';
}

/** Builds `root` with the project's vite.config.ts (its plugins) into `outDir` and weighs what index.html loads first. */
export async function buildAndWeigh(root: string, outDir: string): Promise<BuildWeight> {
  const started = performance.now();
  const result = await build({
    root,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    // The size warning would only repeat what this benchmark reports.
    build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 100_000 },
  });
  const buildMs = performance.now() - started;
  const output = Array.isArray(result) ? result[0] : result;
  if (!output || !('output' in output)) throw new Error('vite build() returned no bundle');
  const chunks = new Map<string, Rolldown.OutputChunk>();
  for (const item of output.output) if (item.type === 'chunk') chunks.set(item.fileName, item);

  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(tag)?.[1];
  const local = (href: string | undefined) => (href && !/^[a-z]+:\/\//i.test(href) ? href.replace(/^\.?\//, '') : null);
  const js = new Set<string>();
  const css = new Set<string>();
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    const src = local(attr(tag, 'src'));
    if (src) js.add(src);
  }
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const rel = attr(tag, 'rel');
    const href = local(attr(tag, 'href'));
    if (href && rel === 'modulepreload') js.add(href);
    if (href && rel === 'stylesheet') css.add(href);
  }
  // Static imports load before the entry runs, whether or not index.html preloads them.
  const queue = [...js];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const chunk = chunks.get(file);
    if (!chunk) continue;
    for (const imported of chunk.imports) {
      if (!js.has(imported)) {
        js.add(imported);
        queue.push(imported);
      }
    }
    for (const sheet of chunk.viteMetadata?.importedCss ?? []) css.add(sheet);
  }
  if (js.size === 0) throw new Error(`${join(outDir, 'index.html')} loads no script`);

  const weigh = (files: Iterable<string>) => {
    let raw = 0;
    let gz = 0;
    let text = '';
    for (const file of files) {
      const bytes = readFileSync(join(outDir, file));
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
      text += bytes.toString('utf8');
    }
    return { raw, gz, text };
  };
  const bySource = new Map<string, number>();
  for (const file of js) {
    for (const [id, module] of Object.entries(chunks.get(file)?.modules ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1] ?? (id.includes('node_modules') ? 'node_modules' : 'app code');
      bySource.set(pkg, (bySource.get(pkg) ?? 0) + module.renderedLength);
    }
  }
  const initialJs = weigh(js);
  const initialCss = weigh(css);
  const lazy = weigh([...chunks.keys()].filter((file) => !js.has(file)));
  return {
    jsGzip: initialJs.gz,
    jsRaw: initialJs.raw,
    cssGzip: initialCss.gz,
    cssRaw: initialCss.raw,
    lazyJsGzip: lazy.gz,
    files: [...js, ...css].map((file) => file.replace(/^assets\//, '')),
    cssText: initialCss.text,
    bySource,
    buildMs,
  };
}

/**
 * The floor app. Plain .jsx on purpose: neither tsc (tsconfig.node.json includes bench/) nor
 * ESLint pick it up should a run be killed before it is removed; Vite builds it the same way.
 * `basename`: where it is served when not at / (bench/dashboard-speed.ts serves it at /floor/,
 * beside the dashboard); without it the code is exactly what this benchmark weighs.
 */
export function writeFloorApp(root: string, { basename }: { basename?: string } = {}): void {
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Floor app</title>
  </head>
  <body class="bg-slate-50 text-slate-900 antialiased">
    <div id="root"></div>
    <script type="module" src="/main.jsx"></script>
  </body>
</html>
`,
  );
  // The folder is gitignored, which hides it from Tailwind's automatic source detection: name it.
  writeFileSync(join(root, 'index.css'), '@import "tailwindcss" source(none);\n@source "./main.jsx";\n');
  writeFileSync(
    join(root, 'main.jsx'),
    `import { StrictMode, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import './index.css';

async function getJson(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(\`\${url} answered \${response.status}\`);
  return response.json();
}

function Uploads() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['uploads'], queryFn: () => getJson('/api/uploads') });
  const cancel = useMutation({
    mutationFn: (id) => getJson(\`/api/uploads/\${id}/cancel\`, { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['uploads'] }),
  });
  const scroller = useRef(null);
  const rows = list.data?.data ?? [];
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 44 });
  return (
    <main className="mx-auto max-w-5xl p-6">
      <h1 className="mb-4 text-2xl font-semibold">Uploads</h1>
      {list.isError && <p className="rounded-md bg-red-50 p-3 text-sm text-red-700">{String(list.error)}</p>}
      <div ref={scroller} className="h-[600px] overflow-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={item.key}
                className="absolute left-0 flex w-full items-center justify-between border-b border-slate-100 px-4 text-sm"
                style={{ top: item.start, height: item.size }}
              >
                <span className="truncate font-mono text-slate-600">{row.upload.filename}</span>
                <button
                  type="button"
                  disabled={cancel.isPending}
                  onClick={() => cancel.mutate(row.upload.id)}
                  className="rounded-md bg-blue-600 px-3 py-1.5 font-medium text-white hover:bg-blue-700 disabled:opacity-50"
                >
                  Cancel
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </main>
  );
}

const router = createBrowserRouter([{ path: '/', element: <Uploads /> }]${basename ? `, { basename: ${JSON.stringify(basename)} }` : ''});
const queryClient = new QueryClient();

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
`,
  );
}
