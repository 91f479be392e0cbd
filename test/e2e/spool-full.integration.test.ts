// The real daemon with a tiny spool and the server down: the bound holds on disk, the oldest points
// are dropped and counted, the log says how many, and the accounting is exact: every point encoded
// either arrives once the server is back or is in points_dropped_total{reason="spool_full"}.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { PrivateVictoria } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep } from './harness.js';
import { CONTAINER_MEASUREMENTS, victoriaCount } from './readback.js';

const MAX = 128 * 1024;
const SEGMENT = 64 * 1024;

function bytesOnDisk(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? bytesOnDisk(p) : statSync(p).size;
  }
  return total;
}

describe('e2e: spool full', () => {
  const run = new TestRun('spoolfull');
  let vm: PrivateVictoria | undefined;
  let daemon: DaemonProcess | undefined;

  before(requireDocker);
  after(async () => {
    await daemon?.ensureGone();
    await vm?.remove();
    await run.cleanup();
  });

  test('max_size holds on disk; dropped points are counted, logged, and exactly the ones that never arrive', async (t) => {
    vm = await PrivateVictoria.create();
    await vm.stop();
    await Promise.all([run.container('a'), run.container('b'), run.container('c')]);
    const spoolDir = join(run.dir, 'spool');
    // Only container rows, so a count in VictoriaMetrics is a count of lines (one field per row).
    const config = await run.config(
      [{ type: 'influxdb_v2', name: 'vm', url: vm.url, token: 'unused', org: 'o', bucket: 'b', retry: { initial: '500ms', max: '1s' } }],
      {
        spool: { dir: spoolDir, max_size: '128KiB', segment_size: '64KiB' },
        self_metrics: { enabled: false },
        collectors: { host: { enabled: false }, events: { enabled: false }, psi: { enabled: false } },
      },
    );
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;

    let maxOnDisk = 0;
    await d.until('points dropped for lack of room, twice', 90_000, async () => {
      maxOnDisk = Math.max(maxOnDisk, bytesOnDisk(spoolDir));
      return d.logLines(/spool: full/).length >= 2;
    });
    for (let i = 0; i < 20; i++) {
      maxOnDisk = Math.max(maxOnDisk, bytesOnDisk(spoolDir));
      await sleep(150);
    }
    assert.ok(maxOnDisk <= MAX + SEGMENT, `spool dir at most ${MAX + SEGMENT} bytes, saw ${maxOnDisk}`);
    assert.ok(maxOnDisk > MAX / 2, `the spool did fill up: ${maxOnDisk}`);

    // Freeze production (no containers, no host or self rows), then let the server drain the spool.
    await run.removeContainers();
    await d.until('no container left', 10_000, async () => (await d.metric('containers')) === 0);
    await sleep(1500);
    const encoded = await d.metric('points_encoded_total');
    await vm.start();
    await d.until('spool drained', 30_000, async () => (await d.metric('spool_points', { output: 'vm' })) === 0);
    assert.equal(await d.metric('points_encoded_total'), encoded, 'nothing encoded after the containers left');

    const written = await d.metric('points_written_total', { output: 'vm' });
    const dropped = await d.metric('points_dropped_total', { output: 'vm', reason: 'spool_full' });
    assert.equal(await d.metric('points_dropped_total', { output: 'vm', reason: 'rejected' }), 0);
    assert.equal(await d.metric('points_dropped_total', { output: 'vm', reason: 'spool_unwritable' }), 0);
    assert.ok(dropped > 0, 'points were dropped');
    assert.equal(written + dropped, encoded, `written ${written} + dropped ${dropped} = encoded ${encoded}`);

    const selector = `{__name__=~"${CONTAINER_MEASUREMENTS.map((m) => `${m.measurement}_${m.field}`).join('|')}",host="${run.host}"}`;
    const deadline = Date.now() + 20_000;
    while ((await victoriaCount(vm.url, selector)) < written && Date.now() < deadline) await sleep(250);
    await sleep(1500);
    assert.equal(await victoriaCount(vm.url, selector), written, 'what arrived is exactly what was written');
    assert.equal(encoded - (await victoriaCount(vm.url, selector)), dropped, 'what never arrived is exactly what was counted as dropped');

    // Every drop is in the log with its number of points; they add up to the counter.
    const lost = d.logLines(/WARN .*spool: full/).map((l) => Number(/points_lost=(\d+)/.exec(l)?.[1]));
    assert.ok(lost.every((n) => n > 0), d.logLines(/spool: full/).join('\n'));
    assert.equal(lost.reduce((a, b) => a + b, 0), dropped, d.logLines(/spool: full/).join('\n'));
    t.diagnostic(`encoded ${encoded}, written ${written}, dropped (spool_full) ${dropped} in ${lost.length} warnings; largest spool dir ${maxOnDisk} bytes`);
    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
  });
});
