// Reading what the daemon wrote back from the real servers, as timestamps per measurement per
// container, so tests can count points exactly and check their timestamps.
//   VictoriaMetrics names a line-protocol field `<measurement>_<field>`, tags become labels, string
//   fields (container_id) are not stored; export returns raw samples, duplicates included.
//   InfluxDB 1.x is asked with InfluxQL (epoch=ms); a duplicate there would overwrite, not add.
import { httpGet, type VictoriaExportSeries } from '../support/servers.js';

/** One always-present numeric field per measurement of the default collectors (row filter for multi-row ones). */
export const CONTAINER_MEASUREMENTS = [
  { measurement: 'docker_container_cpu', field: 'usage_total', tag: ['cpu', 'cpu-total'] },
  { measurement: 'docker_container_mem', field: 'usage' },
  { measurement: 'docker_container_blkio', field: 'io_service_bytes_recursive_total', tag: ['device', 'total'] },
  { measurement: 'docker_container_net', field: 'rx_bytes', tag: ['network', 'total'] },
  { measurement: 'docker_container_context_switches', field: 'voluntary' },
  { measurement: 'docker_container_pids', field: 'current' },
  { measurement: 'docker_container_status', field: 'uptime_ns' },
] as const satisfies readonly { measurement: string; field: string; tag?: readonly [string, string] }[];

export type Measurement = (typeof CONTAINER_MEASUREMENTS)[number]['measurement'];
/** measurement → container_name → timestamps (ms, ascending, duplicates kept). */
export type PointsByContainer = Map<string, Map<string, number[]>>;

export async function victoriaExport(url: string, selector: string): Promise<VictoriaExportSeries[]> {
  const res = await httpGet(`${url}/api/v1/export`, `match[]=${encodeURIComponent(selector)}`);
  if (res.status !== 200) throw new Error(`export ${selector} from ${url}: ${res.status} ${res.text}`);
  return res.text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as VictoriaExportSeries);
}

/** Every container point of `host` in VictoriaMetrics, per measurement and container. */
export async function victoriaPoints(url: string, host: string): Promise<PointsByContainer> {
  const out: PointsByContainer = new Map();
  for (const m of CONTAINER_MEASUREMENTS) {
    const byContainer = new Map<string, number[]>();
    out.set(m.measurement, byContainer);
    const tag = 'tag' in m ? `,${m.tag[0]}="${m.tag[1]}"` : '';
    for (const s of await victoriaExport(url, `{__name__="${m.measurement}_${m.field}",host="${host}"${tag}}`)) {
      const name = s.metric.container_name;
      byContainer.set(name, [...(byContainer.get(name) ?? []), ...s.timestamps].sort((a, b) => a - b));
    }
  }
  return out;
}

/** Number of raw samples of every series matching `selector`. */
export async function victoriaCount(url: string, selector: string): Promise<number> {
  return (await victoriaExport(url, selector)).reduce((n, s) => n + s.values.length, 0);
}

/**
 * The tick timestamps of `host` (its host_cpu points, one per tick), once VictoriaMetrics shows at
 * least `ticks` of them: it makes samples searchable a moment after it acknowledged them, and
 * after a restart it takes a few seconds more. A short pause after that lets a late duplicate show.
 */
export async function victoriaTickTimes(url: string, host: string, ticks: number, timeoutMs = 20_000): Promise<number[]> {
  const selector = `{__name__="host_cpu_usage_total",host="${host}"}`;
  const deadline = Date.now() + timeoutMs;
  while ((await victoriaCount(url, selector)) < ticks) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 1500));
  // One series, or one per value of a global tag changed by a reload: merged, duplicates kept.
  return (await victoriaExport(url, selector)).flatMap((s) => s.timestamps).sort((a, b) => a - b);
}

/** Removes a test run's series from a shared VictoriaMetrics. */
export async function victoriaDelete(url: string, selector: string): Promise<void> {
  await httpGet(`${url}/api/v1/admin/tsdb/delete_series`, `match[]=${encodeURIComponent(selector)}`);
}

interface InfluxResult {
  results: { statement_id: number; error?: string; series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
  error?: string;
}

export async function influxQuery(url: string, q: string, db?: string): Promise<InfluxResult> {
  const res = await httpGet(`${url}/query?epoch=ms${db ? `&db=${encodeURIComponent(db)}` : ''}`, `q=${encodeURIComponent(q)}`);
  if (res.status !== 200) throw new Error(`InfluxQL ${q}: ${res.status} ${res.text}`);
  const body = JSON.parse(res.text) as InfluxResult;
  const err = body.error ?? body.results.find((r) => r.error)?.error;
  if (err) throw new Error(`InfluxQL ${q}: ${err}`);
  return body;
}

/** Every container point of `host` in an InfluxDB 1.x database, per measurement and container. */
export async function influxPoints(url: string, db: string, host: string): Promise<PointsByContainer> {
  const out: PointsByContainer = new Map();
  for (const m of CONTAINER_MEASUREMENTS) {
    const byContainer = new Map<string, number[]>();
    out.set(m.measurement, byContainer);
    const tag = 'tag' in m ? ` AND "${m.tag[0]}"='${m.tag[1]}'` : '';
    const body = await influxQuery(url, `SELECT "${m.field}" FROM "${m.measurement}" WHERE "host"='${host}'${tag} GROUP BY "container_name"`, db);
    for (const s of body.results[0].series ?? []) byContainer.set(s.tags!.container_name, s.values.map((v) => Number(v[0])));
  }
  return out;
}

/** `SELECT count(field) ... GROUP BY container_name` for one measurement: container_name → count. */
export async function influxCounts(url: string, db: string, host: string, m: (typeof CONTAINER_MEASUREMENTS)[number]): Promise<Map<string, number>> {
  const tag = 'tag' in m ? ` AND "${m.tag[0]}"='${m.tag[1]}'` : '';
  const body = await influxQuery(url, `SELECT count("${m.field}") FROM "${m.measurement}" WHERE "host"='${host}'${tag} GROUP BY "container_name"`, db);
  return new Map((body.results[0].series ?? []).map((s) => [s.tags!.container_name, Number(s.values[0][1])]));
}

/** A compact per-measurement view for assertion messages: `cpu: a=20 b=19`. */
export function describePoints(points: PointsByContainer): string {
  return [...points]
    .map(([m, byC]) => `${m.replace('docker_container_', '')}: ${[...byC].map(([c, ts]) => `${c.replace(/^cgflux-e2e-/, '')}=${ts.length}`).join(' ')}`)
    .join('\n');
}

/** Timestamps that occur more than once. */
export function duplicates(ts: readonly number[]): number[] {
  return ts.filter((t, i) => i > 0 && ts[i - 1] === t);
}
