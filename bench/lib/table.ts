// The one table `npm run bench` prints: aligned plain-text columns (they paste into a README
// code block as they are), notes numbered below it.
import { formatFigure, formatMeasure, type Row } from './report.ts';

const HEADERS = ['Benchmark', 'Ours', 'Baseline', 'Ratio', 'Target', 'Result'] as const;

export function resultText(row: Row): string {
  if (row.status) return row.status;
  if (row.met === null) return 'info';
  return row.met ? 'met' : 'NOT MET';
}

export function renderTable(rows: readonly Row[]): string {
  const notes: string[] = [];
  const cells = rows.map((row) => {
    const marks = (row.notes ?? []).map((note) => {
      notes.push(note);
      return `[${notes.length}]`;
    });
    return [
      marks.length ? `${row.name} ${marks.join('')}` : row.name,
      row.ours ? formatFigure(row.ours) : '—',
      row.baseline ? `${row.baseline.label}: ${formatFigure(row.baseline)}` : '—',
      row.ratio ? formatMeasure(row.ratio) : '—',
      row.target,
      resultText(row),
    ];
  });
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (notes.length) {
    out.push('');
    notes.forEach((note, i) => out.push(`[${i + 1}] ${note}`));
  }
  return out.join('\n');
}
