// The collector list and the `collectors:` config section built from the collector definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECTORS, collectorDefaults, collectorsSpec, createEnabledCollectors } from '../../../src/sampler/collectors/index.js';
import { isLeaf, isSection } from '../../../src/config/spec.js';

test('per-container collectors run in row order; host and events are config-only', () => {
  assert.deepEqual(COLLECTORS.map((c) => c.name), ['cpu', 'memory', 'pids', 'psi', 'status', 'blkio', 'network', 'context_switches', 'processes']);
  const config = collectorDefaults();
  config.memory.enabled = false;
  config.host.enabled = false;
  // processes is off by default.
  assert.deepEqual(createEnabledCollectors(config).map((c) => c.name), ['cpu', 'pids', 'psi', 'status', 'blkio', 'network', 'context_switches']);
  config.processes.enabled = true;
  assert.deepEqual(createEnabledCollectors(config).map((c) => c.name).slice(-2), ['context_switches', 'processes']);
});

test('every section has `enabled` and exactly the keys of its defaults, in row order then host and events', () => {
  const spec = collectorsSpec();
  const defaults = collectorDefaults();
  assert.deepEqual(Object.keys(spec), ['cpu', 'memory', 'pids', 'psi', 'status', 'blkio', 'network', 'context_switches', 'processes', 'events', 'host']);
  assert.deepEqual(Object.keys(defaults), Object.keys(spec));
  for (const [name, field] of Object.entries(spec)) {
    assert.ok(isSection(field), name);
    assert.deepEqual(Object.keys(field.section), Object.keys(defaults[name as keyof typeof defaults]), name);
    for (const [key, leaf] of Object.entries(field.section)) {
      const numeric = name === 'processes' && ['top', 'cmdline_max', 'history'].includes(key);
      const kind = isLeaf(leaf) ? leaf.leaf.kind : undefined;
      const expected = numeric ? 'int' : name === 'context_switches' && key === 'method' ? 'enum' : 'bool';
      assert.equal(kind, expected, `${name}.${key}`);
    }
  }
  assert.deepEqual(defaults.context_switches, { enabled: true, method: 'auto', task_counts: true });
  assert.deepEqual(defaults.cpu, { enabled: true, per_cpu: false });
  assert.deepEqual(defaults.network, { enabled: true, include_loopback: false });
  assert.deepEqual(defaults.processes, { enabled: false, top: 5, cmdline: false, cmdline_max: 256, history: 60 });
});

test('defaults are fresh objects: changing one config does not change the next', () => {
  const a = collectorDefaults();
  a.cpu.per_cpu = true;
  a.pids.enabled = false;
  const b = collectorDefaults();
  assert.equal(b.cpu.per_cpu, false);
  assert.equal(b.pids.enabled, true);
});
