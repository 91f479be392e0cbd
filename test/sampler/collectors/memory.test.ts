import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCollector } from '../../../src/sampler/collectors/memory.js';
import { HOST, V1_ID, V1_OLD_ID, V1_ROOT, V2_ROOT, containerInfo, errorList, runCollector, v1Paths, v2CgroupfsPaths, v2SystemdPaths } from '../support/fixture-trees.js';

describe('memory collector, cgroup v1', () => {
  test('recent kernel: total_* keys, usage = usage_in_bytes − total_inactive_file, limit and percentage', () => {
    const run = runCollector(createMemoryCollector(), v1Paths(V1_ROOT, V1_ID));
    assert.deepEqual(run.collect(), [{
      measurement: 'docker_container_mem',
      fields: {
        rss: 62914560n, cache: 41943040n, swap: 1048576n, mapped_file: 8388608n,
        active_anon: 62914560n, inactive_anon: 0n, active_file: 20971520n, inactive_file: 20971520n,
        pgfault: 51239n, pgmajfault: 12n, max_usage: 134217728n, fail_count: 3n, oom_events: 1n, oom_kill: 1n,
        usage: 83886080n, working_set: 83886080n, usage_percent: 31.25, limit: 268435456n,
      },
    }]);
    assert.deepEqual(errorList(run.errors), []);
  });

  test("older kernel: no limit (v1's huge value) → no limit nor percentage; inactive_file ≥ usage → raw usage; no oom_kill", () => {
    const run = runCollector(createMemoryCollector(), v1Paths(V1_ROOT, V1_OLD_ID), containerInfo(V1_OLD_ID));
    assert.deepEqual(run.collect()[0].fields, {
      rss: 4194304n, cache: 62914560n, mapped_file: 0n, active_anon: 4194304n, inactive_anon: 0n,
      active_file: 0n, inactive_file: 62914560n, pgfault: 900n, pgmajfault: 0n,
      max_usage: 60000000n, fail_count: 0n, usage: 52428800n, working_set: 52428800n,
    });
  });
});

describe('memory collector, cgroup v2', () => {
  test('cgroupfs layout: memory.stat names mapped to the v1-compatible fields, peak, swap, events', () => {
    const run = runCollector(createMemoryCollector(), v2CgroupfsPaths(V2_ROOT));
    assert.deepEqual(run.collect(), [{
      measurement: 'docker_container_mem',
      fields: {
        rss: 104857600n, cache: 94371840n, mapped_file: 16777216n, active_anon: 102760448n, inactive_anon: 2097152n,
        active_file: 52428800n, inactive_file: 41943040n, pgfault: 812345n, pgmajfault: 67n, swap: 1048576n,
        max_usage: 268435456n, fail_count: 12n, oom_events: 2n, oom_kill: 1n,
        usage: 167772160n, working_set: 167772160n, usage_percent: 31.25, limit: 536870912n,
      },
    }]);
    assert.deepEqual(errorList(run.errors), []);
  });

  test('systemd layout, older kernel: `max` → no limit nor percentage; no memory.peak → no max_usage', () => {
    const run = runCollector(createMemoryCollector(), v2SystemdPaths(V2_ROOT));
    assert.deepEqual(run.collect()[0].fields, {
      rss: 196608n, cache: 811008n, mapped_file: 540672n, active_anon: 32768n, inactive_anon: 163840n,
      active_file: 540672n, inactive_file: 270336n, pgfault: 1089n, pgmajfault: 4n, swap: 0n,
      fail_count: 0n, oom_events: 0n, oom_kill: 0n, usage: 778240n, working_set: 778240n,
    });
    assert.deepEqual(errorList(run.errors), [['memory', 'missing', 1]]);
  });

  test('a host without swap (SwapTotal 0): swap is 0 without a read of memory.swap.current; swap back on, it is read again', () => {
    const paths = v2CgroupfsPaths(V2_ROOT);
    const run = runCollector(createMemoryCollector(), paths);
    let swapReads = 0;
    const read = run.ctx.read;
    run.ctx.read = (path, mode) => (path.endsWith('/memory.swap.current') && swapReads++, read(path, mode));
    assert.equal(run.collect({ host: { ...HOST, swapTotalBytes: 0 } })[0].fields.swap, 0n);
    assert.equal(swapReads, 0);
    assert.equal(run.collect({ host: { ...HOST, swapTotalBytes: 2 ** 31 } })[0].fields.swap, 1048576n);
    assert.equal(swapReads, 1);
    // meminfo unreadable: not known to be swapless, so the file is read.
    assert.equal(run.collect({ host: { ...HOST, swapTotalBytes: undefined } })[0].fields.swap, 1048576n);
    assert.equal(swapReads, 2);
    assert.deepEqual(errorList(run.errors), []);
  });

  test('truncated memory.stat and an unreadable memory.current: the good values still ship, the bad ones counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-mem-'));
    try {
      writeFileSync(join(dir, 'memory.current'), '');
      writeFileSync(join(dir, 'memory.max'), 'max\n');
      writeFileSync(join(dir, 'memory.stat'), 'anon 4096\nfile 8192\ninactive_file');
      writeFileSync(join(dir, 'memory.events'), 'oom 18446744073709551615\n');
      const run = runCollector(createMemoryCollector(), { version: 2, driver: 'cgroupfs', dirs: { unified: dir } });
      assert.deepEqual(run.collect()[0].fields, { rss: 4096n, cache: 8192n, oom_events: 18446744073709551615n });
      assert.deepEqual(errorList(run.errors), [['memory', 'empty', 1], ['memory', 'malformed', 1], ['memory', 'missing', 2]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no memory dir: no row', () => {
    assert.deepEqual(runCollector(createMemoryCollector(), { version: 1, driver: 'cgroupfs', dirs: { cpu: '/x' } }).collect(), []);
  });
});
