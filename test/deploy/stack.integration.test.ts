// The shipped shape, run: the cgflux service of the repo's own docker-compose.yml (its mounts,
// user, group_add, pid, read_only, init, config/compose.yaml, environment, an .env made by
// scripts/init-env.sh), started with docker-compose as the daemon beside workload containers.
// The override changes only what cannot run here: the network (host loopback instead of the
// stack's network), the InfluxDB 2 server (a private VictoriaMetrics, which speaks /api/v2/write)
// and the image (built offline as docs/deploy.md says, instead of compose's networked build).
// A host run of the same sources and config writes to the same server at the same time; the two
// must agree family by family, field by field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireDocker, TEST_LABEL, TEST_IMAGE } from '../support/services.js';
import { docker, TEST_RUN, uniqueName, waitFor } from '../support/docker.js';
import { freePort, PrivateVictoria, type VictoriaExportSeries } from '../support/servers.js';
import { BASE_IMAGE, ensureCgfluxImage, sh } from '../support/cgflux-image.js';
import { REPO_ROOT } from '../grafana/queries.js';

/** At least this long as the daemon, and until both runs delivered TICKS ticks (a loaded machine
 *  may delay a tick; the test waits for them rather than failing on a slow start). */
const RUN_MS = 30_000;
const TICKS = 3;
const RUN_LIMIT_MS = 120_000;
const INTERVAL_MS = 10_000;
const HOST_RUN_TAG = `host-run-${process.pid}`;

/** Workloads, each exercising one part of the sampler; node for threads and allocation. */
const WORKLOADS = {
  burner: { image: TEST_IMAGE, cmd: ['sh', '-c', 'while :; do :; done'] },
  threads: {
    image: BASE_IMAGE,
    cmd: ['node', '-e', "const { Worker } = require('node:worker_threads'); setInterval(() => new Worker('let x = 0; for (let i = 0; i < 1e6; i++) x += i;', { eval: true }), 300);"],
  },
  allocator: { image: BASE_IMAGE, cmd: ['node', '-e', 'let keep = []; setInterval(() => { keep.push(Buffer.alloc(4 << 20, 1)); if (keep.length > 12) keep = []; }, 250);'] },
  writer: { image: TEST_IMAGE, cmd: ['sh', '-c', 'while :; do dd if=/dev/zero of=/tmp/f bs=1M count=8 conv=fsync 2>/dev/null; rm -f /tmp/f; sleep 1; done'] },
} as const;
type Workload = keyof typeof WORKLOADS;

interface Family {
  /** field → the values of every sample, in time order, over every series of the family. */
  fields: Map<string, number[]>;
  timestamps: Set<number>;
}

/** measurement (and container, for the workloads) → fields, from a VictoriaMetrics export whose
 *  metric names are `<measurement>.<field>` (-influxMeasurementFieldSeparator=.). */
function families(series: VictoriaExportSeries[], names: Map<string, Workload>): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const s of series) {
    const name = s.metric.__name__ ?? '';
    const dot = name.indexOf('.');
    const measurement = name.slice(0, dot);
    const field = name.slice(dot + 1);
    const container = s.metric.container_name;
    // Other containers on this shared host come and go; only the workloads compare.
    if (container !== undefined && !names.has(container)) continue;
    const key = container === undefined ? measurement : `${measurement} [${names.get(container)}]`;
    const f = out.get(key) ?? { fields: new Map(), timestamps: new Set() };
    out.set(key, f);
    f.fields.set(field, [...(f.fields.get(field) ?? []), ...s.values]);
    for (const t of s.timestamps) f.timestamps.add(t);
  }
  return out;
}

function compose(project: string, files: string[], envFile: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const fileArgs = files.flatMap((f) => ['-f', f]);
  // Only PATH from the caller: no stray variable may change what compose resolves.
  return sh('docker-compose', ['--project-name', project, '--project-directory', REPO_ROOT, '--env-file', envFile, ...fileArgs, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 120_000 });
}

