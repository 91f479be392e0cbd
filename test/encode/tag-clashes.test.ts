// A label or global tag named like a field of the measurement, one of its row tags, or a tag cgflux
// writes itself is left out of those points, with one warning naming the key.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LineEncoder } from '../../src/encode/index.js';
import type { ContainerInfo, Sample } from '../../src/model.js';
import { lineParts } from './lp-parts.js';

const c: ContainerInfo = {
  id: 'a'.repeat(64), name: 'web-1', image: 'nginx', imageTag: '1.25', state: 'running', pid: 42, restartCount: 0, oomKilled: false, exitCode: 0,
  labels: { pid: '7', cpu: 'label-cpu', message: 'hello', container_id: 'x', host: 'other', team: 'shop' },
};

function encoder() {
  const warnings: { message: string; key: unknown }[] = [];
  const enc = new LineEncoder({
    hostname: 'h1',
    tags: { labels_include: ['*'], labels_exclude: [], global: { region: 'eu', usage_total: 'g' } },
    warn: (message, fields) => warnings.push({ message, key: fields.key }),
  });
  return { enc, warnings };
}

/** Tags of a line (the values here need no escaping). */
const tagsOf = (line: string): Record<string, string> => Object.fromEntries(lineParts(line).series.split(',').slice(1).map((kv) => kv.split('=') as [string, string]));

describe('tag clashes', () => {
  test('labels named like a field or row tag are left out of those points only; own tags win; one warning per key', () => {
    const { enc, warnings } = encoder();
    const sample: Sample = {
      container: c,
      rows: [
        { measurement: 'docker_container_cpu', tags: { cpu: 'cpu-total' }, fields: { usage_total: 5n } },
        { measurement: 'docker_container_process', fields: { pid: 1234n, threads: 3n } },
        { measurement: 'docker_container_event', tags: { action: 'start' }, fields: { message: 'started' } },
      ],
    };
    for (let tick = 0; tick < 3; tick++) {
      const [cpu, proc, event] = enc.encode([sample]).map(tagsOf);
      assert.equal(cpu.cpu, 'cpu-total', 'the row tag, not the label');
      assert.equal(cpu.usage_total, undefined, 'global tag named like a cpu field: left out');
      assert.equal(cpu.pid, '7', 'pid is no field of docker_container_cpu: kept there');
      assert.equal(proc.pid, undefined);
      assert.equal(proc.usage_total, 'g', 'usage_total is no field of docker_container_process');
      assert.equal(event.message, undefined);
      for (const t of [cpu, proc, event]) {
        assert.equal(t.host, 'h1', "cgflux's own host tag");
        assert.equal(t.container_id, undefined, 'container_id stays a field');
        assert.equal(t.team, 'shop');
        assert.equal(t.region, 'eu');
      }
    }
    assert.deepEqual(warnings.map((w) => w.key).sort(), ['container_id', 'cpu', 'host', 'message', 'pid', 'usage_total']);
    for (const w of warnings) assert.match(w.message, new RegExp(`"${w.key}"`));
  });

  test('a field that appears in a later tick drops the label from the cached series', () => {
    const { enc, warnings } = encoder();
    const [before] = enc.encode([{ container: c, rows: [{ measurement: 'docker_container_process', fields: { threads: 3n } }] }]);
    assert.equal(tagsOf(before).pid, '7');
    const [after] = enc.encode([{ container: c, rows: [{ measurement: 'docker_container_process', fields: { pid: 9n, threads: 3n } }] }]);
    assert.equal(tagsOf(after).pid, undefined);
    assert.ok(warnings.some((w) => w.key === 'pid'));
  });
});
