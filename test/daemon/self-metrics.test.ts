import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync, readdirSync } from 'node:fs';
import { MetricsRegistry, INTERNAL_MEASUREMENT } from '../../src/daemon/self-metrics.js';
import { cachedOpenFds, countOpenFds, openFdsCounter, openFdsFromSize, registerProcessMetrics, residentBytesReader } from '../../src/daemon/process-metrics.js';

describe('MetricsRegistry: Prometheus text', () => {
  test('renders HELP, TYPE, prefix, _total and labels exactly', () => {
    const r = new MetricsRegistry();
    const influx = r.counter('points_written_total', 'Points accepted by the output.', { output: 'influx' });
    const file = r.counter('points_written', 'ignored: first help wins', { output: 'file' });
    r.gauge('containers', 'Containers sampled by the last tick.').set(37);
    r.gaugeFn('spool_bytes', 'Bytes waiting in the spool.', () => 1536, { output: 'influx' });
    r.gauge('gather_seconds', 'Time the last tick took.', {}, { float: true }).set(0.25);
    influx.inc(400);
    influx.inc(12);
    file.inc();
    assert.equal(
      r.renderPrometheus(),
      '# HELP cgflux_points_written_total Points accepted by the output.\n' +
        '# TYPE cgflux_points_written_total counter\n' +
        'cgflux_points_written_total{output="influx"} 412\n' +
        'cgflux_points_written_total{output="file"} 1\n' +
        '# HELP cgflux_containers Containers sampled by the last tick.\n' +
        '# TYPE cgflux_containers gauge\n' +
        'cgflux_containers 37\n' +
        '# HELP cgflux_spool_bytes Bytes waiting in the spool.\n' +
        '# TYPE cgflux_spool_bytes gauge\n' +
        'cgflux_spool_bytes{output="influx"} 1536\n' +
        '# HELP cgflux_gather_seconds Time the last tick took.\n' +
        '# TYPE cgflux_gather_seconds gauge\n' +
        'cgflux_gather_seconds 0.25\n',
    );
  });

  test('the same name and labels give the same handle, label order does not matter', () => {
    const r = new MetricsRegistry();
    const a = r.counter('read_errors_total', 'h', { collector: 'cpu', reason: 'missing' });
    const b = r.counter('read_errors_total', 'h', { reason: 'missing', collector: 'cpu' });
    a.inc(2);
    b.inc(3);
    assert.equal(a, b);
    assert.equal(a.value, 5);
    assert.equal(
      r.renderPrometheus(),
      '# HELP cgflux_read_errors_total h\n# TYPE cgflux_read_errors_total counter\n' +
        'cgflux_read_errors_total{collector="cpu",reason="missing"} 5\n',
    );
  });

  test('label values escape backslash, double quote and newline; HELP escapes backslash and newline', () => {
    const r = new MetricsRegistry();
    r.gauge('odd', 'line one\nback\\slash "quoted"', { path: 'C:\\x "y"\nz' }).set(1);
    assert.equal(
      r.renderPrometheus(),
      '# HELP cgflux_odd line one\\nback\\\\slash "quoted"\n# TYPE cgflux_odd gauge\n' +
        'cgflux_odd{path="C:\\\\x \\"y\\"\\nz"} 1\n',
    );
  });

  test('special values, undefined callbacks, throwing callbacks and dynamic families', () => {
    const r = new MetricsRegistry();
    r.gauge('nan', 'n', {}, { float: true }).set(NaN);
    r.gauge('inf', 'i', {}, { float: true }).set(-Infinity);
    r.gaugeFn('unknown', 'u', () => undefined);
    r.gaugeFn('broken', 'b', () => {
      throw new Error('boom');
    });
    r.dynamic('counter', 'read_errors', 'Values that could not be read.', () => [
      { labels: { collector: 'memory', reason: 'vanished' }, value: 4 },
      { labels: { collector: 'cpu', reason: 'malformed' }, value: 1 },
    ]);
    assert.equal(
      r.renderPrometheus(),
      '# HELP cgflux_nan n\n# TYPE cgflux_nan gauge\ncgflux_nan NaN\n' +
        '# HELP cgflux_inf i\n# TYPE cgflux_inf gauge\ncgflux_inf -Inf\n' +
        '# HELP cgflux_read_errors_total Values that could not be read.\n# TYPE cgflux_read_errors_total counter\n' +
        'cgflux_read_errors_total{collector="memory",reason="vanished"} 4\n' +
        'cgflux_read_errors_total{collector="cpu",reason="malformed"} 1\n',
    );
  });

  test('rejects a type clash and invalid names', () => {
    const r = new MetricsRegistry();
    r.counter('x', 'h');
    assert.throws(() => r.gauge('x', 'h'), /already registered as a counter/);
    assert.throws(() => r.counter('bad-name', 'h'), /invalid metric name/);
    assert.throws(() => r.counter('ok', 'h', { 'bad-label': 'v' }), /invalid label name/);
  });

  test('remove drops one label set or a whole family', () => {
    const r = new MetricsRegistry();
    r.counter('points_written', 'h', { output: 'a' }).inc();
    r.counter('points_written', 'h', { output: 'b' }).inc(2);
    r.gaugeFn('spool_bytes', 's', () => 10, { output: 'a' });
    r.gaugeFn('spool_bytes', 's', () => 20, { output: 'b' });
    r.remove('points_written_total', { output: 'a' });
    r.remove('spool_bytes', { output: 'a' });
    assert.equal(
      r.renderPrometheus(),
      '# HELP cgflux_points_written_total h\n# TYPE cgflux_points_written_total counter\ncgflux_points_written_total{output="b"} 2\n' +
        '# HELP cgflux_spool_bytes s\n# TYPE cgflux_spool_bytes gauge\ncgflux_spool_bytes{output="b"} 20\n',
    );
    r.remove('spool_bytes');
    assert.doesNotMatch(r.renderPrometheus(), /spool/);
  });
});

