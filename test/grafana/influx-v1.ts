// InfluxQL over the real InfluxDB 1.x /query endpoint, and what "a query returned data" means for
// a dashboard: at least one series with a row holding a non-null value besides the time.
import { INFLUX_V1_URL } from '../support/services.js';

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxResult {
  error?: string;
  series: InfluxSeries[];
}

/** Runs one InfluxQL statement; an error of InfluxDB is returned, not thrown (queries are judged). */
export async function influxQuery(q: string, db?: string): Promise<InfluxResult> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${INFLUX_V1_URL}/query`, { method: 'POST', body });
  const json = (await res.json()) as { error?: string; results?: Array<{ error?: string; series?: InfluxSeries[] }> };
  const first = json.results?.[0];
  return { error: json.error ?? first?.error ?? (res.ok ? undefined : `HTTP ${res.status}`), series: first?.series ?? [] };
}

/** Like influxQuery, but an InfluxDB error throws (setup statements must succeed). */
export async function influxExec(q: string, db?: string): Promise<InfluxSeries[]> {
  const r = await influxQuery(q, db);
  if (r.error) throw new Error(`InfluxDB rejected ${q}: ${r.error}`);
  return r.series;
}

/** Series with at least one row holding a non-null value in a column other than `time`. */
export function seriesWithData(series: InfluxSeries[]): InfluxSeries[] {
  return series.filter((s) => s.values.some((row) => row.some((v, i) => s.columns[i] !== 'time' && v !== null && v !== undefined)));
}

/** Columns (besides `time`) that are null in every row of every series: a field that is not written. */
export function emptyColumns(series: InfluxSeries[]): string[] {
  const filled = new Set<string>();
  const all = new Set<string>();
  for (const s of series) {
    s.columns.forEach((c, i) => {
      if (c === 'time') return;
      all.add(c);
      if (s.values.some((row) => row[i] !== null && row[i] !== undefined)) filled.add(c);
    });
  }
  return [...all].filter((c) => !filled.has(c));
}

/** Every non-null number in the named column (or every non-time column) of every series. */
export function numbers(series: InfluxSeries[], column?: string): number[] {
  const out: number[] = [];
  for (const s of series) {
    s.columns.forEach((c, i) => {
      if (c === 'time' || (column !== undefined && c !== column)) return;
      for (const row of s.values) if (typeof row[i] === 'number') out.push(row[i] as number);
    });
  }
  return out;
}
