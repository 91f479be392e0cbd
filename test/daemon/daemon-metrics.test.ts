import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CarriedCounters, registerDaemonMetrics, type MeteredParts } from '../../src/daemon/daemon-metrics.js';
import { MetricsRegistry } from '../../src/daemon/self-metrics.js';
import { DROP_REASONS, type Output, type OutputStats } from '../../src/output/index.js';

function outputWith(dropped: Partial<OutputStats['pointsDropped']>): Output {
  const pointsDropped = Object.fromEntries(DROP_REASONS.map((r) => [r, dropped[r] ?? 0])) as OutputStats['pointsDropped'];
  const stats: Partial<OutputStats> = { pointsWritten: 10, pointsRetried: 0, pointsSetAside: 4, requests: 3, pointsDropped, spoolBytes: 0, spoolPoints: 6, spoolAsidePoints: 4, spoolCorruptBytes: 0, lastSuccessMs: null };
  return { name: 'influx', stats: () => stats as OutputStats } as unknown as Output;
}

function parts(outputs: Output[]): MeteredParts {
  return {
    registry: { stats: () => ({ eventsSeen: 0, reconnects: 0, skippedVanished: 0, connected: true }) },
    sampler: { droppedVanished: 0, collector: () => undefined },
    files: { openCount: 0, fallbackContainers: 0, budget: { limit: 100, used: 0, fallbackReads: 0, exhaustedOpens: 0 } },
    errors: { entries: () => [] },
    events: { dropped: 0 },
    outputs,
  } as unknown as MeteredParts;
}

describe('daemon metrics', () => {
  test('every drop reason is exported, shutdown and the server reasons included, in /metrics and cgflux_internal', () => {
    const m = new MetricsRegistry();
    registerDaemonMetrics(m, parts([outputWith({ shutdown: 7, beyond_retention: 5, type_conflict: 2 })]));
    const text = m.renderPrometheus();
    for (const reason of DROP_REASONS) assert.match(text, new RegExp(`cgflux_points_dropped_total\\{output="influx",reason="${reason}"\\} \\d+`), reason);
    assert.match(text, /cgflux_points_dropped_total\{output="influx",reason="shutdown"\} 7/);
    assert.match(text, /cgflux_points_dropped_total\{output="influx",reason="beyond_retention"\} 5/);
    assert.match(text, /cgflux_points_set_aside_total\{output="influx"\} 4/);
    assert.match(text, /cgflux_spool_aside_points\{output="influx"\} 4/);
    const rows = m.toRows();
    const shutdown = rows.find((r) => r.tags?.reason === 'shutdown' && r.tags?.output === 'influx');
    assert.equal(shutdown?.fields.points_dropped, 7n);
    const conflict = rows.find((r) => r.tags?.reason === 'type_conflict');
    assert.equal(conflict?.fields.points_dropped, 2n);
  });

  test("an output's stats are read once per collect, and afresh when a reload carries the counters on", () => {
    let written = 10;
    let calls = 0;
    const base = outputWith({});
    const output = { name: 'influx', stats: () => (calls++, { ...base.stats(), pointsWritten: written }) } as unknown as Output;
    const m = new MetricsRegistry();
    const carry = new CarriedCounters();
    registerDaemonMetrics(m, parts([output]), carry);
    m.toRows();
    assert.equal(calls, 1, 'one stats() for the ~20 families of the output');
    m.renderPrometheus();
    assert.equal(calls, 2);
    written = 25; // acknowledged after the last tick, before the reload
    carry.settle();
    assert.ok(calls > 2, 'read afresh outside a collect');
    registerDaemonMetrics(m, parts([outputWith({})]), carry);
    const row = m.toRows().find((r) => r.tags?.output === 'influx' && r.fields.points_written !== undefined);
    assert.equal(row?.fields.points_written, 35n, 'the 25 of the replaced output carried on, plus the new one’s 10');
  });
});