test('sum adds up every label set of a family, whatever its source', () => {
  const r = new MetricsRegistry();
  r.counter('points_written_total', 'h', { output: 'a' }).inc(10);
  r.counter('points_written_total', 'h', { output: 'b' }).inc(5);
  r.counterFn('points_written_total', 'h', () => 100, { output: 'c' });
  r.dynamic('counter', 'read_errors', 'h', () => [
    { labels: { collector: 'cpu', reason: 'missing' }, value: 2 },
    { labels: { collector: 'net', reason: 'vanished' }, value: 3 },
  ]);
  assert.equal(r.sum('points_written'), 115);
  assert.equal(r.sum('points_written_total'), 115);
  assert.equal(r.sum('read_errors_total'), 5);
  assert.equal(r.sum('never_registered'), 0);
});

describe('MetricsRegistry: cgflux_internal rows', () => {
  test('one row per label set, a tag per label, bigint for integer families and number for floats', () => {
    const r = new MetricsRegistry();
    r.counter('points_written_total', 'h', { output: 'influx' }).inc(412);
    r.counter('points_dropped_total', 'h', { output: 'influx' }).inc(3);
    r.gaugeFn('spool_bytes', 'h', () => 1536.9, { output: 'influx' });
    r.counter('ticks_skipped', 'h').inc(2);
    r.gauge('gather_ms', 'h', {}, { float: true }).set(12.5);
    r.gauge('containers', 'h').set(37);
    r.gauge('broken', 'h', {}, { float: true }).set(NaN);
    const rows = r.toRows();
    assert.deepEqual(rows, [
      {
        measurement: INTERNAL_MEASUREMENT,
        tags: { output: 'influx' },
        fields: { points_written: 412n, points_dropped: 3n, spool_bytes: 1536n },
      },
      { measurement: 'cgflux_internal', fields: { ticks_skipped: 2n, gather_ms: 12.5, containers: 37n } },
    ]);
  });

  test('multiple labels become multiple tags', () => {
    const r = new MetricsRegistry();
    r.dynamic('counter', 'read_errors', 'h', () => [{ labels: { reason: 'missing', collector: 'cpu' }, value: 7 }]);
    assert.deepEqual(r.toRows(), [
      { measurement: 'cgflux_internal', tags: { collector: 'cpu', reason: 'missing' }, fields: { read_errors: 7n } },
    ]);
  });
});

