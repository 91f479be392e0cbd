// influxdb_v1 output against the REAL InfluxDB 1.6.7: database created on demand, exact counts
// with InfluxQL, partial writes (a bad line among good ones) through the real parser, escaping.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LineEncoder } from '../../src/encode/index.js';
import { Output } from '../../src/output/output.js';
import { INFLUX_V1_URL, requireInfluxV1 } from '../support/services.js';
import { httpGet, PrivateInfluxd } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { linesDropped, tempSpool, v1Config, waitFor } from './helpers.js';

const db = `cgflux_it_${process.pid}_${Date.now().toString(36)}`;

async function influxql(q: string): Promise<{ results: { series?: { values: unknown[][] }[]; error?: string }[] }> {
  const res = await httpGet(`${INFLUX_V1_URL}/query?db=${db}`, `q=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text);
}

describe('influxdb_v1 output → InfluxDB 1.6.7', () => {
  before(requireInfluxV1);
  after(async () => {
    await httpGet(`${INFLUX_V1_URL}/query`, `q=${encodeURIComponent(`DROP DATABASE "${db}"`)}`).catch(() => undefined);
  });

  test('create_database, then N points in several batches: exact count and exact integer sum', async () => {
    const spool = tempSpool();
    const log = captureLog();
    const output = new Output(v1Config(INFLUX_V1_URL, { database: db, create_database: true, precision: 's', batch: { max_lines: 300, max_bytes: 1e6, flush_interval_ms: 10 } }), spool, { log });
    try {
      const now = Math.floor(Date.now() / 1000) * 1000;
      const n = 2000;
      for (let t = 0; t < 4; t++) {
        const bodies = Array.from({ length: n / 4 }, (_, i) => `cpu,host=h,i=${i} v=${(t * 500 + i) * 4_000_000_007}i,ok=T,s="x"`);
        output.write(bodies, now - (4 - t) * 1000);
      }
      assert.equal(await output.flush(Date.now() + 15_000), true);
      assert.equal(output.stats().pointsWritten, n);
      assert.equal(log.count('info', 'created the missing database'), 1);
      assert.equal(log.count('error', 'does not exist'), 0, 'a database create_database made is no error');
      const count = await influxql('SELECT count(v) FROM cpu');
      assert.equal(count.results[0].series![0].values[0][1], n);
      const sum = await influxql('SELECT sum(v) FROM cpu');
      // Σ k·4000000007 for k < 2000 = 4000000007 · 1999000 = 7996000013993000 (< 2^53: JSON-exact)
      assert.equal(sum.results[0].series![0].values[0][1], 7_996_000_013_993_000);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('a retention policy that does not exist: named in the error, data kept', async () => {
    await influxql(`CREATE DATABASE "${db}"`);
    const spool = tempSpool();
    const output = new Output(v1Config(INFLUX_V1_URL, { database: db, retention_policy: 'nope' }), spool, { log: captureLog() });
    try {
      output.writeLines(['rp v=1i']);
      await waitFor('a not-found failure', 10_000, () => (output.stats().errors.not_found ?? 0) >= 1);
      assert.match(output.stats().lastError!.message, /retention policy "nope" does not exist in database "cgflux_it_/);
      assert.equal(output.stats().spoolPoints, 1);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('a partial write: the real server rejects one bad line; exactly it is dropped, the rest lands', async () => {
    const spool = tempSpool();
    const output = new Output(v1Config(INFLUX_V1_URL, { database: db, precision: 'ms' }), spool, { log: captureLog() });
    try {
      const ts = Date.now();
      const lines = Array.from({ length: 40 }, (_, i) => `partial,k=a v=${i}i ${ts - i}`);
      lines.splice(17, 0, `partial,k=a v="now a string" ${ts - 1000}`); // field type conflict → 400 partial write
      lines.splice(30, 0, `partial,k=a v=1i,v=oops ${ts - 2000}`);
      output.writeLines(lines);
      assert.equal(await output.flush(Date.now() + 15_000), true);
      const s = output.stats();
      assert.equal(s.pointsDropped.type_conflict, 1, 'the string among integers');
      assert.equal(s.pointsDropped.unparsable, 1, 'v=1i,v=oops');
      assert.equal(linesDropped(s), 2);
      assert.equal(s.pointsWritten, 40);
      const count = await influxql('SELECT count(v) FROM partial');
      assert.equal(count.results[0].series![0].values[0][1], 40);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('tag values with separators, quotes, backslashes and unicode are accepted and read back', async () => {
    const spool = tempSpool();
    const output = new Output(v1Config(INFLUX_V1_URL, { database: db }), spool, { log: captureLog() });
    const values = ['a b', 'c,d', 'e=f', 'say "hi"', 'C:\\dir\\x', 'trailing\\', 'Grüße 東京 🚀'];
    try {
      const enc = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
      const bodies = enc.encode([{ container: null, rows: values.map((v, i) => ({ measurement: 'esc', tags: { t: v }, fields: { v: BigInt(i), s: `v\\${v}\n"` } })) }]);
      output.write(bodies, Date.now());
      assert.equal(await output.flush(Date.now() + 15_000), true);
      assert.equal(linesDropped(output.stats()), 0, 'no line rejected by the 1.6.7 parser');
      const res = await influxql('SHOW TAG VALUES FROM esc WITH KEY = "t"');
      const got = res.results[0].series![0].values.map((r) => r[1]).sort();
      const expected = values.map((v) => v.replace(/\\+$/, '')).sort(); // trailing backslashes cannot be written to 1.x
      assert.deepEqual(got, expected);
      const strings = await influxql('SELECT s FROM esc ORDER BY time');
      const stored = strings.results[0].series![0].values.map((r) => r[1]).sort();
      assert.deepEqual(stored, values.map((v) => `v\\${v}\n"`).sort(), 'string fields are exact');
    } finally {
      await output.close();
      spool.cleanup();
    }
  });
});

