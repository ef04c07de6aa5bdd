// What every benchmark returns (rows of the one table `npm run bench` prints) and the few
// statistics they share. Figures are medians over interleaved rounds with their min–max, and
// ratios are taken round by round against a baseline measured in the same run, because the
// machines are shared and noisy: a lone absolute time says little, a same-run ratio says more.

export interface BenchOptions {
  /** Tiny sizes and durations, one round: a smoke run that checks the benchmark still works. */
  quick: boolean;
  /** Progress lines (stderr in `npm run bench`, nowhere in the smoke test). */
  log: (line: string) => void;
  /** Only these of a benchmark's cases, by key (`--cases`); a benchmark may ignore it. Default: all. */
  cases?: readonly string[] | undefined;
}

/** One bench/<name>.ts module: adding a benchmark is adding a module and one line in run.ts. */
export interface BenchModule {
  run(options: BenchOptions): Promise<Row[]>;
}

export interface Measure {
  median: number;
  min: number;
  max: number;
  unit: string;
  /** How many rounds (or samples) the figure summarises. */
  n: number;
}

export interface Figure {
  value: Measure;
  /** Shown after the value, e.g. "p99 3.1 ms". */
  detail?: string;
}

export interface Row {
  /** The benchmark module that produced the row (weight, api, …). */
  bench: string;
  name: string;
  /** Null when nothing could be measured; `status` then says why. */
  ours: Figure | null;
  baseline: (Figure & { label: string }) | null;
  ratio: Measure | null;
  target: string;
  /** null: informational, or the target could not be judged. */
  met: boolean | null;
  /** Shown in the Result column instead of met / not met (e.g. "not available yet"). */
  status?: string;
  notes?: string[];
}

export function summarize(values: readonly number[], unit: string): Measure {
  if (values.length === 0) throw new Error('summarize() needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0]!, max: sorted.at(-1)!, unit, n: sorted.length };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Round-by-round ratios a[i] / b[i]: each pair was measured side by side. */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error('pairwiseRatios() needs one baseline figure per round');
  return a.map((value, i) => value / b[i]!);
}

/** Rounds alternate their order (A B, B A, …) so neither side always runs warm or first. */
export function roundOrder<T>(subjects: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...subjects] : [...subjects].reverse();
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // Counts (frames, rows, errors) read as counts, not as 3-digit decimals.
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatMeasure(m: Measure): string {
  const unit = m.unit === '×' ? '×' : ` ${m.unit}`;
  const main = `${formatNumber(m.median)}${unit}`;
  if (m.n <= 1 || formatNumber(m.min) === formatNumber(m.max)) return main;
  return `${main} (${formatNumber(m.min)}–${formatNumber(m.max)})`;
}

export function formatFigure(figure: Figure): string {
  const text = formatMeasure(figure.value);
  return figure.detail ? `${text}, ${figure.detail}` : text;
}

export const isFiniteMeasure = (m: Measure): boolean => [m.median, m.min, m.max].every(Number.isFinite);
