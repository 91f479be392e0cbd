// The real daemon, 5 real containers, 1 s ticks for ~20 s, into REAL VictoriaMetrics (influxdb_v2)
// and REAL InfluxDB 1.6.7 (influxdb_v1) at once: every container has exactly one point per tick in
// every measurement of the default collectors, on both servers, on the tick's own timestamp; a
// sixth container started and removed mid-run has one on every tick while it existed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { INFLUX_V1_URL, VICTORIA_URL, requireDocker, requireInfluxV1, requireVictoria } from '../support/services.js';
import { removeContainer } from '../support/docker.js';
import { DaemonProcess, TestRun } from './harness.js';
import {
  CONTAINER_MEASUREMENTS,
  describePoints,
  duplicates,
  influxCounts,
  influxPoints,
  influxQuery,
  victoriaDelete,
  victoriaPoints,
  victoriaTickTimes,
  type PointsByContainer,
} from './readback.js';

describe('e2e: exact counts on VictoriaMetrics and InfluxDB 1.6.7', () => {
  const run = new TestRun('counts');
  const db = `cgflux_e2e_${run.id.replace(/-/g, '_')}`;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    await Promise.all([requireDocker(), requireVictoria(), requireInfluxV1()]);
  });

  after(async () => {
    await daemon?.ensureGone();
    await run.cleanup();
    await influxQuery(INFLUX_V1_URL, `DROP DATABASE "${db}"`).catch(() => undefined);
    await victoriaDelete(VICTORIA_URL, `{host="${run.host}"}`).catch(() => undefined);
  });

  test('5 containers × 7 measurements × every tick (and a 6th while it lived), no duplicates, no gaps, shared whole-second timestamps', async (t) => {
    const containers = await Promise.all([
      run.container('busy1', { busy: true }),
      run.container('busy2', { busy: true }),
      run.container('idle1'),
      run.container('idle2'),
      run.container('idle3'),
    ]);
    const names = containers.map((c) => c.name).sort();

    const config = await run.config([
      { type: 'influxdb_v2', name: 'vm', url: VICTORIA_URL, token: 'unused', org: 'o', bucket: 'b' },
      { type: 'influxdb_v1', name: 'influx1', url: INFLUX_V1_URL, database: db, create_database: true },
    ]);
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    const ticksReached = (n: number) => d.until(`${n} ticks`, 40_000, async () => (await d.metric('ticks_total')) >= n);
    // A sixth container lives through the middle of the run only.
    await ticksReached(6);
    const lateCalled = Date.now();
    const late = await run.container('late');
    const lateReturned = Date.now();
    await ticksReached(14);
    const rmCalled = Date.now();
    await removeContainer(late.id);
    const rmReturned = Date.now();
    await ticksReached(21);
    const stop = await daemon.stop();
    assert.deepEqual({ code: stop.code, signal: stop.signal }, { code: 0, signal: null }, daemon.log);
    assert.match(daemon.log, /stopped after \d+ ticks: every point was delivered/);
    const ticks = daemon.ticksAtStop();
    assert.ok(ticks >= 21 && ticks <= 30, `ticks ${ticks}`);

    // The tick timestamps: one per tick, whole seconds, consecutive (no tick lost or skipped).
    const tickTimes = await victoriaTickTimes(VICTORIA_URL, run.host, ticks);
    assert.equal(tickTimes.length, ticks, 'one host_cpu point per tick');
    assert.deepEqual(duplicates(tickTimes), []);
    for (const t of tickTimes) assert.equal(t % 1000, 0, `timestamp ${t} is not a whole second`);
    assert.equal(tickTimes.at(-1)! - tickTimes[0], (ticks - 1) * 1000, 'consecutive seconds');

    // The late container: every tick from the first that could see it to the last before it
    // was removed, and none twice (its first and last tick depend on when dockerd told us).
    const second = 1000;
    const lateTicks = (ts: number[], what: string): void => {
      const [first, last] = [ts[0], ts.at(-1)!];
      assert.ok(first >= Math.ceil(lateCalled / second) * second && first <= Math.ceil(lateReturned / second) * second + second, `${what}: first point ${first - lateCalled} ms after docker run`);
      assert.ok(last >= Math.floor(rmCalled / second) * second - second && last <= rmReturned, `${what}: last point ${last - rmCalled} ms after docker rm`);
      assert.deepEqual(ts, tickTimes.filter((t) => t >= first && t <= last), `${what}: every tick while it existed, once`);
    };
    let lateCount: number | undefined;
    /** The late container's last context-switch row, when the kernel counter gave it one. */
    let lastRows = 0;
    const check = (server: string, points: PointsByContainer): void => {
      assert.deepEqual([...points.keys()], CONTAINER_MEASUREMENTS.map((m) => m.measurement));
      for (const [measurement, byContainer] of points) {
        assert.deepEqual([...byContainer.keys()].sort(), [...names, late.name].sort(), `${server} ${measurement}: exactly the test's containers`);
        for (const [container, stored] of byContainer) {
          let ts = stored;
          const what = `${server} ${measurement} ${container}:\n${describePoints(points)}`;
          if (container === late.name) {
            // With the kernel counter, a container that died gets one last context-switch row on
            // the first tick after its death (docs/metrics.md, "The last row of a run").
            if (measurement === 'docker_container_context_switches' && ts.length > 1 && ts.at(-1)! > rmReturned) {
              const lastRow = ts.at(-1)!;
              assert.ok(lastRow <= Math.ceil(rmReturned / second) * second + 2 * second && tickTimes.includes(lastRow), `${what}: the last row ${lastRow - rmReturned} ms after docker rm returned, on a tick`);
              ts = ts.slice(0, -1);
              if (server === 'InfluxDB') lastRows = 1;
            }
            lateTicks(ts, what);
            lateCount ??= ts.length;
            assert.equal(ts.length, lateCount, `${what}: the same ticks in every measurement and on both servers`);
            continue;
          }
          // Exactly the tick timestamps: as many points as ticks, none twice, none missing, and
          // every container of a tick on that tick's one timestamp.
          assert.deepEqual(ts, tickTimes, what);
        }
      }
    };
    check('VictoriaMetrics', await victoriaPoints(VICTORIA_URL, run.host));
    check('InfluxDB', await influxPoints(INFLUX_V1_URL, db, run.host));
    assert.ok(lateCount! >= 6 && lateCount! <= 10, `the late container was sampled ${lateCount} times`);
    // Its lifecycle is on record too, each event with its own time and a human message.
    const events = await influxQuery(INFLUX_V1_URL, `SELECT "message", "exit_code" FROM "docker_container_event" WHERE "host"='${run.host}' AND "container_name"='${late.name}' GROUP BY "action"`, db);
    const byAction = new Map((events.results[0].series ?? []).map((s) => [s.tags!.action, s.values.map((v) => [v[1], v[2]])]));
    assert.deepEqual(byAction.get('start'), [['started', null]], `events: ${JSON.stringify([...byAction])}`);
    assert.deepEqual(byAction.get('die'), [['exited with code 137', 137]], `events: ${JSON.stringify([...byAction])}`);
    assert.deepEqual(byAction.get('destroy'), [['removed', null]], `events: ${JSON.stringify([...byAction])}`);
    const eventTimes = (events.results[0].series ?? []).flatMap((s) => s.values.map((v) => Number(v[0])));
    assert.ok(eventTimes.every((e) => e >= lateCalled - 1000 && e <= rmReturned + 1000), 'events at their own times');
    t.diagnostic(`${ticks} ticks; 5 containers × ${CONTAINER_MEASUREMENTS.length} measurements × ${ticks} points on each server; the late one ${lateCount}`);

    // The same with InfluxQL count() per container, as an operator would ask it.
    for (const m of CONTAINER_MEASUREMENTS) {
      const counts = await influxCounts(INFLUX_V1_URL, db, run.host, m);
      const lateExpected = lateCount! + (m.measurement === 'docker_container_context_switches' ? lastRows : 0);
      const expected = [...names.map((n): [string, number] => [n, ticks]), [late.name, lateExpected] as [string, number]].sort();
      assert.deepEqual([...counts].sort(), expected, `${m.measurement} count() per container`);
    }
  });
});