describe('influxdb_v1 output → private influxd (missing database, outage)', () => {
  test('database not found: clear error naming it, data kept; delivered once it exists and after a restart', async () => {
    const influxd = await PrivateInfluxd.create();
    const spool = tempSpool();
    const log = captureLog();
    const output = new Output(v1Config(influxd.url, { database: 'metrics', retry: { initial_ms: 50, max_ms: 200 } }), spool, { log });
    try {
      const now = Date.now();
      output.writeLines(Array.from({ length: 30 }, (_, i) => `m v=${i}i ${now - i}`));
      await waitFor('a not-found failure', 10_000, () => (output.stats().errors.not_found ?? 0) >= 2);
      assert.match(output.stats().lastError!.message, /database "metrics" does not exist at http:\/\/127\.0\.0\.1:\d+: create it, set create_database: true/);
      assert.equal(log.count('error', 'does not exist'), 1, 'logged once, not per retry');
      assert.equal(output.stats().spoolPoints, 30);
      assert.equal((await influxd.query('CREATE DATABASE metrics')).status, 200);
      assert.equal(await output.flush(Date.now() + 10_000), true);
      assert.equal(output.stats().pointsWritten, 30);

      await influxd.stop();
      output.writeLines(Array.from({ length: 20 }, (_, i) => `m v=${100 + i}i ${now - 1000 - i}`));
      await waitFor('a network failure', 10_000, () => (output.stats().errors.network ?? 0) >= 1);
      await influxd.start();
      assert.equal(await output.flush(Date.now() + 15_000), true);
      const res = JSON.parse((await influxd.query('SELECT count(v) FROM m', 'metrics')).text);
      assert.equal(res.results[0].series[0].values[0][1], 50);
    } finally {
      await output.close();
      spool.cleanup();
      await influxd.remove();
    }
  });
});
