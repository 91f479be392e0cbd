// The real daemon against a PRIVATE VictoriaMetrics that goes away for a minute and comes back on
// the same port and data dir, with a SIGHUP in the middle: /healthz says degraded then ok, the spool
// grows then drains, and every point of the outage arrives (one per tick per container per
// measurement, exactly; the reload costs no tick).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { PrivateVictoria } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep } from './harness.js';
import { describePoints, victoriaPoints, victoriaTickTimes } from './readback.js';

const OUTAGE_MS = 60_000;
const SEGMENT = 64 * 1024;

describe('e2e: a minute-long outage of the server', () => {
  const run = new TestRun('outage');
  let vm: PrivateVictoria | undefined;
  let daemon: DaemonProcess | undefined;

  before(requireDocker);
  after(async () => {
    await daemon?.ensureGone();
    await vm?.remove();
    await run.cleanup();
  });

  test('every point produced while VictoriaMetrics was down arrives; healthz degraded → ok; spool grows, then drains', async (t) => {
    vm = await PrivateVictoria.create();
    const containers = await Promise.all([run.container('a'), run.container('b')]);
    const names = containers.map((c) => c.name).sort();
    const config = await run.config(
      [{ type: 'influxdb_v2', name: 'vm', url: vm.url, token: 'unused', org: 'o', bucket: 'b', retry: { initial: '500ms', max: '2s' } }],
      { spool: { dir: join(run.dir, 'spool'), segment_size: '64KiB' } },
    );
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    await d.until('3 ticks delivered, healthz ok', 15_000, async () => (await d.metric('ticks_total')) >= 3 && (await d.metric('spool_points', { output: 'vm' })) === 0 && (await d.health()).body.status === 'ok');

    await vm.stop();
    const outageStart = Date.now();
    await d.until('healthz degraded', 10_000, async () => (await d.health()).body.status === 'degraded');
    const degraded = await d.health();
    assert.equal(degraded.code, 200, 'a failing output degrades but does not fail the probe');
    assert.match(degraded.body.reasons.join('\n'), /output vm failing since .*data kept in the spool/);
    const spoolBytes: number[] = [];
    while (Date.now() - outageStart < OUTAGE_MS) {
      spoolBytes.push(await d.metric('spool_bytes', { output: 'vm' }));
      if (spoolBytes.length === 3) {
        // An operator reloads while the server is down (e.g. to point at another one): the
        // reload must not cost ticks, although the old output cannot flush.
        d.signal('SIGHUP');
        await d.waitForLog(/configuration reloaded/, 10_000);
      }
      await sleep(10_000);
    }
    spoolBytes.push(await d.metric('spool_bytes', { output: 'vm' }));
    const spooledPoints = await d.metric('spool_points', { output: 'vm' });
    for (let i = 1; i < spoolBytes.length; i++) assert.ok(spoolBytes[i] > spoolBytes[i - 1], `spool grows during the outage: ${spoolBytes.join(' → ')}`);
    assert.ok(spoolBytes.at(-1)! > 4 * SEGMENT, `a minute of 2 containers spools several segments: ${spoolBytes.at(-1)} bytes`);
    assert.equal((await d.health()).body.status, 'degraded');

    await vm.start();
    await d.until('spool drained, healthz ok', 30_000, async () => (await d.metric('spool_points', { output: 'vm' })) === 0 && (await d.health()).body.status === 'ok');
    // Delivered segments are deleted; what stays is at most the segment being written.
    assert.ok((await d.metric('spool_bytes', { output: 'vm' })) <= SEGMENT, 'spool drained on disk');
    assert.ok(spooledPoints > 50 * 2 * 7, `points spooled at the end of the outage: ${spooledPoints}`);
    assert.equal(await d.metric('points_dropped_total', { output: 'vm', reason: 'spool_full' }), 0);

    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
    const ticks = d.ticksAtStop();
    assert.ok(ticks >= 60, `ticks ${ticks}`);
    // One warning for the outage (not one per retry) from the output before and after the reload.
    assert.equal(d.logLines(/output: write failed/).length, 2, d.log);
    assert.equal(d.logLines(/output: writing again/).length, 1);

    t.diagnostic(`${ticks} ticks; spool during the outage ${spoolBytes.join(' → ')} bytes, ${spooledPoints} points at its end`);
    const tickTimes = await victoriaTickTimes(vm.url, run.host, ticks);
    assert.equal(tickTimes.length, ticks);
    assert.equal(tickTimes.at(-1)! - tickTimes[0], (ticks - 1) * 1000, 'consecutive seconds');
    const points = await victoriaPoints(vm.url, run.host);
    for (const [measurement, byContainer] of points) {
      assert.deepEqual([...byContainer.keys()].sort(), names, measurement);
      for (const [container, ts] of byContainer) assert.deepEqual(ts, tickTimes, `${measurement} ${container}:\n${describePoints(points)}`);
    }
  });
});
