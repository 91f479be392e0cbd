import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultOutput } from '../../src/config/outputs.js';
import { OUTPUT_COMMON_SPEC, outputSpec } from '../../src/config/spec.js';
import { OUTPUT_DEFINITIONS, OUTPUT_TYPES } from '../../src/output/types.js';

describe('output definitions', () => {
  test('every type has defaults for exactly the keys of its spec, and the config reads its spec from the table', () => {
    for (const type of OUTPUT_TYPES) {
      const def = OUTPUT_DEFINITIONS[type];
      assert.deepEqual(Object.keys(def.defaults()).sort(), Object.keys(def.spec).sort(), type);
      const cfg = defaultOutput(type) as unknown as Record<string, unknown>;
      for (const key of Object.keys(def.spec)) assert.ok(key in cfg, `${type}.${key} has a default`);
      assert.deepEqual(Object.keys(outputSpec(type)).sort(), [...Object.keys(OUTPUT_COMMON_SPEC), ...Object.keys(def.spec)].sort());
    }
  });

  test('remote outputs spool to disk and write their configured precision; local ones do neither', () => {
    const v1 = { ...defaultOutput('influxdb_v1'), precision: 's' } as Parameters<typeof OUTPUT_DEFINITIONS.influxdb_v1.precision>[0];
    assert.equal(OUTPUT_DEFINITIONS.influxdb_v1.precision(v1), 's');
    assert.equal(OUTPUT_DEFINITIONS.influxdb_v1.spoolsToDisk, true);
    assert.equal(OUTPUT_DEFINITIONS.influxdb_v2.spoolsToDisk, true);
    assert.equal(OUTPUT_DEFINITIONS.stdout.spoolsToDisk, false);
    assert.equal(OUTPUT_DEFINITIONS.file.spoolsToDisk, false);
  });
});
