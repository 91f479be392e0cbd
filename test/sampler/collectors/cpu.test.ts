import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuCollector } from '../../../src/sampler/collectors/cpu.js';
import { limitCpus } from '../../../src/sampler/collectors/cpu-read.js';
import {
  HOST, V1_ID, V1_OLD_ID, V1_ROOT, V2_ROOT, containerInfo, errorList, runCollector, v1Paths, v2CgroupfsPaths, v2SystemdPaths,
} from '../support/fixture-trees.js';

const total = { cpu: 'cpu-total' };

describe('cpu collector, cgroup v1', () => {
  test('recent kernel: ns counters from usage_user/usage_sys, throttling, quota 0.5 CPU; no percentages on the first tick', () => {
    const run = runCollector(createCpuCollector({ perCpu: false }), v1Paths(V1_ROOT, V1_ID));
    assert.deepEqual(run.collect(), [{
      measurement: 'docker_container_cpu',
      tags: total,
      fields: {
        usage_total: 123456789012n, usage_in_usermode: 100000000000n, usage_in_kernelmode: 23456789012n,
        usage_system: 1_000_000_000_000n, throttling_periods: 1000n, throttling_throttled_periods: 250n,
        throttling_throttled_time: 12345678901n, limit_cpus: 0.5, online_cpus: 8n,
      },
    }]);
    assert.deepEqual(errorList(run.errors), []);
  });

  test('per_cpu adds one usage_total row per CPU of cpuacct.usage_percpu', () => {
    const rows = runCollector(createCpuCollector({ perCpu: true }), v1Paths(V1_ROOT, V1_ID)).collect();
    assert.deepEqual(rows.slice(1), [
      { measurement: 'docker_container_cpu', tags: { cpu: 'cpu0' }, fields: { usage_total: 61728394506n } },
      { measurement: 'docker_container_cpu', tags: { cpu: 'cpu1' }, fields: { usage_total: 61728394506n } },
    ]);
  });

  test('older kernel: user/system from cpuacct.stat ticks (×10 ms), no quota, a 2-CPU cpuset is the limit', () => {
    const run = runCollector(createCpuCollector({ perCpu: false }), v1Paths(V1_ROOT, V1_OLD_ID), containerInfo(V1_OLD_ID));
    assert.deepEqual(run.collect()[0].fields, {
      usage_total: 5000000000n, usage_in_usermode: 3000000000n, usage_in_kernelmode: 1500000000n,
      usage_system: 1_000_000_000_000n, throttling_periods: 0n, throttling_throttled_periods: 0n,
      throttling_throttled_time: 0n, limit_cpus: 2, online_cpus: 8n,
    });
    // The files this kernel does not have are counted once, then remembered as absent.
    run.collect();
    assert.deepEqual(errorList(run.errors), [['cpu', 'missing', 2]]);
  });

  describe('hybrid host: the unified cgroup beside the v1 controllers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-cpu-hybrid-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(V1_ROOT, dir, { recursive: true });
    const withUnified = (name: string, stat: string | undefined) => {
      const unified = `${dir}/sys/fs/cgroup/unified/docker/${name}`;
      mkdirSync(unified, { recursive: true });
      if (stat !== undefined) writeFileSync(`${unified}/cpu.stat`, stat);
      const paths = v1Paths(dir, V1_ID);
      return { ...paths, dirs: { ...paths.dirs, unified } };
    };

    test('usage, user and system come from the unified cpu.stat (µs → ns), throttling and limits from v1', () => {
      // Values unlike the cpuacct files', to show which file was read.
      const paths = withUnified('a', 'usage_usec 7000000\nuser_usec 5000000\nsystem_usec 2000000\nnice_usec 0\n');
      const run = runCollector(createCpuCollector({ perCpu: false }), paths);
      assert.deepEqual(run.collect()[0].fields, {
        usage_total: 7_000_000_000n, usage_in_usermode: 5_000_000_000n, usage_in_kernelmode: 2_000_000_000n,
        usage_system: 1_000_000_000_000n, throttling_periods: 1000n, throttling_throttled_periods: 250n,
        throttling_throttled_time: 12345678901n, limit_cpus: 0.5, online_cpus: 8n,
      });
      assert.deepEqual(errorList(run.errors), []);
    });

    test('a unified dir without cpu.stat, or one without usage_usec: the cpuacct files, no error counted', () => {
      for (const paths of [withUnified('b', undefined), withUnified('c', 'nr_periods 0\n')]) {
        const run = runCollector(createCpuCollector({ perCpu: false }), paths);
        assert.equal(run.collect()[0].fields.usage_total, 123456789012n);
        assert.equal(run.collect()[0].fields.usage_total, 123456789012n);
        assert.deepEqual(errorList(run.errors), []);
      }
    });

    test('a unified cpu.stat that fails to read: usage absent that tick, counted once (not again for cpuacct), cpuacct from the next tick', () => {
      const paths = withUnified('e', undefined);
      mkdirSync(`${paths.dirs.unified}/cpu.stat`); // opens, then EISDIR on read
      const run = runCollector(createCpuCollector({ perCpu: false }), paths);
      const first = run.collect()[0].fields;
      assert.equal('usage_total' in first, false);
      assert.equal(first.throttling_periods, 1000n, 'the other values are read');
      assert.deepEqual(errorList(run.errors), [['cpu', 'unreadable', 1]]);
      assert.equal(run.collect()[0].fields.usage_total, 123456789012n);
      assert.deepEqual(errorList(run.errors), [['cpu', 'unreadable', 1]]);
    });

    test('per_cpu needs cpuacct.usage_percpu: cpuacct is read, and its total agrees with its per-CPU rows', () => {
      const rows = runCollector(createCpuCollector({ perCpu: true }), withUnified('d', 'usage_usec 1\nuser_usec 1\nsystem_usec 0\n')).collect();
      assert.equal(rows[0].fields.usage_total, 123456789012n);
      const perCpu = rows.slice(1).reduce((sum, r) => sum + (r.fields.usage_total as bigint), 0n);
      assert.equal(rows.length, 3);
      assert.equal(perCpu, 123456789012n);
    });
  });

  describe('percentages from the second tick on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-cpu-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(V1_ROOT, dir, { recursive: true });
    const paths = v1Paths(dir, V1_ID);

    test('usage_percent = Δusage/Δhost × CPUs × 100, usage_percent_of_limit = Δusage/(Δwall × limit) × 100', () => {
      const run = runCollector(createCpuCollector({ perCpu: false }), paths);
      run.collect({ monotonicNs: 10_000_000_000n });
      // 2 s later the container used 1 s of CPU; the 8-CPU host 16 s of CPU time.
      writeFileSync(`${paths.dirs.cpuacct}/cpuacct.usage`, `${123456789012n + 1_000_000_000n}\n`);
      const host = { ...HOST, cpuTotalNs: HOST.cpuTotalNs + 16e9, cpuTotalNsExact: HOST.cpuTotalNsExact! + 16_000_000_000n };
      const fields = run.collect({ monotonicNs: 12_000_000_000n, host })[0].fields;
      assert.equal(fields.usage_percent, 50);
      assert.equal(fields.usage_percent_of_limit, 100);
      assert.equal(fields.usage_system, 1_016_000_000_000n);
    });

    test('a counter that went backwards (fresh cgroup) gives no percentage for that tick', () => {
      const run = runCollector(createCpuCollector({ perCpu: false }), paths);
      run.collect({ monotonicNs: 1n });
      writeFileSync(`${paths.dirs.cpuacct}/cpuacct.usage`, '5\n');
      const fields = run.collect({ monotonicNs: 1_000_000_001n, host: { ...HOST, cpuTotalNs: HOST.cpuTotalNs + 8e9 } })[0].fields;
      assert.equal(fields.usage_total, 5n);
      assert.equal('usage_percent' in fields, false);
      assert.equal('usage_percent_of_limit' in fields, false);
    });
  });

  test('no readable dir: no row, nothing thrown', () => {
    const run = runCollector(createCpuCollector({ perCpu: true }), { version: 1, driver: 'unknown', dirs: {} });
    assert.deepEqual(run.collect(), []);
  });

  test('garbage in every file: no row, each bad file counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-cpu-bad-'));
    try {
      for (const f of ['cpuacct.usage', 'cpuacct.usage_user', 'cpuacct.usage_sys', 'cpuacct.stat', 'cpu.stat', 'cpu.cfs_quota_us', 'cpuset.cpus']) writeFileSync(join(dir, f), 'x y z\n');
      writeFileSync(join(dir, 'cpuset.effective_cpus'), '');
      const run = runCollector(createCpuCollector({ perCpu: false }), { version: 1, driver: 'cgroupfs', dirs: { cpu: dir, cpuacct: dir, cpuset: dir } });
      assert.deepEqual(run.collect(), []);
      assert.deepEqual(errorList(run.errors), [['cpu', 'empty', 1], ['cpu', 'malformed', 4]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cpu collector, cgroup v2', () => {
  test('cgroupfs layout: µs → ns, throttling, cpu.max 1.5 CPUs; a cpuset of all CPUs is no limit', () => {
    const run = runCollector(createCpuCollector({ perCpu: true }), v2CgroupfsPaths(V2_ROOT));
    assert.deepEqual(run.collect(), [{
      measurement: 'docker_container_cpu',
      tags: total,
      fields: {
        usage_total: 2500000000n, usage_in_usermode: 2000000000n, usage_in_kernelmode: 500000000n,
        usage_system: 1_000_000_000_000n, throttling_periods: 400n, throttling_throttled_periods: 40n,
        throttling_throttled_time: 800000000n, limit_cpus: 1.5, online_cpus: 8n,
      },
    }]);
    assert.deepEqual(errorList(run.errors), []);
  });

  test('systemd layout, older kernel: no throttling keys, `max` quota, cpuset 2-3 is the limit', () => {
    const run = runCollector(createCpuCollector({ perCpu: false }), v2SystemdPaths(V2_ROOT));
    assert.deepEqual(run.collect()[0].fields, {
      usage_total: 1000000n, usage_in_usermode: 600000n, usage_in_kernelmode: 400000n,
      usage_system: 1_000_000_000_000n, limit_cpus: 2, online_cpus: 8n,
    });
  });
});

describe('limitCpus', () => {
  test('quota/period, cpuset when smaller than the host, the smaller of both, else unlimited', () => {
    assert.equal(limitCpus(50000n, 100000n, undefined, 8), 0.5);
    assert.equal(limitCpus(undefined, undefined, 3, 8), 3);
    assert.equal(limitCpus(400000n, 100000n, 2, 8), 2);
    assert.equal(limitCpus(150000n, 100000n, 2, 8), 1.5);
    assert.equal(limitCpus(undefined, undefined, 8, 8), undefined);
    assert.equal(limitCpus(undefined, undefined, 2, 0), undefined);
  });
});
