// The real daemon with three broken outputs at once: a closed loopback port, a server that answers
// 401, and InfluxDB 1.6.7 without the database (create_database off). Each gets a clear log line
// per state change (not per retry), sampling goes on, nothing crashes; when a target is fixed the
// daemon says so once and the spooled points arrive.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { INFLUX_V1_URL, requireDocker, requireInfluxV1 } from '../support/services.js';
import { ScriptedServer, freePort } from '../support/servers.js';
import { DaemonProcess, TestRun, sleep } from './harness.js';
import { influxCounts, influxQuery, CONTAINER_MEASUREMENTS } from './readback.js';

describe('e2e: bad targets', () => {
  const run = new TestRun('bad');
  const db = `cgflux_e2e_missing_${run.id.replace(/-/g, '_')}`;
  let daemon: DaemonProcess | undefined;
  let scripted: ScriptedServer | undefined;

  before(async () => {
    await Promise.all([requireDocker(), requireInfluxV1()]);
  });
  after(async () => {
    await daemon?.ensureGone();
    await scripted?.close();
    await run.cleanup();
    await influxQuery(INFLUX_V1_URL, `DROP DATABASE "${db}"`).catch(() => undefined);
  });

  test('closed port, 401, missing database: one clear line each, ticks go on, recovery said once and nothing lost', async () => {
    const { name } = await run.container('a');
    let authorized = false;
    scripted = await ScriptedServer.start((req) =>
      authorized || !req.url.startsWith('/api/v2/write')
        ? { status: 204 }
        : { status: 401, body: JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }) },
    );
    const closedUrl = `http://127.0.0.1:${await freePort()}`;
    const retry = { initial: '200ms', max: '1s' };
    const config = await run.config(
      [
        { type: 'influxdb_v2', name: 'closed', url: closedUrl, token: 'unused', org: 'o', bucket: 'b', retry },
        { type: 'influxdb_v2', name: 'denied', url: scripted.url, token: 'wrong-token-e2e', org: 'o', bucket: 'b', retry },
        { type: 'influxdb_v1', name: 'nodb', url: INFLUX_V1_URL, database: db, create_database: false, retry },
      ],
      { shutdown: { flush_timeout: '2s' } },
    );
    daemon = await DaemonProcess.start(config, join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    await d.until('8 ticks and 5 requests to each output', 30_000, async () => {
      if ((await d.metric('ticks_total')) < 8) return false;
      for (const output of ['closed', 'denied', 'nodb']) if ((await d.metric('write_requests_total', { output })) < 5) return false;
      return true;
    });
    assert.equal(d.exit, undefined, 'still running');
    assert.equal(await d.metric('tick_errors_total'), 0);

    const linesOf = (output: string): string[] => d.logLines(new RegExp(`(WARN|ERROR) +\\[daemon/output/${output}\\]`));
    const closed = linesOf('closed');
    assert.equal(closed.length, 1, `one line for the closed port, not one per retry:\n${d.log}`);
    assert.match(closed[0], /WARN .*write failed; the data stays in the spool and is retried/);
    assert.match(closed[0], /ECONNREFUSED/);
    assert.ok(closed[0].includes(closedUrl), closed[0]);

    const denied = linesOf('denied');
    assert.equal(denied.length, 1, `one line for the 401:\n${d.log}`);
    assert.match(denied[0], /ERROR .*refuses our credentials/);
    assert.match(denied[0], /HTTP 401.*unauthorized access.*check the token/);
    assert.ok(!d.log.includes('wrong-token-e2e'), 'the token is never logged');

    const nodb = linesOf('nodb');
    assert.equal(nodb.length, 1, `one line for the missing database:\n${d.log}`);
    assert.match(nodb[0], /ERROR .*does not exist/);
    assert.ok(nodb[0].includes(`database \\"${db}\\" does not exist`), nodb[0]); // quotes escaped in a text log field
    assert.match(nodb[0], /set create_database: true, or fix outputs\.nodb\.database/);

    const health = await d.health();
    assert.equal(health.code, 200);
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.reasons.filter((r) => r.startsWith('output ')).length, 3, health.body.reasons.join('\n'));

    // Fix two of them: each says "writing again" once, and what was spooled arrives.
    authorized = true;
    await influxQuery(INFLUX_V1_URL, `CREATE DATABASE "${db}"`);
    await d.until('denied and nodb drained', 15_000, async () => (await d.metric('spool_points', { output: 'denied' })) === 0 && (await d.metric('spool_points', { output: 'nodb' })) === 0);
    await sleep(1500);
    assert.equal(d.logLines(/\[daemon\/output\/denied\] output: writing again/).length, 1);
    assert.equal(d.logLines(/\[daemon\/output\/nodb\] output: writing again/).length, 1);
    assert.equal(d.logLines(/\[daemon\/output\/closed\] output: writing again/).length, 0);
    assert.equal(linesOf('closed').length, 1, 'still one line for the port that stays closed');

    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
    const ticks = d.ticksAtStop();
    // Everything the nodb output spooled while the database was missing is there: one per tick.
    for (const m of CONTAINER_MEASUREMENTS) {
      assert.deepEqual([...(await influxCounts(INFLUX_V1_URL, db, run.host, m))], [[name, ticks]], m.measurement);
    }
  });
});
