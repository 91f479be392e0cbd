// Every dashboard query (panels, variables, annotations), macros expanded as Grafana would, runs
// on the real InfluxDB 1.x against synthetic data of every measurement (synthetic-lines.ts) and
// returns data; a few return values are checked exactly. This checks InfluxQL syntax and
// semantics; that cgflux really writes these names is the encoder's and the sampler's tests' job.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INFLUX_V1_URL, requireInfluxV1 } from '../support/services.js';
import { extractQueries, loadDashboards, substituteMacros, type DashboardQuery } from './queries.js';
import { syntheticLines } from './synthetic-lines.js';
import { emptyColumns } from './influx-v1.js';

const DB = `cgflux_test_dashboards_${process.pid}`;

async function influx(q: string, db?: string): Promise<any> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${INFLUX_V1_URL}/query`, { method: 'POST', body });
  return res.json();
}

function expand(q: DashboardQuery, vars: Record<string, string> = {}): string {
  const long = q.file === 'capacity.json';
  return substituteMacros(q.query, {
    timeFilter: long ? 'time > now() - 30d' : 'time > now() - 1h',
    interval: long ? '1h' : '10s',
    vars,
  });
}

/** Rows of the first series named by its tags, as objects (column → value), last row only. */
function lastRows(json: any): Array<Record<string, unknown>> {
  const series = (json.results?.[0]?.series ?? []) as Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  return series.map((s) => {
    const last = s.values[s.values.length - 1] ?? [];
    return { ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, last[i]])) };
  });
}

describe('dashboard queries on InfluxDB 1.x', () => {
  const queries = loadDashboards().flatMap(extractQueries);
  const find = (file: string, where: string): DashboardQuery => {
    const q = queries.find((x) => x.file === file && x.where.includes(where));
    assert.ok(q, `no query "${where}" in ${file}`);
    return q;
  };
  const one = async (file: string, where: string, vars: Record<string, string> = { host: 'h1' }) => lastRows(await influx(expand(find(file, where), vars), DB));

  before(async () => {
    await requireInfluxV1();
    await influx(`CREATE DATABASE "${DB}"`);
    const lines = syntheticLines(Math.floor(Date.now() / 1000));
    for (let i = 0; i < lines.length; i += 10_000) {
      const res = await fetch(`${INFLUX_V1_URL}/write?db=${DB}&precision=s`, { method: 'POST', body: lines.slice(i, i + 10_000).join('\n') });
      assert.equal(res.status, 204, await res.text());
    }
  });

  after(async () => {
    await influx(`DROP DATABASE "${DB}"`).catch(() => undefined);
  });

  test('every query runs without an error and returns data, in every column', async () => {
    assert.ok(queries.length > 70, `only ${queries.length} queries`);
    const problems: string[] = [];
    for (const q of queries) {
      const sql = expand(q);
      const json = await influx(sql, DB);
      const error = json.error ?? json.results?.[0]?.error;
      if (error) problems.push(`${q.file} ${q.where}: ${error}\n    ${sql}`);
      else if (!json.results?.[0]?.series?.length) problems.push(`${q.file} ${q.where}: no data\n    ${sql}`);
      else if (emptyColumns(json.results[0].series).length) problems.push(`${q.file} ${q.where}: no value in ${emptyColumns(json.results[0].series).join(', ')}\n    ${sql}`);
    }
    assert.deepEqual(problems, []);
  });

  test('template variables list the hosts and, for a host, its containers', async () => {
    const hosts = await influx(expand(find('rates.json', 'variable host')), DB);
    assert.deepEqual(hosts.results[0].series[0].values.map((v: string[]) => v[1]).sort(), ['h1', 'h2']);
    const containers = await influx(expand(find('rates.json', 'variable container'), { host: 'h2' }), DB);
    assert.deepEqual(containers.results[0].series[0].values.map((v: string[]) => v[1]).sort(), ['db', 'solo', 'web']);
  });

  test('counter rates come out per second', async () => {
    const faults = await one('rates.json', 'Minor page faults');
    assert.equal(faults.length, 3);
    for (const r of faults) assert.equal(Object.values(r).at(-1), 99.9);
    for (const r of await one('rates.json', 'Major page faults')) assert.equal(Object.values(r).at(-1), 0.1);
    for (const r of await one('rates.json', 'Throttled periods')) assert.equal(Object.values(r).at(-1), 5);
    for (const r of await one('rates.json', 'Voluntary context switches')) assert.equal(Object.values(r).at(-1), 5);
    const net = await one('hosts-overview.json', 'Network received per container');
    for (const r of net) assert.equal(Object.values(r).at(-1), 150);
  });

  test('overview counts running containers and sums online CPUs per chosen host', async () => {
    assert.equal((await one('hosts-overview.json', 'Containers running'))[0]?.count, 3);
    assert.equal((await one('hosts-overview.json', 'Containers running', {}))[0]?.count, 6, 'all hosts');
    assert.equal((await one('hosts-overview.json', 'Online CPUs'))[0]?.sum, 4);
  });

  test('capacity tables: p95, max, limit and headroom per container, hosts against capacity', async () => {
    const cpu = await one('capacity.json', 'CPU per container, last 30 days');
    assert.deepEqual(cpu.map((r) => r.container_name).sort(), ['db', 'solo', 'web']);
    for (const r of cpu) {
      assert.equal(r.p95, 0.39);
      assert.equal(r.max, 0.69);
      assert.equal(r.limit, 2);
      assert.equal(r['p95 % of limit'], 19.5);
      assert.ok(Math.abs((r.headroom as number) - 1.61) < 1e-9, String(r.headroom));
    }
    const capacity = await one('capacity.json', 'Headroom per host');
    assert.deepEqual(capacity, [{ host: 'h1', time: capacity[0]?.time, 'cpu capacity': 4 }]);
    const services = await one('capacity.json', 'Per compose service (one replica), last 30 days');
    assert.deepEqual(services.map((r) => `${r.compose_project}/${r.compose_service}`).sort(), ['shop/db', 'shop/web']);
    const growth = await one('capacity.json', 'Top 10 growers: working set');
    assert.equal(growth.length, 3);
    for (const r of growth) assert.ok((r.growth as number) > 2_000_000, `growth ${r.growth}`);
  });
});
