// The real daemon SIGKILLed 5 times at random moments (some right inside a tick, some between
// ticks), a private VictoriaMetrics up for some runs and down for others, every run on the same
// config and spool; a torn frame is appended to the spool after one kill, as a crash mid-write
// leaves. Then a last run with the server up drains everything. Per container and measurement: at
// most one tick lost per kill, every tick of the clean last run arrives, and the torn tail is cut
// off and counted in cgflux_spool_corrupt_bytes_total.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireDocker } from '../support/services.js';
import { PrivateVictoria } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep } from '../e2e/harness.js';
import { describePoints, victoriaCount, victoriaPoints } from '../e2e/readback.js';

const KILLS = 5;
/** VictoriaMetrics up (true) or down during each killed run; the 5th loses it halfway. */
const SERVER_UP = [true, false, false, true, true];
const TORN_AFTER_KILL = 3;
const TORN_BYTES = 37;

interface KilledRun {
  killedAt: number;
  /** ticks_total read just before the kill. */
  ticksRead: number;
  readAt: number;
  mode: 'in-tick' | 'between';
}

async function untilIntoSecond(fromMs: number, toMs: number): Promise<void> {
  for (;;) {
    const into = Date.now() % 1000;
    if (into >= fromMs && into <= toMs) return;
    await sleep(into < fromMs ? fromMs - into : 1000 - into + fromMs);
  }
}

/**
 * ticks_total, read when no tick slot straddles the request (a timer may fire up to ~2 ms early, so
 * a slot counts as "before the read" from 3 ms before it).
 */
async function readTicks(d: DaemonProcess): Promise<{ ticks: number; readAt: number }> {
  for (;;) {
    const start = Date.now();
    const ticks = await d.metric('ticks_total');
    const readAt = Date.now();
    if (Math.floor((start + 3) / 1000) === Math.floor((readAt + 3) / 1000)) return { ticks, readAt };
  }
}

