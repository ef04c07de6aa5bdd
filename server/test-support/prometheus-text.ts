// Reads a Prometheus text-format scrape into its samples, for tests: `name{a="1",b="2"}` → value
// (labels sorted, so a test names a series in any order). HELP and TYPE lines are kept apart.
export interface Scrape {
  /** The value of one series; undefined when the scrape does not have it. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every series of a metric, with its labels. */
  series(name: string): { labels: Record<string, string>; value: number }[];
  /** `# TYPE` of each metric family. */
  types: Map<string, string>;
  text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;

export function parsePrometheusText(text: string): Scrape {
  const values = new Map<string, number>();
  const byName = new Map<string, { labels: Record<string, string>; value: number }[]>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, raw] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = JSON.parse(`"${raw}"`) as string;
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    values.set(key(match[1]!, labels), value);
    byName.set(match[1]!, [...(byName.get(match[1]!) ?? []), { labels, value }]);
  }
  return {
    value: (name, labels = {}) => values.get(key(name, labels)),
    series: (name) => byName.get(name) ?? [],
    types,
    text,
  };
}
