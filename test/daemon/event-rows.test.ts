import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { EventRecorder } from '../../src/daemon/event-rows.js';
import type { KnownContainers, LifecycleEvent } from '../../src/discovery/known-containers.js';

/** The registry surface the recorder listens to, driven by the test. */
function fakeRegistry(): EventEmitter & Pick<KnownContainers, 'allContainers'> {
  return Object.assign(new EventEmitter(), { allContainers: () => [] });
}

const event = (i: number): LifecycleEvent => ({ time: 1_700_000_000_000 + i, action: 'start', id: `c${i}`, name: `n${i}` });

describe('event recorder', () => {
  test('enabled: events wait for the next tick, bounded', () => {
    const registry = fakeRegistry();
    const recorder = new EventRecorder(registry as unknown as KnownContainers, true);
    for (let i = 0; i < 3; i++) registry.emit('event', event(i));
    const rows = recorder.drain();
    assert.equal(rows.length, 3);
    assert.equal(rows[0].sample.rows[0].fields.message, 'started');
  });

  test('collectors.events disabled: nothing drains it, so nothing is recorded or kept', () => {
    const registry = fakeRegistry();
    const recorder = new EventRecorder(registry as unknown as KnownContainers, false);
    for (let i = 0; i < 20_000; i++) registry.emit('event', event(i));
    assert.equal(recorder.recorded, 0);
    assert.equal(recorder.dropped, 0);
    assert.deepEqual(recorder.drain(), []);
  });
});
