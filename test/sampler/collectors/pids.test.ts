import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPidsCollector } from '../../../src/sampler/collectors/pids.js';
import { V1_ID, V1_OLD_ID, V1_ROOT, V2_ROOT, containerInfo, errorList, runCollector, v1Paths, v2CgroupfsPaths, v2SystemdPaths } from '../support/fixture-trees.js';

const row = (fields: Record<string, bigint>) => [{ measurement: 'docker_container_pids', fields }];

describe('pids collector', () => {
  test('v1: current and limit; `max` leaves the limit out', () => {
    assert.deepEqual(runCollector(createPidsCollector(), v1Paths(V1_ROOT, V1_ID)).collect(), row({ current: 7n, limit: 100n }));
    assert.deepEqual(runCollector(createPidsCollector(), v1Paths(V1_ROOT, V1_OLD_ID), containerInfo(V1_OLD_ID)).collect(), row({ current: 1n }));
  });
  test('v2: cgroupfs and systemd layouts', () => {
    assert.deepEqual(runCollector(createPidsCollector(), v2CgroupfsPaths(V2_ROOT)).collect(), row({ current: 12n, limit: 4096n }));
    assert.deepEqual(runCollector(createPidsCollector(), v2SystemdPaths(V2_ROOT)).collect(), row({ current: 1n }));
  });
  test('unreadable current: no row; malformed max: current only; both counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-pids-'));
    try {
      writeFileSync(join(dir, 'pids.current'), '3\n');
      writeFileSync(join(dir, 'pids.max'), 'ma');
      const run = runCollector(createPidsCollector(), { version: 1, driver: 'cgroupfs', dirs: { pids: dir } });
      assert.deepEqual(run.collect(), row({ current: 3n }));
      writeFileSync(join(dir, 'pids.current'), 'x\n');
      assert.deepEqual(run.collect(), []);
      assert.deepEqual(errorList(run.errors), [['pids', 'malformed', 2]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the same count and limit reading give the same frozen row; a new count or a new limit reading, a new row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-pids-'));
    try {
      writeFileSync(join(dir, 'pids.current'), '3\n');
      writeFileSync(join(dir, 'pids.max'), '50\n');
      const run = runCollector(createPidsCollector(), { version: 1, driver: 'cgroupfs', dirs: { pids: dir } });
      const [first] = run.collect({ monotonicNs: 1_000_000_000n });
      const [second] = run.collect({ monotonicNs: 2_000_000_000n });
      assert.equal(second, first);
      assert.ok(Object.isFrozen(first));
      writeFileSync(join(dir, 'pids.max'), '60\n');
      const [third] = run.collect({ monotonicNs: 31_000_000_000n }); // limits re-read every 30 s
      assert.notEqual(third, first);
      assert.deepEqual(third.fields, { current: 3n, limit: 60n });
      writeFileSync(join(dir, 'pids.current'), '4\n');
      assert.deepEqual(run.collect({ monotonicNs: 32_000_000_000n }), row({ current: 4n, limit: 60n }));
      assert.deepEqual(errorList(run.errors), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
