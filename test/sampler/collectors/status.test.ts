import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusCollector } from '../../../src/sampler/collectors/status.js';
import { V1_ID, V1_ROOT, containerInfo, runCollector, v1Paths } from '../support/fixture-trees.js';

// The clock: monotonic 1 s ↔ 2026-01-01T00:00:10Z.
const EPOCH_AT_1S = BigInt(Date.parse('2026-01-01T00:00:10Z')) * 1_000_000n;
const clock = { epochNs: EPOCH_AT_1S, monotonicNs: 1_000_000_000n };
const STARTED = Date.parse('2026-01-01T00:00:00Z');

describe('status collector', () => {
  test('running: ns epoch times and uptime from the monotonic clock', () => {
    const c = containerInfo(V1_ID, { pid: 4100, restartCount: 2, startedAt: STARTED });
    const run = runCollector(createStatusCollector(clock), v1Paths(V1_ROOT, V1_ID), c);
    assert.deepEqual(run.collect({ monotonicNs: 3_500_000_000n }), [{
      measurement: 'docker_container_status',
      fields: { oomkilled: false, state: 'running', pid: 4100n, exitcode: 0n, restart_count: 2n, started_at: BigInt(STARTED) * 1_000_000n, uptime_ns: 12_500_000_000n },
    }]);
  });

  test('exited: uptime is finished − started; exit code and OOM kill', () => {
    const c = containerInfo(V1_ID, { state: 'exited', pid: 0, exitCode: 137, oomKilled: true, startedAt: STARTED, finishedAt: STARTED + 90_000 });
    const rows = runCollector(createStatusCollector(clock), { version: 1, driver: 'unknown', dirs: {} }, c).collect();
    assert.deepEqual(rows[0].fields, {
      oomkilled: true, state: 'exited', pid: 0n, exitcode: 137n, restart_count: 0n,
      started_at: BigInt(STARTED) * 1_000_000n, finished_at: BigInt(STARTED + 90_000) * 1_000_000n, uptime_ns: 90_000_000_000n,
    });
  });

  test('never started: no times, no uptime', () => {
    const c = containerInfo(V1_ID, { state: 'created', pid: 0 });
    assert.deepEqual(runCollector(createStatusCollector(clock), v1Paths(V1_ROOT, V1_ID), c).collect()[0].fields, { oomkilled: false, state: 'created', pid: 0n, exitcode: 0n, restart_count: 0n });
  });

  test('every state Docker reports is the state field, as it says it', () => {
    for (const state of ['running', 'paused', 'restarting', 'exited', 'created', 'dead', 'removing']) {
      const c = containerInfo(V1_ID, { state, pid: state === 'running' || state === 'paused' ? 4100 : 0 });
      assert.equal(runCollector(createStatusCollector(clock), v1Paths(V1_ROOT, V1_ID), c).collect()[0].fields.state, state);
    }
    const unknown = containerInfo(V1_ID, { state: '' });
    assert.equal('state' in runCollector(createStatusCollector(clock), v1Paths(V1_ROOT, V1_ID), unknown).collect()[0].fields, false);
  });

  test('a healthcheck adds a docker_container_health row', () => {
    const c = containerInfo(V1_ID, { health: 'unhealthy', failingStreak: 4, startedAt: STARTED });
    const rows = runCollector(createStatusCollector(clock), v1Paths(V1_ROOT, V1_ID), c).collect({ monotonicNs: 1_000_000_000n });
    assert.deepEqual(rows[1], { measurement: 'docker_container_health', fields: { health_status: 'unhealthy', failing_streak: 4n } });
  });
});

describe('status collector on bad input', () => {
  test('non-integer numbers leave their field out instead of throwing', () => {
    const c = containerInfo(V1_ID, { pid: Number.NaN, exitCode: 1.5, restartCount: undefined as unknown as number, startedAt: Number.NaN, health: 'starting', failingStreak: -0.5 });
    const rows = runCollector(createStatusCollector(clock), { version: 1, driver: 'unknown', dirs: {} }, c).collect();
    assert.deepEqual(rows, [
      { measurement: 'docker_container_status', fields: { oomkilled: false, state: 'running' } },
      { measurement: 'docker_container_health', fields: { health_status: 'starting', failing_streak: 0n } },
    ]);
  });
});
