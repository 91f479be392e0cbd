import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPsiCollector } from '../../../src/sampler/collectors/psi.js';
import { V1_ID, V1_ROOT, V2_ROOT, errorList, runCollector, v1Paths, v2CgroupfsPaths, v2SystemdPaths } from '../support/fixture-trees.js';

const M = 'docker_container_psi';

describe('psi collector', () => {
  test('v2 cgroupfs: one row per resource with some_* and full_*', () => {
    assert.deepEqual(runCollector(createPsiCollector(), v2CgroupfsPaths(V2_ROOT)).collect(), [
      { measurement: M, tags: { resource: 'cpu' }, fields: { some_avg10: 12.5, some_avg60: 8.25, some_avg300: 3.1, some_total: 98765432n, full_avg10: 1, full_avg60: 0.5, full_avg300: 0.1, full_total: 1234567n } },
      { measurement: M, tags: { resource: 'memory' }, fields: { some_avg10: 0, some_avg60: 0, some_avg300: 0, some_total: 4567n, full_avg10: 0, full_avg60: 0, full_avg300: 0, full_total: 4000n } },
      { measurement: M, tags: { resource: 'io' }, fields: { some_avg10: 0.31, some_avg60: 0.12, some_avg300: 0.03, some_total: 777777n, full_avg10: 0.29, full_avg60: 0.11, full_avg300: 0.02, full_total: 666666n } },
    ]);
  });

  test('v2 systemd, older kernel: cpu.pressure without `full` gives some_* only', () => {
    const rows = runCollector(createPsiCollector(), v2SystemdPaths(V2_ROOT)).collect();
    assert.deepEqual(rows[0], { measurement: M, tags: { resource: 'cpu' }, fields: { some_avg10: 0, some_avg60: 0, some_avg300: 0, some_total: 321n } });
    assert.equal(rows.length, 3);
  });

  test('v1 without a unified dir: nothing, nothing counted', () => {
    const run = runCollector(createPsiCollector(), v1Paths(V1_ROOT, V1_ID));
    assert.deepEqual(run.collect(), []);
    assert.deepEqual(errorList(run.errors), []);
  });

  test('missing and garbled pressure files are skipped and counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-psi-'));
    try {
      writeFileSync(join(dir, 'cpu.pressure'), 'some avg10=0.00 avg60=');
      writeFileSync(join(dir, 'memory.pressure'), 'some avg10=1.00 avg60=0.00 avg300=0.00 total=5\nfull avg10=oops\n');
      const run = runCollector(createPsiCollector(), { version: 2, driver: 'cgroupfs', dirs: { unified: dir } });
      assert.deepEqual(run.collect(), [{ measurement: M, tags: { resource: 'memory' }, fields: { some_avg10: 1, some_avg60: 0, some_avg300: 0, some_total: 5n } }]);
      assert.deepEqual(errorList(run.errors), [['psi', 'malformed', 2], ['psi', 'missing', 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file that reads the same gives the same frozen row (nothing parsed again); a change gives a new one; malformed lines are counted every tick', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-psi-'));
    try {
      const idle = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=10\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=4\n';
      writeFileSync(join(dir, 'cpu.pressure'), idle);
      writeFileSync(join(dir, 'memory.pressure'), idle + 'garbage\n');
      writeFileSync(join(dir, 'io.pressure'), idle);
      const run = runCollector(createPsiCollector(), { version: 2, driver: 'cgroupfs', dirs: { unified: dir } });
      const first = run.collect();
      const second = run.collect();
      assert.equal(second.length, 3);
      for (let i = 0; i < 3; i++) assert.equal(second[i], first[i], `row ${i} reused`);
      assert.ok(Object.isFrozen(second[0]) && Object.isFrozen(second[0].fields));
      assert.deepEqual(errorList(run.errors), [['psi', 'malformed', 2]], 'the garbled line, once per tick');
      writeFileSync(join(dir, 'cpu.pressure'), idle.replace('total=10', 'total=11'));
      const third = run.collect();
      assert.notEqual(third[0], first[0]);
      assert.equal(third[0].fields.some_total, 11n);
      assert.equal(third[1], first[1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
