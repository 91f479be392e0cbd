// The InfluxDB 1.x continuous queries (deploy/influxdb/v1/continuous-queries.influxql) run on the
// real InfluxDB 1.x, produce the right 5-minute aggregates, and produce every field the capacity
// dashboard reads; the InfluxDB 2.x Flux task writes the same measurement/field names.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INFLUX_V1_URL, requireInfluxV1 } from '../support/services.js';
import { REPO_ROOT, extractQueries, loadDashboards } from '../grafana/queries.js';

const CQ_FILE = join(REPO_ROOT, 'deploy', 'influxdb', 'v1', 'continuous-queries.influxql');
const FLUX_FILE = join(REPO_ROOT, 'deploy', 'influxdb', 'tasks', 'downsample-5m.flux');
const RAW_DB = `cgflux_test_raw_${process.pid}`;
const DS_DB = `cgflux_test_ds_${process.pid}`;

interface ContinuousQuery {
  name: string;
  statement: string;
  select: string;
}

function statements(): string[] {
  return readFileSync(CQ_FILE, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

function continuousQueries(): ContinuousQuery[] {
  return statements()
    .filter((s) => s.startsWith('CREATE CONTINUOUS QUERY'))
    .map((statement) => {
      const m = /^CREATE CONTINUOUS QUERY "(\w+)" ON "cgflux" .* BEGIN (SELECT .*) END$/s.exec(statement);
      assert.ok(m, `unexpected continuous query: ${statement}`);
      return { name: m[1] as string, statement, select: m[2] as string };
    });
}

/** measurement → field names written by the continuous queries. */
function cqOutputs(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const cq of continuousQueries()) {
    const into = /INTO "cgflux_downsampled"\."autogen"\."(\w+)"/.exec(cq.select)?.[1] as string;
    const fields = [...cq.select.matchAll(/ AS "(\w+)"/g)].map((m) => m[1] as string);
    out.set(into, new Set(fields));
  }
  return out;
}

async function influx(q: string, db?: string): Promise<any> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${INFLUX_V1_URL}/query`, { method: 'POST', body });
  const json = (await res.json()) as any;
  const err = json.error ?? json.results?.find((r: any) => r.error)?.error;
  if (err) throw new Error(`InfluxDB rejected ${q}: ${err}`);
  return json;
}

async function write(lines: string[]): Promise<void> {
  const res = await fetch(`${INFLUX_V1_URL}/write?db=${RAW_DB}&precision=s`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

describe('downsampling on InfluxDB 1.x', () => {
  // Two whole 5-minute windows, aligned, an hour ago.
  const start = Math.floor(Date.now() / 1000 / 300) * 300 - 3600;
  const end = start + 600;

  before(async () => {
    await requireInfluxV1();
    await influx(`CREATE DATABASE "${RAW_DB}"`);
    const createDs = statements().find((s) => s.startsWith('CREATE DATABASE')) as string;
    await influx(createDs.replace('"cgflux_downsampled"', `"${DS_DB}"`));
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const t = start + i * 10;
      const v = (i % 30) + 1; // 1..30 in each window
      const tags = 'host=h1,container_name=web,container_image=shop,compose_project=shop,compose_service=web';
      lines.push(`docker_container_cpu,${tags},cpu=cpu-total usage_percent=${v},limit_cpus=1.5,container_id="abc" ${t}`);
      lines.push(`docker_container_cpu,${tags},cpu=cpu0 usage_total=${i}i ${t}`);
      lines.push(`docker_container_mem,${tags} working_set=${v * 1000}i,limit=1000000i,container_id="abc" ${t}`);
      lines.push(`host_cpu,host=h1 usage_percent=${v / 2},online_cpus=4i ${t}`);
      lines.push(`host_mem,host=h1 used=${v * 100}i,total=8000i ${t}`);
    }
    await write(lines);
  });

  after(async () => {
    await influx(`DROP DATABASE "${RAW_DB}"`).catch(() => undefined);
    await influx(`DROP DATABASE "${DS_DB}"`).catch(() => undefined);
  });

  test('InfluxDB 1.x accepts every CREATE CONTINUOUS QUERY as written', async () => {
    const cqs = continuousQueries();
    assert.deepEqual(cqs.map((c) => c.name), ['cgflux_cpu_5m', 'cgflux_mem_5m', 'cgflux_host_cpu_5m', 'cgflux_host_mem_5m']);
    for (const cq of cqs) {
      const local = cq.statement.replace('ON "cgflux"', `ON "${RAW_DB}"`).replace(`"${cq.name}"`, `"${cq.name}_${process.pid}"`);
      await influx(local.replaceAll('"cgflux_downsampled"', `"${DS_DB}"`));
    }
    const shown = await influx('SHOW CONTINUOUS QUERIES');
    const mine = shown.results[0].series.find((s: any) => s.name === RAW_DB);
    assert.equal(mine?.values.length, 4);
    for (const cq of cqs) await influx(`DROP CONTINUOUS QUERY "${cq.name}_${process.pid}" ON "${RAW_DB}"`);
  });

  test('the aggregates are the 5-minute mean, max and p95, keeping every tag', async () => {
    for (const cq of continuousQueries()) {
      const bounded = cq.select
        .replaceAll('"cgflux_downsampled"', `"${DS_DB}"`)
        .replace(/ (WHERE (.*?) )?GROUP BY/, (_m, _w, cond: string | undefined) =>
          ` WHERE ${cond ? `${cond} AND ` : ''}time >= ${start}s AND time < ${end}s GROUP BY`);
      await influx(bounded, RAW_DB);
    }
    const cpu = await influx('SELECT * FROM "docker_container_cpu_5m"', DS_DB);
    const series = cpu.results[0].series[0];
    const rows = series.values.map((v: unknown[]) => Object.fromEntries(series.columns.map((c: string, i: number) => [c, v[i]])));
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.equal(r.usage_percent_mean, 15.5);
      assert.equal(r.usage_percent_max, 30);
      assert.equal(r.usage_percent_p95, 29);
      assert.equal(r.limit_cpus, 1.5);
      assert.equal(r.cpu, 'cpu-total', 'only the cpu-total rows are aggregated');
      assert.equal(r.compose_service, 'web');
      assert.equal(r.container_name, 'web');
    }
    const mem = await influx('SELECT "working_set_mean", "working_set_max", "working_set_p95", "limit" FROM "docker_container_mem_5m"', DS_DB);
    assert.deepEqual(mem.results[0].series[0].values[0].slice(1), [15500, 30000, 29000, 1000000]);
    const host = await influx('SELECT "usage_percent_mean", "online_cpus" FROM "host_cpu_5m"', DS_DB);
    assert.deepEqual(host.results[0].series[0].values[0].slice(1), [7.75, 4]);
    const hostMem = await influx('SELECT "used_mean", "used_max", "total" FROM "host_mem_5m"', DS_DB);
    assert.deepEqual(hostMem.results[0].series[0].values[0].slice(1), [1550, 3000, 8000]);
  });

  test('every field the capacity dashboard reads is written by the continuous queries', () => {
    const outputs = cqOutputs();
    const capacity = loadDashboards().find((d) => d.file === 'capacity.json');
    assert.ok(capacity);
    let checked = 0;
    for (const q of extractQueries(capacity)) {
      for (const m of q.query.matchAll(/SELECT ((?:(?! FROM ).)*) FROM "(\w+_5m)"/g)) {
        const fields = outputs.get(m[2] as string);
        assert.ok(fields, `${q.where} reads ${m[2]}, which no continuous query writes`);
        for (const f of (m[1] as string).matchAll(/\w+\("(\w+)"/g)) {
          assert.ok(fields.has(f[1] as string), `${q.where} reads ${m[2]}.${f[1]}, not written`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 20, `only ${checked} field references checked`);
  });

  test('the InfluxDB 2.x Flux task writes the same measurements and fields', () => {
    const flux = readFileSync(FLUX_FILE, 'utf8');
    const fromFlux = new Map<string, Set<string>>();
    for (const m of flux.matchAll(/^downsample\(measurement: "\w+", fields: \["(\w+)"\], into: "(\w+)", fn: \w+, suffix: "(\w*)"/gm)) {
      const [, field, into, suffix] = m as unknown as [string, string, string, string];
      if (!fromFlux.has(into)) fromFlux.set(into, new Set());
      fromFlux.get(into)?.add(suffix ? `${field}_${suffix}` : field);
    }
    const outputs = cqOutputs();
    assert.deepEqual([...fromFlux.keys()].sort(), [...outputs.keys()].sort());
    for (const [m, fields] of outputs) assert.deepEqual([...(fromFlux.get(m) ?? [])].sort(), [...fields].sort(), m);
  });
});
