// The human table printed at the end of `npm run bench`.
import type { TargetCheck } from './targets.js';
import { verdict } from './targets.js';

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function num(v: number | undefined, digits = 2): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 10_000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'limit', 'measured', 'verdict', 'margin'],
    checks.map((c) => [c.name, c.limit, c.measured, verdict(c), c.margin]),
  );
}
