// The InfluxDB 1.x downsampling of deploy/influxdb/v1/continuous-queries.influxql, run by hand:
// continuous queries only run on their own 5-minute schedule, so a test (like an operator's
// backfill, docs/downsampling.md) runs each CQ's `SELECT … INTO … GROUP BY time(5m), *` once
// with a time range added, into a database created by the file's own CREATE DATABASE statement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { influxExec } from './influx-v1.js';
import { REPO_ROOT } from './queries.js';

export const CQ_FILE = join(REPO_ROOT, 'deploy', 'influxdb', 'v1', 'continuous-queries.influxql');
const FILE_RAW_DB = '"cgflux"';
const FILE_DOWNSAMPLED_DB = '"cgflux_downsampled"';
export const WINDOW_MS = 5 * 60_000;

function statements(): string[] {
  return readFileSync(CQ_FILE, 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface Backfill {
  name: string;
  /** The CQ's body with the databases renamed and the time range added. */
  select: string;
}

/** Adds `time` bounds to a CQ body: into its WHERE, or as a WHERE before its GROUP BY. */
function withTimeRange(select: string, fromMs: number, toMs: number): string {
  const range = `time >= ${fromMs}ms AND time < ${toMs}ms`;
  const groupBy = select.lastIndexOf(' GROUP BY time(');
  if (groupBy < 0) throw new Error(`continuous query body without GROUP BY time(): ${select}`);
  const head = select.slice(0, groupBy);
  const joiner = / WHERE /.test(head) ? ' AND ' : ' WHERE ';
  return `${head}${joiner}${range}${select.slice(groupBy)}`;
}

/**
 * The backfill statements for [fromMs, toMs), widened to whole 5-minute windows as the CQ would
 * compute them; INTO targets `downsampledDb` instead of "cgflux_downsampled".
 */
export function backfillStatements(downsampledDb: string, fromMs: number, toMs: number): Backfill[] {
  const from = Math.floor(fromMs / WINDOW_MS) * WINDOW_MS;
  const to = Math.ceil(toMs / WINDOW_MS) * WINDOW_MS;
  const out: Backfill[] = [];
  for (const s of statements()) {
    if (!s.startsWith('CREATE CONTINUOUS QUERY')) continue;
    const m = /^CREATE CONTINUOUS QUERY "(\w+)" ON "cgflux" .*? BEGIN (SELECT .*) END$/s.exec(s);
    if (!m) throw new Error(`${CQ_FILE}: unexpected continuous query: ${s}`);
    const body = (m[2] as string).split(`${FILE_DOWNSAMPLED_DB}.`).join(`"${downsampledDb}".`);
    if (body.includes(FILE_RAW_DB)) throw new Error(`continuous query ${m[1]} names the raw database in its body: ${body}`);
    out.push({ name: m[1] as string, select: withTimeRange(body, from, to) });
  }
  if (out.length === 0) throw new Error(`${CQ_FILE} holds no continuous query`);
  return out;
}

/** Creates the downsampled database with the file's own statement, renamed. */
export async function createDownsampledDatabase(downsampledDb: string): Promise<void> {
  const create = statements().find((s) => s.startsWith('CREATE DATABASE'));
  if (!create?.includes(FILE_DOWNSAMPLED_DB)) throw new Error(`${CQ_FILE} does not create ${FILE_DOWNSAMPLED_DB}`);
  await influxExec(create.replace(FILE_DOWNSAMPLED_DB, `"${downsampledDb}"`));
}

/** Runs every backfill on `rawDb`; returns the number of points each wrote. */
export async function runDownsampling(rawDb: string, downsampledDb: string, fromMs: number, toMs: number): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  for (const b of backfillStatements(downsampledDb, fromMs, toMs)) {
    const series = await influxExec(b.select, rawDb);
    written[b.name] = Number(series[0]?.values[0]?.[1] ?? 0);
  }
  return written;
}
