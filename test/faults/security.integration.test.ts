// Security properties of the real processes:
//   (a) cgflux only reads from Docker: a recording proxy in front of /var/run/docker.sock sees GET
//       requests only (the events stream is GET /events) from --once, `containers` and the daemon
//       while a container starts and stops;
//   (b) a v2 token and a v1 password never show in the daemon's log (debug level, against servers
//       answering 401), /metrics, /healthz, nor `config check`;
//   (c) the HTTP endpoint binds 127.0.0.1 by default.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { docker } from '../support/docker.js';
import { ScriptedServer, httpGet } from '../support/servers.js';
import { DaemonProcess, REPO, TestRun, runCli, sleep, writeConfig } from '../e2e/harness.js';

const DOCKER_SOCK = '/var/run/docker.sock';

/** A unix-socket HTTP server forwarding every request to dockerd and recording `METHOD path`. */
async function recordingProxy(path: string): Promise<{ requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = request({ socketPath: DOCKER_SOCK, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  rmSync(path, { force: true });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(path, { force: true });
    },
  };
}

/** Local addresses the process listens on (TCP, from /proc/<pid>/net/tcp{,6} and its socket fds). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const out: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue; // 0A = LISTEN
      const [hexAddr, hexPort] = cols[1].split(':');
      const addr = table === 'tcp' ? hexAddr.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.') : hexAddr;
      out.push(`${addr}:${parseInt(hexPort, 16)}`);
    }
  }
  return out;
}

describe('faults: security', () => {
  const run = new TestRun('faults-security');
  const daemons: DaemonProcess[] = [];
  const closers: (() => Promise<void>)[] = [];

  before(requireDocker);
  after(async () => {
    for (const d of daemons) await d.ensureGone();
    for (const c of closers) await c();
    await run.cleanup();
  });

  test('(a) only GET requests reach the Docker socket: --once, containers, the daemon with a container coming and going', async () => {
    const proxy = await recordingProxy(join(run.dir, 'docker-proxy.sock'));
    closers.push(proxy.close);
    await run.container('steady');
    const sock = join(run.dir, 'docker-proxy.sock');
    const filter = ['--docker-socket', sock, '--no-http'];

    const once = await runCli(['--once', '--output', 'stdout', '--gap', '0', ...filter, '--hostname', run.host, '--config', writeTemp(run, 'once.yaml', { docker: { include: { labels: [run.selector] } } })]);
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /docker_container_cpu,/);
    const afterOnce = proxy.requests.length;
    const list = await runCli(['containers', ...filter]);
    assert.equal(list.code, 0, list.stderr);
    const afterList = proxy.requests.length;

    const output = await ScriptedServer.start(() => ({ status: 204 }));
    closers.push(() => output.close());
    const config = await run.config([{ type: 'influxdb_v2', name: 'out', url: output.url, token: 't', org: 'o', bucket: 'b' }], {});
    (config.docker as Record<string, unknown>).socket = sock;
    const daemon = await DaemonProcess.start(config, join(run.dir, 'a.yaml'));
    daemons.push(daemon);
    await daemon.until('2 ticks', 10_000, async () => (await daemon.metric('ticks_total')) >= 2);
    const coming = await run.container('coming');
    await daemon.until('the new container sampled', 10_000, async () => (await daemon.metric('containers')) === 2);
    await docker('rm', '-f', coming.id);
    await daemon.until('the container gone', 10_000, async () => (await daemon.metric('containers')) === 1);
    await sleep(1500);
    const stop = await daemon.stop();
    assert.equal(stop.code, 0, daemon.log);

    const all = proxy.requests;
    const methods = new Map<string, number>();
    for (const r of all) methods.set(r.split(' ')[0], (methods.get(r.split(' ')[0]) ?? 0) + 1);
    console.log(`faults: docker_socket requests=${all.length} (once=${afterOnce} containers=${afterList - afterOnce} daemon=${all.length - afterList}) methods=${JSON.stringify(Object.fromEntries(methods))}`);
    assert.deepEqual([...methods.keys()], ['GET'], `non-GET requests: ${all.filter((r) => !r.startsWith('GET ')).join(', ')}`);
    assert.ok(afterOnce > 0 && afterList > afterOnce, 'each command went through the proxy');
    const daemonRequests = all.slice(afterList);
    assert.ok(daemonRequests.some((r) => /^GET \/(v[\d.]+\/)?events/.test(r)), `the events stream: ${daemonRequests.join(', ')}`);
    assert.ok(daemonRequests.some((r) => r.includes(`/containers/${coming.id}/json`)), 'the new container was inspected');
  });

  test('(b) a token and a password never appear in the log, /metrics, /healthz nor config check', async () => {
    const TOKEN = 'sekret-TOKEN-123';
    const PASSWORD = 'pass-WORD-456';
    const basic = Buffer.from(`cgflux:${PASSWORD}`).toString('base64');
    const v2 = await ScriptedServer.start(() => ({ status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' }));
    const v1 = await ScriptedServer.start(() => ({ status: 401, body: '{"error":"authorization failed"}' }));
    closers.push(() => v2.close(), () => v1.close());
    const config = await run.config(
      [
        { type: 'influxdb_v2', name: 'v2', url: v2.url, token: TOKEN, org: 'o', bucket: 'b', retry: { initial: '100ms', max: '500ms' } },
        { type: 'influxdb_v1', name: 'v1', url: v1.url, database: 'db', username: 'cgflux', password: PASSWORD, retry: { initial: '100ms', max: '500ms' } },
      ],
      { log: { level: 'debug', status_interval: '1s' } },
    );
    const file = join(run.dir, 'secrets.yaml');
    const daemon = await DaemonProcess.start(config, file);
    daemons.push(daemon);
    await daemon.until('both outputs refused several times', 15_000, async () => v2.requests.length >= 3 && v1.requests.length >= 3);
    assert.equal(v2.requests[0].headers.authorization, `Token ${TOKEN}`, 'the token was really sent');
    assert.equal(v1.requests[0].headers.authorization, `Basic ${basic}`, 'the password was really sent');
    const metrics = await httpGet(`http://127.0.0.1:${daemon.port}/metrics`);
    const health = await httpGet(`http://127.0.0.1:${daemon.port}/healthz`);
    assert.match(health.text, /401/, 'healthz names the failure');
    await daemon.stop();
    const check = await runCli(['config', 'check', file]);
    assert.equal(check.code, 0, check.stderr);
    const places = { log: daemon.log + daemon.output, metrics: metrics.text, healthz: health.text, config_check: check.stdout + check.stderr };
    assert.match(places.log, /refuses our credentials/);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of [TOKEN, PASSWORD, basic]) assert.ok(!text.includes(secret), `${secret} appears in ${where}`);
    }
    console.log(`faults: secrets log_bytes=${places.log.length} metrics_bytes=${metrics.text.length} healthz_bytes=${health.text.length} config_check_bytes=${places.config_check.length} leaks=0`);
  });

  test('(c) the HTTP endpoint binds 127.0.0.1 unless configured otherwise', async () => {
    // The default address is 127.0.0.1:9273: wait until no other run holds that port.
    const deadline = Date.now() + 30_000;
    while ((await httpGet('http://127.0.0.1:9273/healthz').then(() => true, () => false)) && Date.now() < deadline) await sleep(500);
    const config = await run.config([{ type: 'stdout' }]);
    delete config.http; // no http key at all: the defaults
    const file = join(run.dir, 'listen-default.yaml');
    writeConfig(file, config);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--config', file], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    closers.push(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await once(proc, 'exit');
      }
    });
    let addresses: string[] = [];
    const until = Date.now() + 20_000;
    while (!addresses.some((a) => a.endsWith(':9273'))) {
      assert.ok(Date.now() < until, `no listener on :9273 within 20 s; log:\n${stderr}`);
      assert.equal(proc.exitCode, null, `daemon exited; log:\n${stderr}`);
      await sleep(200);
      addresses = listeningAddresses(proc.pid!);
    }
    const health = await httpGet('http://127.0.0.1:9273/healthz');
    assert.ok(JSON.parse(health.text).status, `this daemon answers on 127.0.0.1:9273 (${health.status} ${health.text})`);
    proc.kill('SIGTERM');
    await once(proc, 'exit');
    console.log(`faults: http_listen default=${addresses.join(',')}`);
    assert.deepEqual(addresses, ['127.0.0.1:9273'], 'the only TCP listener is loopback');
  });
});

function writeTemp(run: TestRun, name: string, config: Record<string, unknown>): string {
  const file = join(run.dir, name);
  writeConfig(file, config);
  return file;
}

