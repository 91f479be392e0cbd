// Reads the committed dashboards and lists every InfluxQL query Grafana would send — panel
// targets, template variables, annotations — and expands Grafana's macros so a query can be run
// as-is against InfluxDB's /query endpoint (1.x, or 2.x/3.x through the v1 compatibility API).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_DIR = join(REPO_ROOT, 'grafana', 'dashboards');

// Dashboards are untyped JSON read from disk; the tests check their shape.
export type Json = Record<string, any>;

export interface LoadedDashboard {
  file: string;
  json: Json;
}

export interface DashboardQuery {
  /** Dashboard file name, e.g. `rates.json`. */
  file: string;
  /** Human-readable location for failure messages: `panel "CPU" target B`, `variable host`. */
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  datasourceUid: string | undefined;
  rawQuery: boolean | undefined;
  resultFormat: string | undefined;
  query: string;
  /** Relative time override of the panel (`7d`), if any. */
  timeFrom: string | undefined;
}

export function loadDashboards(dir = DASHBOARD_DIR): LoadedDashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json }));
}

/** Every panel, including the ones nested in collapsed rows. */
export function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  for (const p of (dashboard.panels ?? []) as Json[]) {
    out.push(p);
    for (const inner of (p.panels ?? []) as Json[]) out.push(inner);
  }
  return out;
}

export function extractQueries(d: LoadedDashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const panel of allPanels(d.json)) {
    for (const t of (panel.targets ?? []) as Json[]) {
      out.push({
        file: d.file,
        where: `panel "${panel.title}" target ${t.refId}`,
        kind: 'panel',
        datasourceUid: t.datasource?.uid ?? panel.datasource?.uid,
        rawQuery: t.rawQuery,
        resultFormat: t.resultFormat,
        query: t.query,
        timeFrom: panel.timeFrom,
      });
    }
  }
  for (const v of (d.json.templating?.list ?? []) as Json[]) {
    if (v.type !== 'query') continue;
    out.push({
      file: d.file,
      where: `variable ${v.name}`,
      kind: 'variable',
      datasourceUid: v.datasource?.uid,
      rawQuery: true,
      resultFormat: undefined,
      query: typeof v.query === 'string' ? v.query : v.query?.query,
      timeFrom: undefined,
    });
  }
  for (const a of (d.json.annotations?.list ?? []) as Json[]) {
    if (a.builtIn) continue;
    out.push({
      file: d.file,
      where: `annotation "${a.name}"`,
      kind: 'annotation',
      datasourceUid: a.datasource?.uid,
      rawQuery: a.target?.rawQuery ?? true,
      resultFormat: a.target?.resultFormat,
      query: a.query,
      timeFrom: undefined,
    });
  }
  return out;
}

export interface MacroValues {
  /** Replaces `$timeFilter` / `$__timeFilter`. Default `time > now() - 1h`. */
  timeFilter?: string;
  /** Replaces `$__interval` / `$interval`. Default `10s`. */
  interval?: string;
  /**
   * Template variables by name (`host`, `container`), as the regex alternatives Grafana would
   * put between `/^` and `$/`. Unlisted variables become `.*` (Grafana's "All" here).
   */
  vars?: Record<string, string>;
}

function intervalMs(interval: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(interval);
  if (!m) throw new Error(`interval "${interval}" is not like 10s, 5m, 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Expands the Grafana macros and variables the dashboards use into plain InfluxQL. */
export function substituteMacros(query: string, values: MacroValues = {}): string {
  const timeFilter = values.timeFilter ?? 'time > now() - 1h';
  const interval = values.interval ?? '10s';
  const vars = values.vars ?? {};
  return query
    .replace(/\$__timeFilter\b|\$timeFilter\b/g, timeFilter)
    .replace(/\$__interval_ms\b/g, String(intervalMs(interval)))
    .replace(/\$__interval\b|\$interval\b/g, interval)
    .replace(/\$__from\b/g, String(Date.now() - 3_600_000))
    .replace(/\$__to\b/g, String(Date.now()))
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      return vars[name] ?? '.*';
    });
}

/** True when a substituted query still holds a Grafana variable or macro. */
export function hasUnexpandedMacro(query: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(query);
}
