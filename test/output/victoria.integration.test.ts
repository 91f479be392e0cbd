// influxdb_v2 output against REAL VictoriaMetrics (/api/v2/write, read back with /api/v1/export):
// exact counts and values, escaping round trip, outage of a private instance, crash replay with a
// torn spool tail, and the spool bound.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { LineEncoder } from '../../src/encode/index.js';
import { Output } from '../../src/output/output.js';
import { requireVictoria, VICTORIA_URL } from '../support/services.js';
import { freePort, httpGet, PrivateVictoria, type VictoriaExportSeries } from '../support/servers.js';
import { captureLog } from '../spool/log-capture.js';
import { tempSpool, v2Config, waitFor } from './helpers.js';

const run = `${process.pid}_${Date.now().toString(36)}`;

async function exportFrom(url: string, selector: string): Promise<VictoriaExportSeries[]> {
  const res = await httpGet(`${url}/api/v1/export`, `match[]=${encodeURIComponent(selector)}`);
  assert.equal(res.status, 200, res.text);
  return res.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VictoriaExportSeries);
}

async function countIn(url: string, metric: string): Promise<number> {
  return (await exportFrom(url, `{__name__="${metric}"}`)).reduce((n, s) => n + s.values.length, 0);
}

/** `n` lines of measurement `m` with integer field v = start+i, one second apart ending now. */
function numbered(m: string, n: number, start = 0, now = Date.now()): string[] {
  return Array.from({ length: n }, (_, i) => `${m},run=${run} v=${(start + i) * 1_000_003}i ${now - (n - i) * 1000 - start * 1000}`);
}

