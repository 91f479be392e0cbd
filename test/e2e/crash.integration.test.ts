// The real daemon SIGKILLed during an outage, started again on the same config and spool: what the
// first process spooled is replayed once the server is back. At most the tick in flight at the kill
// is lost; the second process's ticks all arrive; nothing arrives twice.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { PrivateVictoria } from '../support/servers.js';
import { DaemonProcess, TestRun, midSecond, sleep } from './harness.js';
import { describePoints, duplicates, victoriaPoints, victoriaTickTimes } from './readback.js';

describe('e2e: SIGKILL during an outage', () => {
  const run = new TestRun('crash');
  let vm: PrivateVictoria | undefined;
  const daemons: DaemonProcess[] = [];

  before(requireDocker);
  after(async () => {
    for (const d of daemons) await d.ensureGone();
    await vm?.remove();
    await run.cleanup();
  });

  test('a restarted daemon replays the killed one’s spool: ≥ ticks − 1 of the first run, all of the second, no duplicates', async (t) => {
    vm = await PrivateVictoria.create();
    const containers = await Promise.all([run.container('a'), run.container('b')]);
    const names = containers.map((c) => c.name).sort();
    const configFile = join(run.dir, 'cgflux.yaml');
    const config = await run.config([{ type: 'influxdb_v2', name: 'vm', url: vm.url, token: 'unused', org: 'o', bucket: 'b', retry: { initial: '500ms', max: '2s' } }]);

    const first = await DaemonProcess.start(config, configFile);
    daemons.push(first);
    await first.until('3 ticks delivered', 15_000, async () => (await first.metric('ticks_total')) >= 3 && (await first.metric('spool_points', { output: 'vm' })) === 0);
    await vm.stop();
    await first.until('healthz degraded', 10_000, async () => (await first.health()).body.status === 'degraded');
    await sleep(8000);
    // Kill mid-second, right after reading the tick count: no tick starts in between.
    await midSecond(400, 600);
    const ticksBeforeKill = await first.metric('ticks_total');
    const spooled = await first.metric('spool_points', { output: 'vm' });
    const killedAt = Date.now();
    await first.kill();
    assert.equal(first.exit?.signal, 'SIGKILL');
    assert.ok(spooled > 8 * 2 * 7, `points spooled before the kill: ${spooled}`);

    const second = await DaemonProcess.start(config, configFile);
    daemons.push(second);
    const replay = await second.waitForLog(/spool: replaying batches a previous run did not deliver/, 5000);
    const replayedPoints = Number(/points=(\d+)/.exec(replay)?.[1]);
    assert.ok(replayedPoints >= spooled, `replayed ${replayedPoints} of the ${spooled} spooled before the kill (plus the ticks since)`);
    await sleep(4000);
    await vm.start();
    await second.until('spool drained', 30_000, async () => (await second.metric('spool_points', { output: 'vm' })) === 0);
    const stop = await second.stop();
    assert.equal(stop.code, 0, second.log);
    const ticksSecond = second.ticksAtStop();

    const tickTimes = await victoriaTickTimes(vm.url, run.host, ticksBeforeKill - 1 + ticksSecond);
    const points = await victoriaPoints(vm.url, run.host);
    const summary = describePoints(points);
    for (const [measurement, byContainer] of points) {
      assert.deepEqual([...byContainer.keys()].sort(), names, measurement);
      for (const [container, ts] of byContainer) {
        const what = `${measurement} ${container} (first run ${ticksBeforeKill} ticks, second ${ticksSecond}):\n${summary}`;
        assert.deepEqual(duplicates(ts), [], what);
        const firstRun = ts.filter((t) => t < killedAt);
        const secondRun = ts.filter((t) => t > killedAt);
        assert.ok(firstRun.length >= ticksBeforeKill - 1 && firstRun.length <= ticksBeforeKill, `${firstRun.length} points of the first run: ${what}`);
        assert.deepEqual(secondRun, tickTimes.filter((t) => t > killedAt), what);
        assert.equal(secondRun.length, ticksSecond, what);
        // The first run's points are consecutive ticks: only the last one may be missing.
        assert.equal(firstRun.at(-1)! - firstRun[0], (firstRun.length - 1) * 1000, what);
      }
    }
    const cpu = [...points.get('docker_container_cpu')!.values()][0];
    t.diagnostic(`first run ${ticksBeforeKill} ticks (${spooled} points spooled at the kill), ${cpu.filter((x) => x < killedAt).length} arrived per series; second run ${ticksSecond} ticks, all arrived; replayed ${replayedPoints} points`);
  });
});
