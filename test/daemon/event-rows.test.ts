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

  test('containers that left stay known for their last events, at most 2,000 of them', () => {
    const registry = fakeRegistry();
    const recorder = new EventRecorder(registry as unknown as KnownContainers, true);
    const info = (i: number) => ({ id: `c${i}`, name: `gone-${i}`, image: 'img', imageTag: 'latest', labels: {}, state: 'running', pid: 1, restartCount: 0, oomKilled: false, exitCode: 0 });
    for (let i = 0; i < 5_000; i++) {
      registry.emit('added', info(i));
      registry.emit('removed', info(i));
    }
    // The newest gone container still gives its event its name; the oldest fell out of the bound.
    registry.emit('event', { time: 1, action: 'destroy', id: 'c4999' });
    registry.emit('event', { time: 2, action: 'destroy', id: 'c0', name: 'from-the-event' });
    const [newest, oldest] = recorder.drain();
    assert.equal(newest.sample.container?.name, 'gone-4999');
    assert.equal(oldest.sample.container?.name, 'from-the-event');
    // Back again (a restart with the same id): known as present, not counted among the gone.
    registry.emit('added', info(4999));
    registry.emit('event', { time: 3, action: 'start', id: 'c4999' });
    assert.equal(recorder.drain()[0].sample.container?.name, 'gone-4999');
  });

  test('a departed container is known for 60 s after it left, then its events carry only their own name; one back again is never forgotten', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const registry = fakeRegistry();
    const recorder = new EventRecorder(registry as unknown as KnownContainers, true);
    const info = (id: string, name: string) => ({ id, name, image: 'img', imageTag: 'latest', labels: {}, state: 'running', pid: 1, restartCount: 0, oomKilled: false, exitCode: 0 });
    for (const id of ['early', 'late', 'back']) registry.emit('added', info(id, `${id}-name`));
    registry.emit('removed', info('early', 'early-name'));
    registry.emit('removed', info('back', 'back-name'));
    t.mock.timers.tick(30_000);
    registry.emit('removed', info('late', 'late-name'));
    registry.emit('added', info('back', 'back-name'));
    t.mock.timers.tick(30_001);
    recorder.drain(); // 60 s after `early` left: forgotten; `late` left 30 s ago
    for (const id of ['early', 'late', 'back']) registry.emit('event', { time: 1, action: 'destroy', id });
    assert.deepEqual(recorder.drain().map((r) => r.sample.container?.name), [undefined, 'late-name', 'back-name']);
  });
});