describe('influxdb_v2 output → VictoriaMetrics', () => {
  before(requireVictoria);

  test('N points arrive with exact count and exact integer values (gzip, ns precision)', async () => {
    const spool = tempSpool();
    const m = `cgflux_it_v2_${run}`;
    const output = new Output(v2Config(VICTORIA_URL, { precision: 'ns', gzip: true, batch: { max_lines: 100, max_bytes: 1e6, flush_interval_ms: 10 } }), spool, { log: captureLog() });
    try {
      const now = Date.now();
      const bodies = Array.from({ length: 1000 }, (_, i) => `${m},run=${run},i=${i} v=${i * 9_007_199}i,f=${i / 4}`);
      output.write(bodies, now);
      assert.equal(await output.flush(Date.now() + 10_000), true);
      assert.equal(output.stats().pointsWritten, 1000);
      assert.ok(output.stats().requests >= 10, 'batches of at most 100 lines');
      await waitFor('VictoriaMetrics to have all points', 15_000, async () => (await countIn(VICTORIA_URL, `${m}_v`)) === 1000);
      const series = await exportFrom(VICTORIA_URL, `{__name__="${m}_v"}`);
      const byI = new Map(series.map((s) => [Number(s.metric.i), s]));
      for (let i = 0; i < 1000; i++) {
        const s = byI.get(i)!;
        assert.deepEqual(s.values, [i * 9_007_199], `integer value of point ${i}`);
        assert.deepEqual(s.timestamps, [now]);
      }
      assert.equal(await countIn(VICTORIA_URL, `${m}_f`), 1000);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('tags with spaces, commas, equals, quotes, backslashes, newlines and unicode round-trip', async () => {
    const spool = tempSpool();
    const m = `cgflux_it_esc_${run}`;
    const output = new Output(v2Config(VICTORIA_URL), spool, { log: captureLog() });
    const values = ['a b', 'c,d', 'e=f', 'say "hi"', 'C:\\dir\\x', 'back\\,slash', 'Grüße 東京 🚀', 'tab\there'];
    try {
      const enc = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
      const bodies = enc.encode([{ container: null, rows: values.map((v, i) => ({ measurement: m, tags: { t: v, run }, fields: { v: BigInt(i) } })) }]);
      output.write(bodies, Date.now());
      assert.equal(await output.flush(Date.now() + 10_000), true);
      await waitFor('all series', 15_000, async () => (await countIn(VICTORIA_URL, `${m}_v`)) === values.length);
      const got = new Map((await exportFrom(VICTORIA_URL, `{__name__="${m}_v"}`)).map((s) => [s.values[0], s.metric.t]));
      const expected = values.map((v) => v.replace('\t', '\\t')); // control characters are written escaped, as the client does
      assert.deepEqual([...got.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t), expected);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });
});

describe('influxdb_v2 output → private VictoriaMetrics (outage, crash, bound)', () => {
  let vm: PrivateVictoria;
  before(async () => {
    vm = await PrivateVictoria.create();
  });
  after(async () => {
    await vm?.remove();
  });

  test('outage: points produced while the server is down all arrive once it is back', async () => {
    const spool = tempSpool();
    const m = `cgflux_it_outage_${run}`;
    const output = new Output(v2Config(vm.url, { retry: { initial_ms: 50, max_ms: 300 } }), spool, { log: captureLog() });
    try {
      output.writeLines(numbered(m, 100, 0));
      assert.equal(await output.flush(Date.now() + 10_000), true);
      await vm.stop();
      for (let b = 1; b <= 4; b++) {
        output.writeLines(numbered(m, 100, b * 100));
        await output.flush(Date.now() + 50);
      }
      assert.equal(output.stats().spoolPoints, 400, 'spooled while down');
      assert.ok(output.stats().errors.network >= 1);
      await vm.start();
      assert.equal(await output.flush(Date.now() + 15_000), true);
      assert.equal(output.stats().pointsWritten, 500);
      await waitFor('500 points', 15_000, async () => (await countIn(vm.url, `${m}_v`)) === 500);
    } finally {
      await output.close();
      spool.cleanup();
    }
  });

  test('crash: a fresh instance replays what was spooled and not acked; a torn last frame is cut, never sent', async () => {
    const spool = tempSpool();
    const m = `cgflux_it_crash_${run}`;
    const cfg = v2Config(vm.url, { retry: { initial_ms: 50, max_ms: 300 } });
    const first = new Output(cfg, spool, { log: captureLog() });
    first.writeLines(numbered(m, 50, 0));
    assert.equal(await first.flush(Date.now() + 10_000), true, 'batch 0 delivered and acked');
    await vm.stop();
    for (let b = 1; b <= 3; b++) {
      first.writeLines(numbered(m, 50, b * 50));
      await first.flush(Date.now()); // seal + fsync: each batch its own frame
    }
    await first.close();
    const dir = join(spool.dir, cfg.name);
    const last = readdirSync(dir).filter((f) => f.endsWith('.seg')).sort().at(-1)!;
    truncateSync(join(dir, last), statSync(join(dir, last)).size - 100); // the write of batch 3 was torn

    await vm.start();
    const log = captureLog();
    const second = new Output(cfg, spool, { log });
    try {
      assert.equal(second.stats().spoolCorruptBytes > 0, true);
      assert.equal(log.count('warn', 'torn or corrupt tail'), 1);
      assert.equal(await second.flush(Date.now() + 15_000), true);
      assert.equal(second.stats().pointsWritten, 100, 'batches 1 and 2, not the acked batch 0, not the torn batch 3');
      await waitFor('150 points', 15_000, async () => (await countIn(vm.url, `${m}_v`)) === 150);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await countIn(vm.url, `${m}_v`), 150, 'nothing sent twice, nothing of the torn frame');
    } finally {
      await second.close();
      spool.cleanup();
    }
  });

  test('spool full while the server is down: bound honoured, loss counted exactly', async () => {
    const deadPort = await freePort();
    const spool = tempSpool({ max_bytes: 20_000, segment_bytes: 5_000 });
    const m = `cgflux_it_full_${run}`;
    const cfg = v2Config(`http://127.0.0.1:${deadPort}`, { retry: { initial_ms: 50, max_ms: 200 } });
    const down = new Output(cfg, spool, { log: captureLog() });
    for (let b = 0; b < 40; b++) {
      down.writeLines(numbered(m, 20, b * 20));
      await down.flush(Date.now());
    }
    assert.ok(down.stats().spoolBytes <= 20_000, `spool ${down.stats().spoolBytes} bytes`);
    await down.close();
    const s = down.stats();
    assert.ok(s.pointsDropped.spool_full > 0);
    assert.equal(s.pointsDropped.shutdown, 0, 'nothing was held only in memory');
    assert.equal(s.spoolPoints + s.pointsDropped.spool_full + s.pointsWritten, 800, 'kept + dropped = produced');
    const kept = s.spoolPoints;
    const up = new Output(v2Config(vm.url), spool, { log: captureLog() });
    try {
      assert.equal(await up.flush(Date.now() + 15_000), true);
      assert.equal(up.stats().pointsWritten, kept);
      await waitFor(`${kept} points`, 15_000, async () => (await countIn(vm.url, `${m}_v`)) === kept);
    } finally {
      await up.close();
      spool.cleanup();
    }
  });
});