describe('the compose stack\'s cgflux service, run as the daemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-stack-'));
  const project = `cgfluxstack${process.pid}`;
  const envFile = join(dir, '.env');
  const override = join(dir, 'override.yml');
  const files = [join(REPO_ROOT, 'docker-compose.yml'), override];
  const names = new Map<string, Workload>();
  let vm: PrivateVictoria;
  let hostRun: ChildProcess | undefined;
  let hostRunExit: Promise<number | null> = Promise.resolve(null);
  let hostRunLog = '';
  let httpPort = 0;
  let containerId = '';
  let logs = '';
  let stack = new Map<string, Family>();
  let host = new Map<string, Family>();

  before(async () => {
    await requireDocker();
    const image = await ensureCgfluxImage();
    vm = await PrivateVictoria.create(['-influxMeasurementFieldSeparator=.']);
    httpPort = await freePort();
    // The README's way: .env from init-env.sh, which reads this host's socket group and name.
    await sh('sh', [join(REPO_ROOT, 'scripts', 'init-env.sh'), envFile]);
    writeFileSync(override, [
      'services:',
      '  cgflux:',
      `    image: ${image}`,
      '    network_mode: host',
      '    environment:',
      `      CGFLUX_OUTPUTS_INFLUXDB_URL: ${vm.url}`,
      // Host network: a port of its own, not the shared 9273 (the healthcheck keeps 9273 and so
      // stays unhealthy here; the test asks /healthz itself).
      `      CGFLUX_HTTP_LISTEN: 127.0.0.1:${httpPort}`,
      '',
    ].join('\n'));
    for (const [role, w] of Object.entries(WORKLOADS) as Array<[Workload, (typeof WORKLOADS)[Workload]]>) {
      const name = uniqueName(`stack-${role}`);
      names.set(name, role);
      await docker('run', '-d', '--name', name, '--network', 'none', '--label', `${TEST_LABEL}=${TEST_RUN}`, '--memory', '256m', w.image, ...w.cmd);
    }
    // The host run: same sources, same config file, host paths, its own host tag and spool.
    hostRun = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'run', '--config', join(REPO_ROOT, 'config', 'compose.yaml')], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        CGFLUX_HOST_PROC_ROOT: '/proc',
        CGFLUX_HOST_CGROUP_ROOT: '/sys/fs/cgroup',
        CGFLUX_HOST_SYS_ROOT: '/sys',
        CGFLUX_HOST_HOSTNAME: HOST_RUN_TAG,
        CGFLUX_SPOOL_DIR: join(dir, 'host-spool'),
        CGFLUX_HTTP_ENABLED: 'false',
        CGFLUX_OUTPUTS_INFLUXDB_URL: vm.url,
        CGFLUX_OUTPUTS_INFLUXDB_TOKEN: 'host-run',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    hostRun.stderr?.on('data', (c: Buffer) => void (hostRunLog += c.toString()));
    const child = hostRun;
    hostRunExit = new Promise((r) => child.once('exit', (code) => r(code)));
    await compose(project, files, envFile, 'up', '-d', '--no-deps', '--no-build', 'cgflux');
    containerId = (await compose(project, files, envFile, 'ps', '-q', 'cgflux')).stdout.trim();
    const upAt = Date.now();
    const burner = [...names].find(([, role]) => role === 'burner')?.[0] as string;
    const ticksOf = async (tag: string): Promise<number> =>
      (await vm.export(`{__name__="docker_container_cpu.usage_total",host=${JSON.stringify(tag)},container_name=${JSON.stringify(burner)}}`))[0]?.timestamps.length ?? 0;
    const stackTag = /^CGFLUX_HOSTNAME=(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1] ?? '';
    await waitFor(`${TICKS} delivered ticks from both runs`, RUN_LIMIT_MS, async () => {
      await new Promise((r) => setTimeout(r, 1000));
      return Date.now() - upAt >= RUN_MS && (await ticksOf(stackTag)) >= TICKS && (await ticksOf(HOST_RUN_TAG)) >= TICKS;
    }).catch(async (err: Error) => {
      const tail = await sh('docker', ['logs', '--tail', '30', containerId]).then((r) => r.stdout + r.stderr, () => '');
      throw new Error(`${err.message}: container run ${await ticksOf(stackTag)}, host run ${await ticksOf(HOST_RUN_TAG)}\n${tail}`);
    });
  });

  after(async () => {
    hostRun?.kill('SIGKILL');
    await compose(project, files, envFile, 'down', '-v', '--timeout', '5').catch(() => undefined);
    const ids = (await docker('ps', '-aq', '--filter', `label=${TEST_LABEL}=${TEST_RUN}`)).split(/\s+/).filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids).catch(() => undefined);
    await vm?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  test('it runs with the shipped settings and answers /healthz ok: the socket group came from .env', async () => {
    const inspect = JSON.parse(await docker('inspect', containerId))[0];
    const env = readFileSync(envFile, 'utf8');
    const gid = /^DOCKER_GID=(\d+)$/m.exec(env)?.[1];
    assert.equal(inspect.State.Running, true, await docker('logs', containerId).catch(() => ''));
    assert.equal(inspect.HostConfig.PidMode, 'host');
    assert.equal(inspect.HostConfig.ReadonlyRootfs, true);
    assert.equal(inspect.HostConfig.Init, true);
    assert.equal(inspect.Config.User, '10001:10001');
    assert.deepEqual(inspect.HostConfig.GroupAdd, [gid]);
    const mounts = new Map<string, { RW: boolean; Type: string }>(inspect.Mounts.map((m: { Destination: string }) => [m.Destination, m]));
    for (const target of ['/host/proc', '/host/sys/fs/cgroup', '/host/sys', '/var/run/docker.sock', '/etc/cgflux/compose.yaml']) {
      assert.equal(mounts.get(target)?.RW, false, `${target} must be mounted read-only`);
    }
    assert.equal(mounts.get('/var/lib/cgflux')?.Type, 'volume');
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal(JSON.parse(text).status, 'ok', text);
  });

  test('`docker-compose stop` flushes: exit 0, every tick delivered', async () => {
    await compose(project, files, envFile, 'stop', '--timeout', '20', 'cgflux');
    hostRun?.kill('SIGTERM');
    assert.equal(await hostRunExit, 0, hostRunLog.slice(-2000));
    const state = JSON.parse(await docker('inspect', containerId))[0].State;
    logs = await sh('docker', ['logs', containerId]).then((r) => r.stdout + r.stderr);
    assert.equal(state.ExitCode, 0, logs.slice(-3000));
    const ticks = Number(/stopped after (\d+) ticks: every point was delivered/.exec(logs)?.[1]);
    assert.ok(ticks >= TICKS, `expected ≥ ${TICKS} ticks delivered:\n${logs.slice(-3000)}`);
    // VictoriaMetrics flushes on SIGTERM: what it holds now is all it was sent.
    await vm.stop();
    await vm.start();
    const hostTag = /^CGFLUX_HOSTNAME=(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
    assert.equal(hostTag, hostname(), 'init-env.sh writes the machine name as the host tag');
    stack = families(await vm.export(`{host=${JSON.stringify(hostTag)}}`), names);
    host = families(await vm.export(`{host=${JSON.stringify(HOST_RUN_TAG)}}`), names);
    const burnerCpu = stack.get('docker_container_cpu [burner]');
    assert.ok(burnerCpu, `no cpu of the burner from the container run: ${[...stack.keys()].join(', ')}\n${logs.slice(-2000)}`);
    assert.equal(burnerCpu.timestamps.size, ticks, 'one timestamp per tick, the last one included');
  });

  test('every family of the host run, with the same fields, and the same non-zero ones', (t) => {
    assert.ok(host.size > 0, hostRunLog.slice(-2000));
    t.diagnostic(`${host.size} families compared: ${[...host.keys()].join(', ')}`);
    for (const role of Object.values(names)) {
      for (const m of ['docker_container_cpu', 'docker_container_mem', 'docker_container_context_switches', 'docker_container_status']) {
        assert.ok(host.has(`${m} [${role}]`), `host run lacks ${m} for ${role}`);
      }
    }
    assert.deepEqual([...stack.keys()].sort(), [...host.keys()].sort(), 'families differ between the container run and the host run');
    for (const [key, h] of host) {
      const s = stack.get(key) as Family;
      assert.deepEqual([...s.fields.keys()].sort(), [...h.fields.keys()].sort(), `fields of ${key}`);
      // cgflux's own counters (events seen, points written) tell each run's history, not the host.
      if (key === 'cgflux_internal') continue;
      for (const [field, values] of h.fields) {
        // Non-zero in every host sample: a counter or a level that is always there.
        if (values.length < 2 || values.some((v) => v === 0)) continue;
        assert.ok((s.fields.get(field) ?? []).some((v) => v !== 0), `${key} ${field}: non-zero on the host, only zeros in the container run`);
      }
    }
  });

  test('context switches grow for the busy container, threads and processes are counted', () => {
    const ctx = stack.get('docker_container_context_switches [burner]') as Family;
    const total = (ctx.fields.get('voluntary') ?? []).map((v, i) => v + (ctx.fields.get('involuntary')?.[i] ?? 0));
    assert.ok(total.length >= 3, `${total.length} samples`);
    assert.ok((total.at(-1) as number) > (total[0] as number), `context switches did not grow: ${total.join(', ')}`);
    assert.ok((ctx.fields.get('processes') ?? []).every((v) => v >= 1));
    const threads = stack.get('docker_container_context_switches [threads]') as Family;
    assert.ok((threads.fields.get('threads') ?? []).some((v) => v > 1), 'the node workload has more than one thread');
  });

  test('timestamps are aligned to the interval and the two runs share their ticks', () => {
    for (const [key, f] of stack) {
      for (const t of f.timestamps) assert.equal(t % INTERVAL_MS, 0, `${key}: ${t} is not on a ${INTERVAL_MS / 1000} s boundary`);
    }
    const a = stack.get('docker_container_cpu [burner]') as Family;
    const b = host.get('docker_container_cpu [burner]') as Family;
    assert.ok([...a.timestamps].filter((t) => b.timestamps.has(t)).length >= 2, `ticks ${[...a.timestamps]} vs ${[...b.timestamps]}`);
  });
});
