// Delivery never stalls, against the REAL InfluxDB 1.6.7: (a) a spool holding points older than
// the retention policy beside current ones (spooled by cgflux itself while the server was out of
// reach, the ticks' clock set back 3 h); (b) a field type conflict created beforehand on one
// measurement. Exactly the rejected points are dropped and counted by reason, the rest arrives.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LineEncoder } from '../../src/encode/index.js';
import type { ContainerInfo, Row, Sample } from '../../src/model.js';
import { Output } from '../../src/output/output.js';
import { INFLUX_V1_URL, requireInfluxV1 } from '../support/services.js';
import { freePort, httpGet } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, tempSpool, v1Config, waitFor } from './helpers.js';

const suffix = `${process.pid}_${Date.now().toString(36)}`;
const databases: string[] = [];
const HOUR = 3_600_000;

async function influxql(db: string, q: string): Promise<{ results: { series?: { name: string; values: unknown[][] }[]; error?: string }[] }> {
  const res = await httpGet(`${INFLUX_V1_URL}/query?db=${db}`, `q=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text);
}

async function count(db: string, measurement: string, field: string): Promise<number> {
  const res = await influxql(db, `SELECT count("${field}") FROM "${measurement}"`);
  return Number(res.results[0].series?.[0]?.values[0]?.[1] ?? 0);
}

function container(i: number): ContainerInfo {
  return { id: `${i}`.padStart(64, 'c'), name: `web-${i}`, image: 'nginx', imageTag: '1.25', labels: {}, state: 'running', pid: 100 + i, restartCount: 0, oomKilled: false, exitCode: 0 };
}

/** One tick of `containers` containers: a cpu, a mem and a net row each (3 points per container). */
function tick(containers: number, k: number): Sample[] {
  return Array.from({ length: containers }, (_, i) => ({
    container: container(i),
    rows: <Row[]>[
      { measurement: 'docker_container_cpu', tags: { cpu: 'cpu-total' }, fields: { usage_total: BigInt(1000 * k + i) } },
      { measurement: 'docker_container_mem', fields: { usage: BigInt(4096 * (k + 1) + i) } },
      { measurement: 'docker_container_net', tags: { network: 'eth0' }, fields: { rx_bytes: BigInt(10 * k + i) } },
    ],
  }));
}

const figures: string[] = [];

describe('delivery never stalls → InfluxDB 1.6.7', () => {
  before(requireInfluxV1);
  after(async () => {
    for (const db of databases) await httpGet(`${INFLUX_V1_URL}/query`, `q=${encodeURIComponent(`DROP DATABASE "${db}"`)}`).catch(() => undefined);
  });

  test('(a) retention policy 1 h, a spool with points from 3 h ago beside current ones: old dropped and counted exactly, the rest and new ticks arrive', async () => {
    const db = `cgflux_rp_${suffix}`;
    databases.push(db);
    await influxql(db, `CREATE DATABASE "${db}" WITH DURATION 1h`);
    const spool = tempSpool();
    const encoder = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
    const batch = { max_lines: 60, max_bytes: 1e6, flush_interval_ms: 10 };
    const now = Math.floor(Date.now() / 1000) * 1000;
    const containers = 10;
    const perTick = containers * 3;
    // The server out of reach: every tick stays in the spool. 12 ticks 3 h ago, 4 current ones;
    // the last old and first current tick are written together, so one batch holds both.
    const down = await freePort();
    const offline = new Output(v1Config(`http://127.0.0.1:${down}`, { name: 'influx', database: db, precision: 'ms', batch, retry: { initial_ms: 50, max_ms: 200 } }), spool, { log: captureLog() });
    const oldTicks = 12;
    for (let k = 0; k < oldTicks; k++) {
      offline.write(encoder.encode(tick(containers, k)), now - 3 * HOUR + k * 10_000);
      if (k < oldTicks - 1) await new Promise((r) => setTimeout(r, 20));
    }
    const currentTicks = 4;
    for (let k = 0; k < currentTicks; k++) {
      offline.write(encoder.encode(tick(containers, 100 + k)), now - (currentTicks - k) * 10_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await offline.flush(Date.now() + 300);
    assert.equal(offline.stats().spoolPoints, (oldTicks + currentTicks) * perTick, 'everything spooled, nothing delivered');
    await offline.close();

    // Back online with the real URL: the spool is replayed.
    const log = captureLog();
    const output = new Output(v1Config(INFLUX_V1_URL, { name: 'influx', database: db, precision: 'ms', batch, retry: { initial_ms: 50, max_ms: 60_000 } }), spool, { log });
    try {
      const started = Date.now();
      await waitFor('the spool drained', 15_000, () => output.stats().spoolPoints === 0);
      const drainedMs = Date.now() - started;
      const s = output.stats();
      assert.equal(s.pointsDropped.beyond_retention, oldTicks * perTick, 'exactly the old points, counted by reason');
      assert.equal(linesDropped(s), oldTicks * perTick, 'no other line dropped');
      assert.equal(s.pointsWritten, currentTicks * perTick);
      for (const [m, f] of [['docker_container_cpu', 'usage_total'], ['docker_container_mem', 'usage'], ['docker_container_net', 'rx_bytes']]) {
        assert.equal(await count(db, m, f), currentTicks * containers, `${m}: every current point`);
      }
      const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
      assert.equal(warn?.fields?.reason, 'beyond_retention');
      assert.match(String(warn?.fields?.first_line), /^docker_container_/);
      // New ticks keep arriving within a few seconds.
      const latencies: number[] = [];
      for (let k = 0; k < 3; k++) {
        const at = Date.now();
        output.write(encoder.encode(tick(containers, 200 + k)), at);
        const expected = (currentTicks + k + 1) * containers;
        await waitFor(`new tick ${k} stored`, 5000, async () => (await count(db, 'docker_container_cpu', 'usage_total')) === expected);
        latencies.push(Date.now() - at);
      }
      assert.equal(output.stats().pointsDropped.beyond_retention, oldTicks * perTick);
      figures.push(`retention: spooled=${(oldTicks + currentTicks) * perTick} dropped_beyond_retention=${s.pointsDropped.beyond_retention} ` +
        `delivered=${s.pointsWritten} requests=${s.requests} drained_ms=${drainedMs} new_tick_ms=${latencies.join('/')}`);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('(b) a field type conflict on one measurement: only its lines are dropped, every other measurement arrives', async () => {
    const db = `cgflux_tc_${suffix}`;
    databases.push(db);
    await influxql(db, `CREATE DATABASE "${db}"`);
    const now = Math.floor(Date.now() / 1000) * 1000;
    // Another agent wrote docker_container_mem.usage as a string first.
    const pre = await httpGet(`${INFLUX_V1_URL}/write?db=${db}&precision=ms`, `docker_container_mem,host=other usage="1 GiB" ${now - 60_000}`);
    assert.equal(pre.status, 204, pre.text);
    const spool = tempSpool();
    const log = captureLog();
    const output = new Output(v1Config(INFLUX_V1_URL, { database: db, precision: 'ms', batch: { max_lines: 100, max_bytes: 1e6, flush_interval_ms: 10 } }), spool, { log });
    const encoder = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
    try {
      const containers = 20;
      const ticks = 5;
      for (let k = 0; k < ticks; k++) output.write(encoder.encode(tick(containers, k)), now - (ticks - k) * 10_000);
      assert.equal(await output.flush(Date.now() + 20_000), true, 'nothing left in the spool');
      const s = output.stats();
      assert.equal(s.pointsDropped.type_conflict, ticks * containers, 'every mem line, and only those');
      assert.equal(linesDropped(s), ticks * containers);
      assert.equal(s.pointsWritten, ticks * containers * 2);
      assert.equal(await count(db, 'docker_container_cpu', 'usage_total'), ticks * containers);
      assert.equal(await count(db, 'docker_container_net', 'rx_bytes'), ticks * containers);
      assert.equal(await count(db, 'docker_container_mem', 'usage'), 1, "only the other agent's point");
      const warn = log.lines.find((l) => l.msg.includes('rejected lines'));
      assert.equal(warn?.fields?.reason, 'type_conflict');
      assert.match(String(warn?.fields?.first_line), /^docker_container_mem,/);
      figures.push(`type_conflict: written=${s.pointsWritten} dropped_type_conflict=${s.pointsDropped.type_conflict} requests=${s.requests}`);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('figures', () => {
    console.log(`delivery-never-stalls: ${figures.join(' | ')}`);
    assert.equal(figures.length, 2);
  });
});
