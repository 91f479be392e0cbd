// Signals to the real daemon: SIGHUP with a changed config (a new global tag shows up in later
// points, no tick lost), SIGHUP with a broken config (error with file:line:col, the old config goes
// on), SIGTERM (exit 0 within the flush bound, "stopped" in the log) — also with the server down.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { VICTORIA_URL, requireDocker, requireVictoria } from '../support/services.js';
import { ScriptedServer, freePort } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep, writeConfig } from './harness.js';
import { duplicates, victoriaDelete, victoriaExport, victoriaTickTimes } from './readback.js';

describe('e2e: signals', () => {
  const runs: TestRun[] = [];
  const daemons: DaemonProcess[] = [];

  before(async () => {
    await Promise.all([requireDocker(), requireVictoria()]);
  });
  after(async () => {
    for (const d of daemons) await d.ensureGone();
    for (const r of runs) {
      await r.cleanup();
      await victoriaDelete(VICTORIA_URL, `{host="${r.host}"}`).catch(() => undefined);
    }
  });

  test('SIGHUP: a new global tag appears in later points, no tick lost; a broken file is refused with file:line:col; SIGTERM exits 0', async () => {
    const run = new TestRun('hup');
    runs.push(run);
    const { name } = await run.container('a');
    const configFile = join(run.dir, 'cgflux.yaml');
    const config = await run.config([{ type: 'influxdb_v2', name: 'vm', url: VICTORIA_URL, token: 'unused', org: 'o', bucket: 'b' }], {
      tags: { global: { phase: 'one' } },
    });
    const d = await DaemonProcess.start(config, configFile);
    daemons.push(d);
    await d.until('4 ticks', 15_000, async () => (await d.metric('ticks_total')) >= 4);

    writeConfig(configFile, { ...config, tags: { global: { phase: 'two' } } });
    const ticksBefore = await d.metric('ticks_total');
    const writtenBefore = await d.metric('points_written_total', { output: 'vm' });
    const reloadAt = Date.now();
    d.signal('SIGHUP');
    await d.waitForLog(/configuration reloaded/, 10_000);
    // A reload is not a counter reset: the counters carry on from where they were.
    assert.ok((await d.metric('ticks_total')) >= ticksBefore, 'ticks_total carries on');
    assert.ok((await d.metric('points_written_total', { output: 'vm' })) >= writtenBefore, 'points_written_total carries on');
    const exposed = (await d.metrics()).map((m) => `${m.name}${JSON.stringify(m.labels)}`);
    assert.deepEqual(exposed.filter((k, i) => exposed.indexOf(k) !== i), [], 'each series once in /metrics after the reload');
    assert.ok(exposed.length >= 25, `${exposed.length} series`);
    await d.until('4 ticks after the reload', 15_000, async () => (await d.metric('ticks_total')) >= ticksBefore + 4);

    // Broken: an interval that is no duration, on line 1 column 11 of the file.
    const good = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, good.replace(/^interval: 1s$/m, 'interval: soon'));
    d.signal('SIGHUP');
    const refused = await d.waitForLog(/reload refused/, 10_000);
    assert.match(refused, /ERROR/);
    assert.ok(refused.includes(`${configFile}:1:11`), `file:line:col in: ${refused}`);
    assert.match(refused, /interval/);
    assert.match(refused, /the running configuration stays/);
    const ticksAtRefusal = await d.metric('ticks_total');
    await d.until('ticks go on after the refused reload', 10_000, async () => (await d.metric('ticks_total')) >= ticksAtRefusal + 3);
    assert.equal(d.logLines(/configuration reloaded/).length, 1, 'the broken file was not applied');

    // A reload onto an address that is taken: the endpoint is off, sampling goes on.
    let endpointLostAt = Infinity;
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const takenListen = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
    try {
      writeFileSync(configFile, good.replace(/listen: .*$/m, `listen: ${takenListen}`));
      d.signal('SIGHUP');
      const cannot = await d.waitForLog(new RegExp(`cannot listen on ${takenListen}`), 10_000);
      assert.match(cannot, /ERROR .*already in use.*sampling goes on/);
      await d.until('the second reload done', 5000, async () => d.logLines(/configuration reloaded/).length === 2);
      endpointLostAt = Date.now();
      await sleep(3000);
    } finally {
      taken.close();
    }

    const stop = await d.stop();
    assert.deepEqual({ code: stop.code, signal: stop.signal }, { code: 0, signal: null }, d.log);
    assert.ok(stop.ms < 5000, `exit within the 5 s flush bound, took ${stop.ms} ms`);
    assert.match(d.log, /stopped after \d+ ticks: every point was delivered/);
    const ticks = d.ticksAtStop();

    const tickTimes = await victoriaTickTimes(VICTORIA_URL, run.host, ticks);
    assert.equal(tickTimes.length, ticks, 'one host_cpu point per tick across the reloads');
    assert.deepEqual(duplicates(tickTimes), []);
    assert.ok(tickTimes.at(-1)! >= endpointLostAt + 1000, 'ticks went on after the reload that lost the endpoint');
    assert.equal(tickTimes.at(-1)! - tickTimes[0], (ticks - 1) * 1000, `consecutive seconds: no tick lost to the reload\n${d.log}`);
    const series = await victoriaExport(VICTORIA_URL, `{__name__="docker_container_cpu_usage_total",host="${run.host}",container_name="${name}"}`);
    const byPhase = new Map(series.map((s) => [s.metric.phase, s.timestamps]));
    assert.deepEqual([...byPhase.keys()].sort(), ['one', 'two']);
    const one = byPhase.get('one')!;
    const two = byPhase.get('two')!;
    assert.ok(one.at(-1)! < two[0], 'the new tag from the reload on');
    assert.ok(one.at(-1)! <= reloadAt + 1000, 'the old tag ends at the reload');
    assert.ok(two.length >= 10, `points with the new tag: ${two.length}`);
    const all = [...one, ...two];
    assert.deepEqual(duplicates(all), []);
    assert.deepEqual(all, tickTimes, 'the container has a point on every tick, before and after the reloads');
  });

  test('SIGTERM with the server unreachable: exit 0 within shutdown.flush_timeout, the rest stays spooled and is said so', async () => {
    const run = new TestRun('term');
    runs.push(run);
    await run.container('a');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const config = await run.config([{ type: 'influxdb_v2', name: 'down', url: closed, token: 'unused', org: 'o', bucket: 'b' }], {
      shutdown: { flush_timeout: '2s' },
    });
    const d = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    daemons.push(d);
    await d.until('3 ticks spooled', 15_000, async () => (await d.metric('ticks_total')) >= 3 && (await d.metric('spool_points', { output: 'down' })) > 0);
    const stop = await d.stop();
    assert.deepEqual({ code: stop.code, signal: stop.signal }, { code: 0, signal: null }, d.log);
    assert.ok(stop.ms >= 1900 && stop.ms < 3500, `flushes for the 2 s bound, then exits: took ${stop.ms} ms`);
    assert.match(d.log, /stopping \(SIGTERM\): flushing for at most 2 s/);
    const stopped = d.logLines(/stopped after \d+ ticks/)[0] ?? '';
    const left = Number(/: (\d+) points stay in the spool and are sent at the next start/.exec(stopped)?.[1]);
    assert.ok(left > 0, stopped);
  });

  test('SIGTERM while a reload waits for a slow server: the daemon still stops, exit 0, nothing left running', async () => {
    const run = new TestRun('hupterm');
    runs.push(run);
    await run.container('a');
    // Every write takes 1.5 s: a reload waits for the one in flight.
    const slow = await ScriptedServer.start(() => ({ status: 204, delayMs: 1500 }));
    try {
      const configFile = join(run.dir, 'cgflux.yaml');
      const config = await run.config([{ type: 'influxdb_v2', name: 'slow', url: slow.url, token: 'unused', org: 'o', bucket: 'b' }], {
        shutdown: { flush_timeout: '3s' },
      });
      const d = await DaemonProcess.start(config, configFile);
      daemons.push(d);
      await d.until('a write in flight', 10_000, async () => slow.requests.length >= 1 && (await d.metric('spool_points', { output: 'slow' })) > 0);
      d.signal('SIGHUP');
      await d.waitForLog(/reloading the configuration/, 5000);
      d.signal('SIGTERM');
      const exit = await Promise.race([d.exited, sleep(12_000).then(() => undefined)]);
      assert.ok(exit, `the daemon did not exit within 12 s of SIGTERM during a reload:\n${d.log}`);
      assert.deepEqual(exit, { code: 0, signal: null }, d.log);
      assert.match(d.log, /stopped after \d+ ticks/);
    } finally {
      await slow.close();
    }
  });
});
