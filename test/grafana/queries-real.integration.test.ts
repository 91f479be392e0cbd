// The dashboards against what cgflux REALLY writes, with no exemption: `cgflux run --config` samples
// real test containers every second and writes through its influxdb_v1 output into a fresh database
// of the real InfluxDB 1.x; the containers feed every panel (limits, healthcheck, compose labels,
// direct-I/O writes on a throttled disk, ping on lo, an OOM-kill loop, one started mid-run). Then the
// 1.x downsampling (the continuous queries' bodies, run once over the run) fills the capacity
// dashboard's database. Every panel, variable and annotation query of every dashboard, macros and
// variables substituted, must return at least one series with a value. A renamed field or tag in the
// encoder, a collector or a continuous query breaks this test, not a dashboard at 3 a.m.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_LABEL, requireDocker, requireInfluxV1 } from '../support/services.js';
import { TEST_RUN, removeContainer, startContainer, uniqueName } from '../support/docker.js';
import { extractQueries, loadDashboards, substituteMacros, type DashboardQuery } from './queries.js';
import { emptyColumns, influxExec, influxQuery, numbers, seriesWithData, type InfluxSeries } from './influx-v1.js';
import { createDownsampledDatabase, runDownsampling } from './downsample-v1.js';
import { OUTPUT_NAME, startDaemon } from './real-daemon.js';
import { COMPOSE, LIMITS, OOM_LIMIT, startFeeders, waitForOomRounds, type Feeders } from './real-feeders.js';

const DB = `cgflux_test_real_${process.pid}`;
const DS_DB = `cgflux_test_real_ds_${process.pid}`;
const HOST = `dash-${process.pid}`;
/** Long enough for the OOM container's counts (read every tick: it has a limit) to move across several ticks. */
const MIN_RUN_MS = 14_000;
const MAX_RUN_MS = 45_000;
const DOWNSAMPLED_UID = 'cgflux-influxdb-downsampled';
const LATE_EXIT_CODE = 3;

const since = (ms: number) => `time >= ${ms}ms`;

/** Evidence, straight from the raw database while the daemon runs, that the feeders got through. */
async function missingEvidence(f: Feeders, late: string | undefined, start: number): Promise<string[]> {
  const rate = (field: string, m: string, where: string) =>
    `SELECT non_negative_derivative(max("${field}"), 1s) FROM "${m}" WHERE ${where} AND ${since(start)} GROUP BY time(1s) fill(none)`;
  const positive = async (q: string) => numbers((await influxQuery(q, DB)).series).some((v) => v > 0);
  const probes: Record<string, () => Promise<boolean>> = {
    'disk writes on the throttled device': () => positive(rate('io_service_bytes_recursive_write', 'docker_container_blkio', `"container_name" = '${f.names.disk}' AND "device" = '${f.disk.majMin}'`)),
    'ping on lo': () => positive(rate('rx_bytes', 'docker_container_net', `"container_name" = '${f.names.ping}' AND "network" = 'lo'`)),
    'oom_events growing': () => positive(`SELECT non_negative_difference(max("oom_events")) FROM "docker_container_mem" WHERE "container_name" = '${f.names.oom}' AND ${since(start)} GROUP BY time(1s) fill(none)`),
    "Docker's oom event": async () => seriesWithData((await influxQuery(`SELECT "message" FROM "docker_container_event" WHERE "container_name" = '${f.names.oom}' AND "action" = 'oom'`, DB)).series).length > 0,
    'the late start and die events': async () => late !== undefined && seriesWithData((await influxQuery(`SELECT "message" FROM "docker_container_event" WHERE "container_name" = '${late}' AND ("action" = 'start' OR "action" = 'die') GROUP BY "action"`, DB)).series).length === 2,
  };
  const missing: string[] = [];
  for (const [what, probe] of Object.entries(probes)) if (!(await probe())) missing.push(what);
  return missing;
}