describe('process metrics', () => {
  test('open fds follows opened and closed descriptors', () => {
    // The runtime may open or close a descriptor of its own between two readings (the test
    // runner's reporter, libuv): a round counts only when nothing else changed during it.
    let rounds = 0;
    for (let attempt = 0; attempt < 20 && rounds < 3; attempt++) {
      const listed = readdirSync('/proc/self/fd').length - 1;
      const before = countOpenFds();
      const fds = [openSync('/proc/self/stat', 'r'), openSync('/proc/self/status', 'r')];
      const during = countOpenFds();
      for (const fd of fds) closeSync(fd);
      const after = countOpenFds();
      if (listed !== before || after !== before) continue;
      assert.equal(during, (before as number) + 2);
      rounds++;
    }
    assert.equal(rounds, 3, 'the descriptor count never held still for a round');
    assert.equal(countOpenFds('/nonexistent/fd'), undefined);
  });

  test('the size of /proc/self/fd is the descriptor count (Linux 6.2 and later), taken on every call', () => {
    let rounds = 0;
    const counter = openFdsCounter(60_000);
    for (let attempt = 0; attempt < 20 && rounds < 3; attempt++) {
      const listed = countOpenFds();
      const before = openFdsFromSize();
      const fds = [openSync('/proc/self/stat', 'r'), openSync('/proc/self/status', 'r')];
      const during = counter();
      for (const fd of fds) closeSync(fd);
      const after = counter();
      if (listed !== before || after !== before) continue;
      assert.equal(during, (before as number) + 2, 'no once-a-minute cache where the size is given');
      rounds++;
    }
    assert.equal(rounds, 3, 'the descriptor count never held still for a round');
  });

  test('a kernel that gives the fd directory no size (before 6.2) falls back to the listing', () => {
    // /proc/self/fdinfo lists the same descriptors and has size 0, as /proc/self/fd had before 6.2.
    assert.equal(openFdsFromSize('/proc/self/fdinfo'), undefined);
    assert.equal(openFdsFromSize('/nonexistent/fd'), undefined);
    const counter = openFdsCounter(60_000, '/proc/self/fdinfo');
    const first = counter() as number;
    assert.ok(Math.abs(first - (countOpenFds() as number)) <= 2, `${first} vs ${countOpenFds()}`);
    const fd = openSync('/proc/self/stat', 'r');
    assert.equal(counter(), first, 'the listing is cached for its interval');
    closeSync(fd);
  });

  test('RSS from a kept /proc/self/statm descriptor agrees with rss() and follows the heap; without statm, rss() itself', () => {
    const rss = residentBytesReader();
    const near = (a: number, b: number) => Math.abs(a - b) <= 8 * 1024 * 1024;
    assert.ok(near(rss(), process.memoryUsage.rss()), `${rss()} vs ${process.memoryUsage.rss()}`);
    const before = rss();
    const held = Buffer.alloc(64 * 1024 * 1024, 1);
    assert.ok(rss() >= before + 48 * 1024 * 1024, 'a 64 MiB buffer shows');
    assert.equal(held[0], 1);
    const fallback = residentBytesReader('/nonexistent/statm');
    assert.ok(near(fallback(), process.memoryUsage.rss()));
  });

  test('the open-fds count is taken again only once its interval has passed', () => {
    let nowMs = 1000;
    let listings = 0;
    const open = cachedOpenFds(60_000, () => ++listings * 10, () => nowMs);
    assert.equal(open(), 10);
    nowMs += 59_999;
    assert.equal(open(), 10);
    nowMs += 1;
    assert.equal(open(), 20);
    assert.equal(listings, 2);
  });

  test('RSS, heap, fds, CPU and uptime are rendered with plausible values', () => {
    const r = new MetricsRegistry();
    registerProcessMetrics(r);
    const text = r.renderPrometheus();
    const value = (name: string): number => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      assert.ok(m, `${name} in\n${text}`);
      return Number(m[1]);
    };
    const rss = value('cgflux_process_resident_memory_bytes');
    assert.ok(rss > 10 * 1024 * 1024 && rss < 4 * 1024 ** 3, `rss ${rss}`);
    assert.ok(value('cgflux_process_heap_used_bytes') > 1024 * 1024);
    assert.ok(value('cgflux_process_open_fds') >= 3);
    const cpu = value('cgflux_process_cpu_seconds_total');
    assert.ok(cpu > 0 && cpu < process.uptime() * 64, `cpu ${cpu}`);
    assert.ok(value('cgflux_process_uptime_seconds') > 0);
    const [row] = r.toRows();
    assert.equal(typeof row.fields.process_resident_memory_bytes, 'bigint');
    assert.equal(typeof row.fields.process_cpu_seconds, 'number');
  });
});
