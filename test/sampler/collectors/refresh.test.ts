// Limits and slow counters are not read every tick: limits on the first tick and every 30 s, the
// peak every 30 s and after Docker reports an OOM kill, failure and OOM counts every tick while a
// limit is set (with the peak otherwise). Their values ship every tick from the last reading.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuCollector } from '../../../src/sampler/collectors/cpu.js';
import { createMemoryCollector } from '../../../src/sampler/collectors/memory.js';
import { createPidsCollector } from '../../../src/sampler/collectors/pids.js';
import { LIMITS_REFRESH_NS, REFRESH_SLACK_NS, SLOW_COUNTERS_REFRESH_NS, isDue } from '../../../src/sampler/collectors/read-helpers.js';
import { V1_ID, V1_OLD_ID, V1_ROOT, V2_ROOT, containerInfo, runCollector, v1Paths, v2CgroupfsPaths } from '../support/fixture-trees.js';

const S = 1_000_000_000n;

describe('limits and slow counters', () => {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-refresh-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  cpSync(V1_ROOT, join(root, 'v1'), { recursive: true });
  cpSync(V2_ROOT, join(root, 'v2'), { recursive: true });

  test('isDue: first tick, after the period, and when the clock went back', () => {
    assert.equal(isDue(undefined, 5n * S, 10n * S), true);
    assert.equal(isDue(5n * S, 14n * S, 10n * S), false);
    assert.equal(isDue(5n * S, 15n * S, 10n * S), true);
    assert.equal(isDue(5n * S, 4n * S, 10n * S), true);
  });

  test('isDue: a tick that starts a few ms early is due (a 10 s period at a 10 s interval is read every tick)', () => {
    const ms = 1_000_000n;
    assert.equal(isDue(0n, 10n * S - 2n * ms, 10n * S), true);
    assert.equal(isDue(0n, 10n * S - REFRESH_SLACK_NS, 10n * S), true);
    assert.equal(isDue(0n, 10n * S - REFRESH_SLACK_NS - 1n, 10n * S), false);
    // At a 1 s interval the 10th tick is the first due, as without the slack.
    assert.equal(isDue(0n, 9n * S + 2n * ms, 10n * S), false);
    assert.equal(LIMITS_REFRESH_NS, 30n * S);
    assert.equal(SLOW_COUNTERS_REFRESH_NS, 30n * S);
  });

  test('cpu v1: a new quota (docker update) shows once 30 s passed, the cached limit ships meanwhile', () => {
    const paths = v1Paths(join(root, 'v1'), V1_ID);
    const run = runCollector(createCpuCollector({ perCpu: false }), paths);
    assert.equal(run.collect({ monotonicNs: 100n * S })[0].fields.limit_cpus, 0.5);
    writeFileSync(join(paths.dirs.cpu!, 'cpu.cfs_quota_us'), '200000\n');
    assert.equal(run.collect({ monotonicNs: 129n * S })[0].fields.limit_cpus, 0.5);
    assert.equal(run.collect({ monotonicNs: 130n * S })[0].fields.limit_cpus, 2);
    writeFileSync(join(paths.dirs.cpu!, 'cpu.cfs_quota_us'), '-1\n');
    assert.equal(run.collect({ monotonicNs: 159n * S })[0].fields.limit_cpus, 2);
    // No quota any more: the 4-CPU cpuset (0-3 of 8) is the limit.
    assert.equal(run.collect({ monotonicNs: 160n * S })[0].fields.limit_cpus, 4);
  });

  test('cpu v1: throttling counters every tick under a quota; without one (they cannot move) with the limits', () => {
    const stat = (periods: number) => `nr_periods ${periods}\nnr_throttled 1\nthrottled_time 5\n`;
    const limited = v1Paths(join(root, 'v1'), V1_ID);
    writeFileSync(join(limited.dirs.cpu!, 'cpu.cfs_quota_us'), '50000\n');
    const run = runCollector(createCpuCollector({ perCpu: false }), limited);
    run.collect({ monotonicNs: 0n });
    writeFileSync(join(limited.dirs.cpu!, 'cpu.stat'), stat(2000));
    assert.equal(run.collect({ monotonicNs: 1n * S })[0].fields.throttling_periods, 2000n);

    const free = v1Paths(join(root, 'v1'), V1_OLD_ID);
    const idle = runCollector(createCpuCollector({ perCpu: false }), free, containerInfo(V1_OLD_ID));
    assert.equal(idle.collect({ monotonicNs: 0n })[0].fields.throttling_periods, 0n);
    writeFileSync(join(free.dirs.cpu!, 'cpu.stat'), stat(3));
    assert.equal(idle.collect({ monotonicNs: 29n * S })[0].fields.throttling_periods, 0n);
    assert.equal(idle.collect({ monotonicNs: 30n * S })[0].fields.throttling_periods, 3n);
  });

  test('cpu v2: cpu.max re-read every 30 s', () => {
    const paths = v2CgroupfsPaths(join(root, 'v2'));
    const run = runCollector(createCpuCollector({ perCpu: false }), paths, containerInfo(V1_ID));
    assert.equal(run.collect({ monotonicNs: 1n * S })[0].fields.limit_cpus, 1.5);
    writeFileSync(join(paths.dirs.unified!, 'cpu.max'), '50000 100000\n');
    assert.equal(run.collect({ monotonicNs: 2n * S })[0].fields.limit_cpus, 1.5);
    assert.equal(run.collect({ monotonicNs: 31n * S })[0].fields.limit_cpus, 0.5);
  });

  test('memory v1: limit and max_usage every 30 s; failcnt and oom_kill every tick under a limit', () => {
    const paths = v1Paths(join(root, 'v1'), V1_ID);
    const dir = paths.dirs.memory!;
    const run = runCollector(createMemoryCollector(), paths);
    const first = run.collect({ monotonicNs: 0n })[0].fields;
    assert.deepEqual([first.limit, first.max_usage, first.fail_count, first.oom_kill], [268435456n, 134217728n, 3n, 1n]);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), '536870912\n');
    writeFileSync(join(dir, 'memory.max_usage_in_bytes'), '200000000\n');
    writeFileSync(join(dir, 'memory.failcnt'), '4\n');
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    const second = run.collect({ monotonicNs: 1n * S })[0].fields;
    assert.deepEqual([second.limit, second.max_usage, second.fail_count, second.oom_kill, second.oom_events], [268435456n, 134217728n, 4n, 2n, 2n]);
    const tenth = run.collect({ monotonicNs: 10n * S })[0].fields;
    assert.deepEqual([tenth.limit, tenth.max_usage], [268435456n, 134217728n]);
    const thirtieth = run.collect({ monotonicNs: 30n * S })[0].fields;
    assert.deepEqual([thirtieth.limit, thirtieth.max_usage], [536870912n, 200000000n]);
  });

  test('memory: between two readings of the peak, max_usage is at least the charge read this tick', () => {
    const paths = v1Paths(join(root, 'v1'), V1_OLD_ID);
    const dir = paths.dirs.memory!;
    const run = runCollector(createMemoryCollector(), paths, containerInfo(V1_OLD_ID));
    const first = run.collect({ monotonicNs: 0n })[0].fields;
    const above = (first.max_usage as bigint) + 4096n;
    writeFileSync(join(dir, 'memory.usage_in_bytes'), `${above}\n`);
    assert.equal(run.collect({ monotonicNs: 1n * S })[0].fields.max_usage, above);
    writeFileSync(join(dir, 'memory.usage_in_bytes'), '4096\n');
    assert.equal(run.collect({ monotonicNs: 2n * S })[0].fields.max_usage, above);
  });

  test('memory v1 without a limit: failcnt cannot move, read with the slow counters every 30 s', () => {
    const paths = v1Paths(join(root, 'v1'), V1_OLD_ID);
    const run = runCollector(createMemoryCollector(), paths, containerInfo(V1_OLD_ID));
    assert.equal(run.collect({ monotonicNs: 0n })[0].fields.fail_count, 0n);
    writeFileSync(join(paths.dirs.memory!, 'memory.failcnt'), '7\n');
    assert.equal(run.collect({ monotonicNs: 10n * S })[0].fields.fail_count, 0n);
    assert.equal(run.collect({ monotonicNs: 29n * S })[0].fields.fail_count, 0n);
    assert.equal(run.collect({ monotonicNs: 30n * S })[0].fields.fail_count, 7n);
  });

  test('memory v1 without a limit: an OOM kill Docker reports is read at the next tick, not in 30 s', () => {
    const root1 = mkdtempSync(join(tmpdir(), 'cgflux-oom-'));
    try {
      cpSync(V1_ROOT, root1, { recursive: true });
      const paths = v1Paths(root1, V1_OLD_ID);
      const collector = createMemoryCollector();
      const run = runCollector(collector, paths, containerInfo(V1_OLD_ID));
      const first = run.collect({ monotonicNs: 0n })[0].fields;
      assert.equal(first.oom_kill, undefined, 'this older kernel has no oom_kill key');
      writeFileSync(join(paths.dirs.memory!, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
      writeFileSync(join(paths.dirs.memory!, 'memory.max_usage_in_bytes'), '999999999\n');
      assert.equal(run.collect({ monotonicNs: 5n * S })[0].fields.oom_kill, undefined, 'not due yet');
      collector.oomReported!(run.state as Parameters<NonNullable<typeof collector.oomReported>>[0]);
      const after = run.collect({ monotonicNs: 6n * S })[0].fields;
      assert.deepEqual([after.oom_kill, after.oom_events, after.max_usage], [1n, 1n, 999999999n]);
      writeFileSync(join(paths.dirs.memory!, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
      assert.equal(run.collect({ monotonicNs: 35n * S })[0].fields.oom_kill, 1n, 'the period starts again from the report');
      assert.equal(run.collect({ monotonicNs: 36n * S })[0].fields.oom_kill, 2n);
    } finally {
      rmSync(root1, { recursive: true, force: true });
    }
  });

  test('memory v2: memory.max and memory.peak every 30 s; memory.events every tick under a limit', () => {
    const paths = v2CgroupfsPaths(join(root, 'v2'));
    const dir = paths.dirs.unified!;
    const run = runCollector(createMemoryCollector(), paths);
    const first = run.collect({ monotonicNs: 0n })[0].fields;
    writeFileSync(join(dir, 'memory.max'), '1073741824\n');
    writeFileSync(join(dir, 'memory.peak'), '999999999\n');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 99\noom 5\noom_kill 4\n');
    const second = run.collect({ monotonicNs: 1n * S })[0].fields;
    assert.deepEqual([second.limit, second.max_usage, second.fail_count, second.oom_events, second.oom_kill], [first.limit, first.max_usage, 99n, 5n, 4n]);
    assert.equal(run.collect({ monotonicNs: 10n * S })[0].fields.max_usage, first.max_usage);
    const thirtieth = run.collect({ monotonicNs: 30n * S })[0].fields;
    assert.deepEqual([thirtieth.limit, thirtieth.max_usage], [1073741824n, 999999999n]);
  });

  test('pids: pids.max every 30 s', () => {
    const paths = v1Paths(join(root, 'v1'), V1_ID);
    const run = runCollector(createPidsCollector(), paths);
    const before = run.collect({ monotonicNs: 0n })[0].fields.limit;
    writeFileSync(join(paths.dirs.pids!, 'pids.max'), '77\n');
    assert.equal(run.collect({ monotonicNs: 29n * S })[0].fields.limit, before);
    assert.equal(run.collect({ monotonicNs: 30n * S })[0].fields.limit, 77n);
  });
});