describe('every dashboard query on real cgflux data written through influxdb_v1', () => {
  const containers: string[] = [];
  const late = uniqueName('dash-late');
  let feeders: Feeders;
  let dir = '';
  let runStart = 0;
  let runEnd = 0;
  let downsampled: Record<string, number> = {};

  before(async () => {
    await requireDocker();
    await requireInfluxV1();
    dir = mkdtempSync(join(tmpdir(), 'cgflux-dash-'));
    feeders = await startFeeders(containers);
    runStart = Date.now();
    const daemon = startDaemon({ dir, database: DB, hostname: HOST, includeLabel: `${TEST_LABEL}=${TEST_RUN}` });
    let lateStarted: string | undefined;
    let missing: string[] = [];
    try {
      // Started mid-run, after the OOM rounds, and exits with 3 a few seconds later: start and die
      // events (with exit_code), newer than every `oom` event.
      await waitForOomRounds(feeders, MAX_RUN_MS);
      containers.push(await startContainer({ name: late, script: `sleep 3; exit ${LATE_EXIT_CODE}` }));
      lateStarted = late;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const elapsed = Date.now() - runStart;
        if (elapsed < MIN_RUN_MS) continue;
        missing = await missingEvidence(feeders, lateStarted, runStart);
        if (missing.length === 0 || elapsed > MAX_RUN_MS) break;
      }
    } finally {
      const code = await daemon.stop();
      assert.equal(code, 0, `cgflux run exited with ${String(code)}:\n${daemon.stderr().slice(-2000)}`);
    }
    runEnd = Date.now();
    if (missing.length) {
      const [oom] = await influxExec(`SELECT "oom_events", "oom_kill", "fail_count" FROM "docker_container_mem" WHERE "container_name" = '${feeders.names.oom}'`, DB);
      const counters = (oom?.values ?? []).map((v) => v.slice(1).join('/')).join(' ');
      assert.fail(`after ${runEnd - runStart} ms these never showed up in ${DB}: ${missing.join('; ')}\n  oom container oom_events/oom_kill/fail_count per tick: ${counters}`);
    }
    await createDownsampledDatabase(DS_DB);
    downsampled = await runDownsampling(DB, DS_DB, runStart, runEnd);
  });

  after(async () => {
    for (const id of containers) await removeContainer(id);
    await influxQuery(`DROP DATABASE "${DB}"`);
    await influxQuery(`DROP DATABASE "${DS_DB}"`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A query as Grafana would send it for this run: the range covers the run, unaligned like Grafana's. */
  function expand(q: DashboardQuery, vars: Record<string, string> = {}): { sql: string; db: string } {
    const capacity = q.datasourceUid === DOWNSAMPLED_UID;
    const sql = substituteMacros(q.query, {
      timeFilter: `time >= ${runStart - (capacity ? 3_600_000 : 60_000)}ms AND time <= ${runEnd + 60_000}ms`,
      // Raw: one bucket per tick, so rates get two buckets even in seconds; capacity: the 5-minute windows.
      interval: capacity ? '5m' : '1s',
      vars: { host: HOST, container: '.*', ...vars },
    });
    return { sql, db: capacity ? DS_DB : DB };
  }

  const queries = loadDashboards().flatMap(extractQueries);
  function find(file: string, where: string): DashboardQuery {
    const q = queries.find((x) => x.file === file && x.where.startsWith(where));
    assert.ok(q, `no query "${where}" in ${file}`);
    return q;
  }
  async function run(file: string, where: string, vars: Record<string, string> = {}): Promise<InfluxSeries[]> {
    const { sql, db } = expand(find(file, where), vars);
    const r = await influxQuery(sql, db);
    assert.equal(r.error, undefined, sql);
    return seriesWithData(r.series);
  }

  test('cgflux wrote the run through its influxdb_v1 output, and the continuous queries aggregated it', async () => {
    const [written] = await influxExec(`SELECT last("points_written") FROM "cgflux_internal" WHERE "output" = '${OUTPUT_NAME}' AND "host" = '${HOST}'`, DB);
    const points = Number(written?.values[0]?.[1]);
    assert.ok(points > 500, `points_written of output ${OUTPUT_NAME}: ${points}`);
    const measurements = (await influxExec('SHOW MEASUREMENTS', DB))[0]?.values.map((v) => v[0]);
    assert.deepEqual(measurements, [
      'cgflux_internal', 'docker_container_blkio', 'docker_container_context_switches', 'docker_container_cpu', 'docker_container_event',
      'docker_container_health', 'docker_container_mem', 'docker_container_net', 'docker_container_pids', 'docker_container_process', 'docker_container_psi',
      'docker_container_status', 'host_cpu', 'host_mem',
    ]);
    for (const [cq, n] of Object.entries(downsampled)) assert.ok(n > 0, `${cq} wrote ${n} points`);
  });

  test('every panel, variable and annotation query of every dashboard returns data, in every column', async (t) => {
    assert.ok(queries.length > 70, `only ${queries.length} queries`);
    const failures: string[] = [];
    let seriesTotal = 0;
    const perFile: Record<string, { queries: number; series: number }> = {};
    for (const q of queries) {
      const { sql, db } = expand(q);
      const r = await influxQuery(sql, db);
      const withData = seriesWithData(r.series).length;
      if (r.error) failures.push(`${q.file} ${q.where}: ${r.error}\n    ${sql}`);
      else if (withData === 0) failures.push(`${q.file} ${q.where}: no data\n    ${sql}`);
      else if (emptyColumns(r.series).length) failures.push(`${q.file} ${q.where}: no value in ${emptyColumns(r.series).join(', ')}\n    ${sql}`);
      seriesTotal += withData;
      const f = (perFile[q.file] ??= { queries: 0, series: 0 });
      f.queries++;
      f.series += withData;
    }
    const events = await influxExec('SELECT count("message") FROM "docker_container_event" GROUP BY "container_name", "action"', DB);
    const eventCounts = events.map((s) => `${s.tags?.container_name} ${s.tags?.action} ${String(s.values[0]?.[1])}`).join(', ');
    t.diagnostic(`run ${runEnd - runStart} ms; ${queries.length} queries, ${seriesTotal} series with data; ${JSON.stringify(perFile)}; downsampled ${JSON.stringify(downsampled)}; events ${eventCounts}`);
    assert.deepEqual(failures, []);
  });

  test('per-device disk panels show the throttled disk with both reads and writes of the dd container', async () => {
    const vars = { container: feeders.names.disk };
    for (const title of ['Disk bytes per second, per device', 'Disk operations per second, per device']) {
      const series = await run('container-detail.json', `panel "${title}"`, vars);
      const disk = series.filter((s) => s.tags?.device === feeders.disk.majMin);
      assert.equal(disk.length, 1, `${title}: ${JSON.stringify(series.map((s) => s.tags))}`);
      assert.equal(disk[0]?.tags?.device_name, feeders.disk.name);
      assert.ok(Math.max(...numbers(disk, 'write')) > 0, `${title}: no write`);
      assert.ok(Math.max(...numbers(disk, 'read')) > 0, `${title}: no read`);
    }
    const bytes = await run('container-detail.json', 'panel "Disk bytes per second, per device"', vars);
    // 8 MiB per dd round: even on a busy disk some second moves more than 1 MiB.
    assert.ok(Math.max(...numbers(bytes, 'write')) > 1024 * 1024, `peak write ${Math.max(...numbers(bytes, 'write'))} B/s`);
  });

  test('per-interface network panel shows the ping on lo', async () => {
    const series = await run('container-detail.json', 'panel "Network bytes per second, per interface"', { container: feeders.names.ping });
    assert.deepEqual(series.map((s) => s.tags?.network), ['lo']);
    // 5 echo requests a second of 84 bytes on the wire, each seen twice on lo (request and reply).
    const rx = numbers(series, 'rx');
    assert.ok(Math.max(...rx) >= 500 && Math.max(...rx) < 5000, `lo rx ${rx.join(',')} B/s`);
    assert.deepEqual(numbers(series, 'rx'), numbers(series, 'tx'), 'on lo every byte sent is received');
  });

  test('OOM panels: the kill loop shows in oom_events, oom_kill and as Docker oom events', async () => {
    const vars = { container: feeders.names.oom };
    const perInterval = await run('rates.json', 'panel "OOM events per interval"', vars);
    assert.ok(Math.max(...numbers(perInterval, 'oom')) >= 1);
    assert.ok(Math.max(...numbers(perInterval, 'oom kill')) >= 1);
    assert.ok(Math.max(...numbers(await run('container-detail.json', 'panel "OOM events in range"', vars))) >= 1);
    const events = await run('rates.json', 'panel "OOM events reported by Docker"', vars);
    assert.ok((events[0]?.values.length ?? 0) >= 1);
    assert.deepEqual(events[0]?.columns, ['time', 'container_name', 'host', 'message']);
    assert.deepEqual(events[0]?.values[0]?.slice(1), [feeders.names.oom, HOST, 'the kernel OOM killer killed a process of this container']);
    const [mem] = await influxExec(`SELECT last("limit"), last("oom_kill") FROM "docker_container_mem" WHERE "container_name" = '${feeders.names.oom}'`, DB);
    assert.equal(mem?.values[0]?.[1], OOM_LIMIT);
    assert.ok(Number(mem?.values[0]?.[2]) >= 1);
  });

  test('the limited container shows its limits, health and compose service; the late one its start and die events', async () => {
    const cpu = await influxExec(`SELECT last("limit_cpus") FROM "docker_container_cpu" WHERE "container_name" = '${feeders.names.limited}'`, DB);
    assert.equal(cpu[0]?.values[0]?.[1], LIMITS.cpus);
    const mem = await influxExec(`SELECT last("limit") FROM "docker_container_mem" WHERE "container_name" = '${feeders.names.limited}'`, DB);
    assert.equal(mem[0]?.values[0]?.[1], LIMITS.memory);
    const pids = await influxExec(`SELECT last("limit") FROM "docker_container_pids" WHERE "container_name" = '${feeders.names.limited}'`, DB);
    assert.equal(pids[0]?.values[0]?.[1], LIMITS.pids);
    const health = await influxExec(`SELECT last("health_status") FROM "docker_container_health" WHERE "container_name" = '${feeders.names.limited}'`, DB);
    assert.match(String(health[0]?.values[0]?.[1]), /^(starting|healthy)$/);
    const events = await run('container-detail.json', 'panel "Events"', { container: late });
    const actions = events[0]?.values.map((v) => `${v[1]}:${v[2]}`);
    assert.deepEqual(actions?.filter((a) => /^(start|die):/.test(a)), [`die:${LATE_EXIT_CODE}`, 'start:null'], JSON.stringify(events));
  });

  test('processes tables: the limited container\'s busy shell leads by CPU and its processes show by memory', async () => {
    const cpu = await run('container-detail.json', 'panel "Top processes by CPU over the range"', { container: feeders.names.limited });
    const top = [...cpu].sort((a, b) => Math.max(...numbers([b], 'cpu')) - Math.max(...numbers([a], 'cpu')))[0];
    assert.equal(top?.tags?.process, 'sh', JSON.stringify(cpu.map((s) => s.tags)));
    const busy = numbers([top], 'cpu')[0];
    assert.ok(busy > 1 && busy <= LIMITS.cpus * 100 * 1.2, `the busy shell's mean CPU ${busy} % under a ${LIMITS.cpus} CPU quota`);
    assert.ok(numbers([top], 'pid')[0] > 0);
    const mem = await run('container-detail.json', 'panel "Top processes by memory over the range"', { container: feeders.names.limited });
    assert.ok(mem.length >= 1 && Math.min(...numbers(mem, 'rss max')) > 0, JSON.stringify(mem));
  });

  test('hosts overview: the late container shows as exited with its exit code, its status rows go on after it exited', async () => {
    const states = await run('hosts-overview.json', 'panel "Container states (last reported)"');
    const row = (name: string) => {
      const s = states.find((x) => x.tags?.container_name === name);
      return s && Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]?.[i]]));
    };
    const lateRow = row(late);
    assert.ok(lateRow, JSON.stringify(states.map((s) => s.tags)));
    assert.equal(lateRow.state, 'exited');
    assert.equal(lateRow.exit_code, LATE_EXIT_CODE);
    assert.equal(lateRow.oom_killed, false);
    assert.ok(Number(lateRow.finished_at) >= runStart && Number(lateRow.finished_at) <= runEnd, `finished_at ${lateRow.finished_at}`);
    assert.equal(row(feeders.names.limited)?.state, 'running');
    const [exitedRows] = await influxExec(`SELECT count("uptime_ns") FROM "docker_container_status" WHERE "container_name" = '${late}' AND "state" = 'exited'`, DB);
    assert.ok(Number(exitedRows?.values[0]?.[1]) >= 1, 'status rows after the late container exited');
  });

  test('capacity dashboard: limits and compose service come through the downsampling', async () => {
    const cpu = await run('capacity.json', 'panel "CPU per container, last 7 days');
    const limited = cpu.find((s) => s.tags?.container_name === feeders.names.limited);
    assert.ok(limited, JSON.stringify(cpu.map((s) => s.tags)));
    assert.equal(numbers([limited], 'limit')[0], LIMITS.cpus);
    const p95 = numbers([limited], 'p95')[0] as number;
    assert.ok(p95 > 0 && p95 <= LIMITS.cpus * 1.2, `p95 ${p95} CPUs under a ${LIMITS.cpus} CPU quota`);
    const mem = await run('capacity.json', 'panel "Memory working set per container, last 30 days');
    assert.equal(numbers(mem.filter((s) => s.tags?.container_name === feeders.names.oom), 'limit')[0], OOM_LIMIT);
    const services = await run('capacity.json', 'panel "Per compose service (one replica), last 7 days" target B');
    assert.deepEqual(services.map((s) => s.tags), [{ compose_project: COMPOSE.project, compose_service: COMPOSE.service }]);
    assert.equal(numbers(services, 'mem limit')[0], LIMITS.memory);
    const growers = await run('capacity.json', 'panel "Top 10 growers: working set');
    assert.equal(growers.length, containers.length, 'every container is listed (one day of data: growth 0)');
    const oneUtcDay = new Date(runStart - 3_600_000).toISOString().slice(0, 10) === new Date(runEnd).toISOString().slice(0, 10);
    if (oneUtcDay) assert.deepEqual([...new Set(numbers(growers, 'growth'))], [0]);
  });
});
