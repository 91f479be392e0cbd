// `cgflux --once` as a process: line protocol on stdout for each running container (two reads
// --gap apart, so usage_percent is there), exit 0; dockerd unreachable → exit 1 and one clear line.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { TestRun, runCli, writeConfig } from './harness.js';

/** The tag value of `key` in a line-protocol line (test values have no escapes). */
function tag(line: string, key: string): string | undefined {
  const head = line.slice(0, line.indexOf(' '));
  return head.split(',').find((p) => p.startsWith(`${key}=`))?.slice(key.length + 1);
}

describe('e2e: cgflux --once', () => {
  const run = new TestRun('once');
  before(requireDocker);
  after(() => run.cleanup());

  test('prints line protocol for each running test container with usage_percent, exits 0', async () => {
    const containers = await Promise.all([run.container('busy', { busy: true }), run.container('idle')]);
    const names = containers.map((c) => c.name).sort();
    const configFile = join(run.dir, 'cgflux.yaml');
    // The configured output is replaced by --output stdout: nothing goes to the network.
    writeConfig(configFile, await run.config([{ type: 'influxdb_v2', name: 'never', url: 'http://127.0.0.1:9', token: 't', org: 'o', bucket: 'b' }]));
    const t0 = Date.now();
    const res = await runCli(['--once', '--output', 'stdout', '--gap', '500ms', '--config', configFile]);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.split('\n').filter(Boolean);
    const cpu = lines.filter((l) => l.startsWith('docker_container_cpu,') && tag(l, 'cpu') === 'cpu-total');
    assert.deepEqual(cpu.map((l) => tag(l, 'container_name')).sort(), names, res.stdout);
    for (const l of cpu) {
      const percent = Number(/[ ,]usage_percent=([0-9.e+-]+)[, ]/.exec(l)?.[1]);
      assert.ok(Number.isFinite(percent), `usage_percent in ${l}`);
      // The busy one is capped at 0.2 CPU: about 20 % of one CPU; the idle one sleeps.
      if (tag(l, 'container_name')!.includes('-busy-')) assert.ok(percent > 5 && percent < 35, `busy at ${percent} %`);
      else assert.ok(percent < 5, `idle at ${percent} %`);
    }
    for (const m of ['mem', 'blkio', 'net', 'context_switches', 'pids', 'status']) {
      const rows = lines.filter((l) => l.startsWith(`docker_container_${m},`));
      assert.deepEqual([...new Set(rows.map((l) => tag(l, 'container_name')))].sort(), names, `docker_container_${m}`);
    }
    // Every line carries this run's host tag and one timestamp (ns) of the second read.
    const times = new Set(lines.map((l) => BigInt(l.slice(l.lastIndexOf(' ') + 1))));
    assert.equal(times.size, 1, 'one timestamp for the whole sample');
    const ms = Number([...times][0] / 1_000_000n);
    assert.ok(ms >= t0 + 500 && ms <= Date.now(), 'taken after the gap');
    assert.ok(lines.every((l) => tag(l, 'host') === run.host));
    assert.match(res.stderr, new RegExp(`^cgflux: 2 containers, ${lines.length} points\\n$`, 'm'));
  });

  test('dockerd unreachable: exit 1 and one clear line on stderr, nothing on stdout', async () => {
    const configFile = join(run.dir, 'unreachable.yaml');
    writeConfig(configFile, await run.config([]));
    const res = await runCli(['--once', '--output', 'stdout', '--docker-socket', '/nonexistent.sock', '--config', configFile]);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    const lines = res.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `one line, got:\n${res.stderr}`);
    assert.match(lines[0], /^cgflux: cannot reach dockerd at \/nonexistent\.sock: the socket does not exist/);
    assert.match(lines[0], /--docker-socket/);
  });
});
