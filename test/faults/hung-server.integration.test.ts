// A hung InfluxDB-speaking server under the real daemon: a private VictoriaMetrics SIGSTOPped
// (the kernel still accepts connections, nothing ever answers), then SIGCONT. Requests time out,
// ticks go on into the spool, and after SIGCONT every tick arrives: points lost = 0 per container
// per measurement. A timed-out request may still be ingested once the server runs again, so
// duplicates are possible (at-least-once) and are counted, not treated as loss.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { PrivateVictoria } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep } from '../e2e/harness.js';
import { describePoints, victoriaPoints, victoriaTickTimes } from '../e2e/readback.js';

const HUNG_MS = 8000;

/** The pid of the private VictoriaMetrics listening on `port` (found by its command line). */
function victoriaPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('victoria-metrics') && cmd.includes(`-httpListenAddr=127.0.0.1:${port}\0`)) return Number(entry);
    } catch {
      /* gone */
    }
  }
  throw new Error(`no victoria-metrics on port ${port}`);
}

describe('faults: hung server (SIGSTOP)', () => {
  const run = new TestRun('faults-hung');
  let vm: PrivateVictoria | undefined;
  let stoppedPid: number | undefined;
  let daemon: DaemonProcess | undefined;

  before(requireDocker);
  after(async () => {
    if (stoppedPid) process.kill(stoppedPid, 'SIGCONT');
    await daemon?.ensureGone();
    await vm?.remove();
    await run.cleanup();
  });

  test('requests time out while it is stopped, every tick arrives after SIGCONT', async () => {
    vm = await PrivateVictoria.create();
    const containers = await Promise.all([run.container('a'), run.container('b')]);
    const names = containers.map((c) => c.name).sort();
    const config = await run.config([
      { type: 'influxdb_v2', name: 'vm', url: vm.url, token: 'unused', org: 'o', bucket: 'b', timeout: '1s', retry: { initial: '200ms', max: '1s' }, batch: { flush_interval: '100ms' } },
    ]);
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    await d.until('3 ticks delivered', 15_000, async () => (await d.metric('ticks_total')) >= 3 && (await d.metric('spool_points', { output: 'vm' })) === 0);

    const pid = victoriaPid(vm.port);
    process.kill(pid, 'SIGSTOP');
    stoppedPid = pid;
    await sleep(HUNG_MS);
    const spooled = await d.metric('spool_points', { output: 'vm' });
    const health = await d.health();
    process.kill(pid, 'SIGCONT');
    stoppedPid = undefined;
    assert.ok(spooled >= 5 * 2 * 7, `points spooled while the server hung: ${spooled}`);
    assert.equal(health.body.status, 'degraded', JSON.stringify(health.body));

    await d.until('spool drained', 30_000, async () => (await d.metric('spool_points', { output: 'vm' })) === 0);
    await sleep(2000);
    const timeouts = (await d.metrics()).filter((s) => s.name.startsWith('cgflux_write_requests')).map((s) => `${s.name}${JSON.stringify(s.labels)}=${s.value}`);
    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
    const ticks = d.ticksAtStop();
    assert.equal(d.logLines(/write failed/).length, 1, `one warning for the whole hang:\n${d.log}`);
    assert.match(d.logLines(/write failed/)[0], /no answer within 1000 ms/);

    await victoriaTickTimes(vm.url, run.host, ticks);
    const points = await victoriaPoints(vm.url, run.host);
    let lost = 0;
    let dup = 0;
    for (const [measurement, byContainer] of points) {
      assert.deepEqual([...byContainer.keys()].sort(), names, measurement);
      for (const [container, all] of byContainer) {
        const ts = [...new Set(all)];
        dup += all.length - ts.length;
        lost += ticks - ts.length;
        assert.equal(ts.length, ticks, `${measurement} ${container}: ${ts.length} of ${ticks} ticks\n${describePoints(points)}`);
        assert.equal(ts.at(-1)! - ts[0], (ticks - 1) * 1000, `${measurement} ${container}: consecutive ticks`);
      }
    }
    console.log(`faults: hung_server hung_ms=${HUNG_MS} ticks=${ticks} spooled_while_hung=${spooled} points_lost=${lost} duplicates=${dup} ${timeouts.join(' ')}`);
  });
});