describe('faults: SIGKILL × 5 while writing', () => {
  const run = new TestRun('faults-kill');
  let vm: PrivateVictoria | undefined;
  const daemons: DaemonProcess[] = [];

  before(requireDocker);
  after(async () => {
    for (const d of daemons) await d.ensureGone();
    await vm?.remove();
    await run.cleanup();
  });

  test('at most one tick lost per kill, a torn spool tail cut and counted, the last run complete', async () => {
    vm = await PrivateVictoria.create();
    const containers = await Promise.all([run.container('a'), run.container('b')]);
    const names = containers.map((c) => c.name).sort();
    const configFile = join(run.dir, 'cgflux.yaml');
    const config = await run.config([
      { type: 'influxdb_v2', name: 'vm', url: vm.url, token: 'unused', org: 'o', bucket: 'b', retry: { initial: '200ms', max: '1s' }, batch: { flush_interval: '100ms' } },
    ]);
    const spoolDir = join(run.dir, 'spool', 'vm');
    const killed: KilledRun[] = [];
    const corruptSeen: number[] = [];

    for (let k = 0; k < KILLS; k++) {
      if (SERVER_UP[k]) await vm.start();
      else await vm.stop();
      const d = await DaemonProcess.start(config, configFile);
      daemons.push(d);
      corruptSeen.push(await d.metric('spool_corrupt_bytes_total', { output: 'vm' }));
      const lifetime = 3000 + Math.floor(Math.random() * 3000);
      if (k === 4) {
        await sleep(lifetime / 2);
        await vm.stop();
        await sleep(lifetime / 2);
      } else await sleep(lifetime);
      const mode = k % 2 === 0 ? 'in-tick' : 'between';
      let ticksRead: number;
      let readAt: number;
      if (mode === 'in-tick') {
        // Read the count just before a tick, kill 5-40 ms into it (sampling, encoding, spooling).
        await untilIntoSecond(880, 940);
        ({ ticks: ticksRead, readAt } = await readTicks(d));
        const boundary = Math.ceil(readAt / 1000) * 1000;
        await sleep(boundary + 5 + Math.floor(Math.random() * 35) - Date.now());
      } else {
        const at = 100 + Math.floor(Math.random() * 700);
        await untilIntoSecond(at, at + 50);
        ({ ticks: ticksRead, readAt } = await readTicks(d));
      }
      const killedAt = Date.now();
      await d.kill();
      assert.equal(d.exit?.signal, 'SIGKILL');
      killed.push({ killedAt, ticksRead, readAt, mode });
      if (k + 1 === TORN_AFTER_KILL) {
        // A frame cut short, as a crash in the middle of a write leaves it.
        const last = readdirSync(spoolDir).filter((f) => f.endsWith('.seg')).sort().at(-1);
        assert.ok(last, `a segment in ${spoolDir} after an outage`);
        const torn = Buffer.alloc(TORN_BYTES, 0xab);
        torn.writeUInt32LE(0x31464743, 0); // the frame magic, then a length that runs past the end
        torn.writeUInt32LE(4096, 4);
        appendFileSync(join(spoolDir, last), torn);
      }
    }

    await vm.start();
    const final = await DaemonProcess.start(config, configFile);
    daemons.push(final);
    corruptSeen.push(await final.metric('spool_corrupt_bytes_total', { output: 'vm' }));
    await sleep(4000);
    await final.until('spool drained', 60_000, async () => (await final.metric('spool_points', { output: 'vm' })) === 0);
    const stop = await final.stop();
    assert.equal(stop.code, 0, final.log);
    const finalTicks = final.ticksAtStop();

    // The torn tail: cut at the next start and counted (≥: a kill may have torn a frame too).
    assert.ok(corruptSeen[TORN_AFTER_KILL] >= TORN_BYTES, `corrupt bytes after the torn write: ${corruptSeen}`);
    const cutLog = daemons[TORN_AFTER_KILL].logLines(/cut a torn or corrupt tail/);
    assert.ok(cutLog.length >= 1, daemons[TORN_AFTER_KILL].log);

    // Wait until VictoriaMetrics shows (at least) what must have arrived.
    const minimum = killed.reduce((n, r) => n + r.ticksRead - 1, 0) + finalTicks;
    const deadline = Date.now() + 20_000;
    while ((await victoriaCount(vm.url, `{__name__="host_cpu_usage_total",host="${run.host}"}`)) < minimum && Date.now() < deadline) await sleep(250);
    await sleep(1500);
    const points = await victoriaPoints(vm.url, run.host);
    const summary = describePoints(points);

    let lostMax = 0;
    let lostTotal = 0;
    let duplicates = 0;
    const perKill: number[] = [];
    for (const [measurement, byContainer] of points) {
      assert.deepEqual([...byContainer.keys()].sort(), names, measurement);
      for (const [container, all] of byContainer) {
        const ts = [...new Set(all)];
        duplicates += all.length - ts.length;
        killed.forEach((r, i) => {
          // This run's ticks: after the previous kill (its first tick may precede the start line by a
          // few ms), up to its own kill.
          const after = i === 0 ? 0 : killed[i - 1].killedAt;
          const mine = ts.filter((t) => t > after && t <= r.killedAt);
          // A tick slot after the read and before the kill started a tick when any of its points arrived.
          const boundary = Math.floor(r.killedAt / 1000) * 1000;
          const crossed = boundary - 3 > r.readAt;
          const ticks = r.ticksRead + (crossed && mine.includes(boundary) ? 1 : 0);
          const lost = ticks - mine.length;
          const what = `kill ${i + 1} (${r.mode}, ${SERVER_UP[i] ? 'server up' : 'server down'}) ${measurement} ${container}: ${mine.length} points of ${ticks} ticks\n${summary}`;
          assert.ok(lost <= 1 && lost >= 0, what);
          // Consecutive ticks: only the last may be missing.
          if (mine.length > 1) assert.equal(mine.at(-1)! - mine[0], (mine.length - 1) * 1000, what);
          lostMax = Math.max(lostMax, lost);
          lostTotal += lost;
          perKill[i] = Math.max(perKill[i] ?? 0, lost);
        });
        const last = ts.filter((t) => t > killed.at(-1)!.killedAt);
        assert.equal(last.length, finalTicks, `final run ${measurement} ${container}: every tick arrives`);
      }
    }
    console.log(
      `faults: kills=${KILLS} modes=${killed.map((r) => r.mode).join(',')} ticks_per_run=${killed.map((r) => r.ticksRead).join(',')} ` +
        `ticks_lost_max=${lostMax} ticks_lost_per_kill=${perKill.join(',')} points_lost_total=${lostTotal} duplicates=${duplicates} ` +
        `corrupt_bytes_seen_at_start=${corruptSeen.join(',')} final_run_ticks=${finalTicks} lost_in_final=0`,
    );
  });
});
