import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes,
  formatDuration,
  formatRate,
  formatStatus,
  startStatusLine,
  type StatusSnapshot,
} from '../../src/daemon/status-line.js';

const T = Date.UTC(2026, 10, 22, 5, 0, 0);

function snap(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return { atMs: T, containers: 37, pointsWritten: 0, ticksSkipped: 0, readErrors: 0, outputs: [], ...over };
}

describe('units', () => {
  test('bytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1.2 * 1024 * 1024), '1.2 MiB');
    assert.equal(formatBytes(412 * 1024 * 1024 + 5), '412 MiB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TiB');
    assert.equal(formatBytes(NaN), '0 B');
  });

  test('durations', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(12_400), '12 s');
    assert.equal(formatDuration(89_999), '89 s');
    assert.equal(formatDuration(5 * 60_000 + 59_000), '5 min');
    assert.equal(formatDuration(3 * 3_600_000), '3 h');
    assert.equal(formatDuration(50 * 3_600_000), '2 d');
    assert.equal(formatDuration(-5000), '0 s');
  });

  test('rates', () => {
    assert.equal(formatRate(0), '0');
    assert.equal(formatRate(0.04), '0');
    assert.equal(formatRate(0.5), '0.5');
    assert.equal(formatRate(9.94), '9.9');
    assert.equal(formatRate(411.7), '412');
    assert.equal(formatRate(Infinity), '0');
  });
});

describe('formatStatus', () => {
  test('the example line: containers, rate, spool and the last error with its age', () => {
    const previous = snap({ atMs: T - 60_000, pointsWritten: 1000 });
    const now = snap({
      pointsWritten: 1000 + 412 * 60,
      outputs: [
        { name: 'influx', spoolBytes: 1.2 * 1024 * 1024, lastSuccessMs: T - 70_000, lastError: { atMs: T - 12_000, message: 'HTTP 503 Service Unavailable' } },
        { name: 'file', spoolBytes: 0, lastSuccessMs: T - 1000, lastError: null },
      ],
    });
    assert.equal(
      formatStatus(now, previous),
      'status: 37 containers, 412 points/s, spool 1.2 MiB (influx), last error 12 s ago: influx: HTTP 503 Service Unavailable',
    );
  });

  test('first line without a previous snapshot, healthy, single container, empty spool', () => {
    const now = snap({
      containers: 1,
      pointsWritten: 1,
      outputs: [{ name: 'influx', spoolBytes: 0, lastSuccessMs: T, lastError: null }],
    });
    assert.equal(formatStatus(now), 'status: 1 container, 1 point written, spool empty');
  });

  test('skipped ticks and read errors since the previous line; the newest error; recovered outputs say so', () => {
    const previous = snap({ atMs: T - 10_000, pointsWritten: 50, ticksSkipped: 4, readErrors: 10 });
    const now = snap({
      containers: 0,
      pointsWritten: 55,
      ticksSkipped: 7,
      readErrors: 11,
      outputs: [
        { name: 'a', spoolBytes: 2048, lastSuccessMs: T - 1000, lastError: { atMs: T - 400_000, message: 'old' } },
        { name: 'b', spoolBytes: 512, lastSuccessMs: T - 1000, lastError: { atMs: T - 300_000, message: 'timeout\nafter 10 s' } },
      ],
    });
    assert.equal(
      formatStatus(now, previous),
      'status: 0 containers, 0.5 points/s, spool 2.0 KiB (a), 512 B (b), 3 ticks skipped (ticks take longer than the interval), ' +
        '1 read error, last error 5 min ago: b: timeout after 10 s (writes succeed again)',
    );
  });

  test('counters that went backwards (reload) count from zero; long messages are cut', () => {
    const previous = snap({ atMs: T - 60_000, pointsWritten: 10_000, ticksSkipped: 9 });
    const now = snap({
      pointsWritten: 600,
      ticksSkipped: 1,
      outputs: [{ name: 'influx', spoolBytes: 0, lastSuccessMs: null, lastError: { atMs: T - 1000, message: 'x'.repeat(300) } }],
    });
    const line = formatStatus(now, previous);
    assert.ok(line.startsWith('status: 37 containers, 10 points/s, spool empty, 1 tick skipped (ticks take longer than the interval), last error 1 s ago: influx: xxx'), line);
    assert.ok(line.endsWith('x…'));
    assert.equal(line.length, line.indexOf('influx: ') + 'influx: '.length + 160);
  });

  test('no outputs configured', () => {
    assert.equal(formatStatus(snap({ containers: 2 })), 'status: 2 containers, 0 points written, no outputs');
  });
});

describe('startStatusLine', () => {
  test('writes a line per interval with the rate since the previous snapshot, and stops', async () => {
    let points = 0;
    let at = T;
    const lines: string[] = [];
    const status = startStatusLine({
      intervalMs: 40,
      snapshot: () => snap({ atMs: at, pointsWritten: points }),
      write: (l) => lines.push(l),
    });
    points = 100;
    at = T + 10_000;
    for (let waited = 0; lines.length === 0 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    status.stop();
    const count = lines.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(lines.length, count);
    assert.equal(lines[0], 'status: 37 containers, 10 points/s, no outputs');
  });

  test('disabled with interval 0', () => {
    let called = 0;
    startStatusLine({ intervalMs: 0, snapshot: () => (called++, snap()), write: () => called++ }).stop();
    assert.equal(called, 0);
  });
});
