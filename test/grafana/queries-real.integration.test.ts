// The dashboards against what cgflux REALLY writes: the daemon samples real test containers (with
// limits, a healthcheck, a container started mid-run for events) for a few seconds, its line
// protocol goes into the real InfluxDB 1.x, and every raw-data dashboard query must run and — except
// the few that this machine cannot feed, each with its reason — return data. A renamed field or
// tag in the encoder or a collector breaks this test, not a dashboard at 3 a.m.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INFLUX_V1_URL, requireDocker, requireInfluxV1 } from '../support/services.js';
import { removeContainer, startContainer, uniqueName } from '../support/docker.js';
import { REPO_ROOT, extractQueries, loadDashboards, substituteMacros } from './queries.js';

const DB = `cgflux_test_real_${process.pid}`;
const HOST = `dash-${process.pid}`;
const RUN_MS = 6000;

/** Queries that cannot return data on this machine, and why. Everything else must. */
const EMPTY_HERE: Record<string, string> = {
  'panel "Disk bytes per second, per device"': 'busybox containers do no block I/O the v1 blkio controller attributes to a device',
  'panel "Disk operations per second, per device"': 'same: only the device=total row is written when no device has counters',
  'panel "Network bytes per second, per interface"': 'test containers run with --network none: only lo, which is excluded',
  'panel "OOM events reported by Docker"': 'no container is OOM-killed here',
};

async function influx(q: string): Promise<any> {
  const res = await fetch(`${INFLUX_V1_URL}/query`, { method: 'POST', body: new URLSearchParams({ q, db: DB }) });
  return res.json();
}

/** Runs the daemon for RUN_MS with stdout output; `during` runs after the first ticks. */
async function runDaemon(spoolDir: string, during: () => Promise<void>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'run',
    '--output', 'stdout', '--interval', '1s', '--hostname', HOST, '--spool-dir', spoolDir, '--no-http'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise((r) => setTimeout(r, RUN_MS / 2));
  await during();
  await new Promise((r) => setTimeout(r, RUN_MS / 2));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
  if (code === 'timeout') child.kill('SIGKILL');
  assert.equal(code, 0, `cgflux run exited with ${String(code)}:\n${stderr.slice(-2000)}`);
  return stdout;
}

describe('dashboard queries against real cgflux output', () => {
  const containers: string[] = [];
  const names = { limited: uniqueName('dash-limited'), late: uniqueName('dash-late') };
  let spoolDir = '';
  let written = 0;

  before(async () => {
    await requireDocker();
    await requireInfluxV1();
    spoolDir = mkdtempSync(join(tmpdir(), 'cgflux-dash-'));
    await influx(`CREATE DATABASE "${DB}"`);
    containers.push(await startContainer({
      name: names.limited,
      labels: { 'com.docker.compose.project': 'dash', 'com.docker.compose.service': 'limited' },
      flags: ['--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', '--health-cmd', 'true', '--health-interval', '1s'],
      script: 'while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.2; done',
    }));
    const lines = await runDaemon(spoolDir, async () => {
      containers.push(await startContainer({ name: names.late }));
    });
    const mine = lines.split('\n').filter((l) => l.includes(`host=${HOST}`));
    written = mine.length;
    const res = await fetch(`${INFLUX_V1_URL}/write?db=${DB}&precision=ns`, { method: 'POST', body: mine.join('\n') });
    assert.equal(res.status, 204, await res.text());
  });

  after(async () => {
    for (const id of containers) await removeContainer(id);
    await influx(`DROP DATABASE "${DB}"`).catch(() => undefined);
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  });

  test('every raw-data dashboard query runs on what cgflux wrote and returns data', async () => {
    assert.ok(written > 50, `cgflux wrote only ${written} lines for host ${HOST}`);
    const queries = loadDashboards().flatMap(extractQueries).filter((q) => q.file !== 'capacity.json');
    const failures: string[] = [];
    const unexpectedlyFed: string[] = [];
    for (const q of queries) {
      // One bucket per tick, so rates have two buckets to differ even in a few seconds of data.
      const sql = substituteMacros(q.query, { interval: '1s', vars: { host: HOST, container: '.*' } });
      const json = await influx(sql);
      const error = json.error ?? json.results?.[0]?.error;
      const hasData = (json.results?.[0]?.series?.length ?? 0) > 0;
      const excused = Object.keys(EMPTY_HERE).find((k) => q.where.startsWith(k));
      if (error) failures.push(`${q.file} ${q.where}: ${error}\n    ${sql}`);
      else if (!hasData && !excused) failures.push(`${q.file} ${q.where}: no data\n    ${sql}`);
      else if (hasData && excused) unexpectedlyFed.push(`${q.file} ${q.where}`);
    }
    assert.deepEqual(failures, []);
    // Not a failure of the dashboards, but the excuse list must not hide working panels for long.
    if (unexpectedlyFed.length) console.log(`now fed here, remove from EMPTY_HERE: ${unexpectedlyFed.join('; ')}`);
  });

  test('the limited container shows its limits, health and compose service; the late one its start event', async () => {
    const cpu = await influx(`SELECT last("limit_cpus") FROM "docker_container_cpu" WHERE "container_name" = '${names.limited}'`);
    assert.equal(cpu.results[0].series?.[0]?.values[0][1], 0.5);
    const mem = await influx(`SELECT last("limit") FROM "docker_container_mem" WHERE "container_name" = '${names.limited}'`);
    assert.equal(mem.results[0].series?.[0]?.values[0][1], 64 * 1024 * 1024);
    const health = await influx(`SELECT last("health_status") FROM "docker_container_health" WHERE "container_name" = '${names.limited}'`);
    assert.match(String(health.results[0].series?.[0]?.values[0][1]), /^(starting|healthy)$/);
    const svc = await influx(`SHOW TAG VALUES FROM "docker_container_cpu" WITH KEY = "compose_service" WHERE "container_name" = '${names.limited}'`);
    assert.equal(svc.results[0].series?.[0]?.values[0][1], 'limited');
    const events = await influx(`SELECT "message" FROM "docker_container_event" WHERE "container_name" = '${names.late}' AND "action" = 'start'`);
    assert.equal(events.results[0].series?.[0]?.values.length, 1, JSON.stringify(events));
  });
});
