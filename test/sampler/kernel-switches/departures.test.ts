import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Departures, NAME_WAIT_TICKS, type DepartureKernel } from '../../../src/sampler/kernel-switches/departures.js';
import type { SwitchCounts } from '../../../src/sampler/kernel-switches/protocol.js';
import type { ContainerInfo } from '../../../src/model.js';

function info(n: number, pid = 0): ContainerInfo {
  return { id: String(n).repeat(64).slice(0, 64), name: `c${n}`, image: 'busybox', imageTag: 'latest', labels: {}, state: 'exited', pid, restartCount: 0, oomKilled: false, exitCode: 0 };
}

function fakeKernel(names: Record<string, bigint> = {}): DepartureKernel & { forgotten: [bigint, string | undefined][] } {
  const forgotten: [bigint, string | undefined][] = [];
  return { forgotten, cgroupIdOfContainer: (id) => names[id], forget: (cgroupId, id) => void forgotten.push([cgroupId, id]) };
}

const counts = (entries: [bigint, number, number][]): Map<bigint, SwitchCounts> =>
  new Map(entries.map(([id, v, i]) => [id, { voluntary: BigInt(v), involuntary: BigInt(i) }]));
const notRunning = (): undefined => undefined;

function take(d: Departures, snapshot: Map<bigint, SwitchCounts> | undefined, running: (id: string) => number | undefined = notRunning): [string, SwitchCounts][] {
  const out: [string, SwitchCounts][] = [];
  d.take(snapshot, running, (c, n) => out.push([c.name, n]));
  return out;
}

test('a departure counted by the sampler ships its final totals once, then its kernel entry is dropped', () => {
  const kernel = fakeKernel();
  const d = new Departures(kernel);
  d.add(info(1, 42), 7n, 42);
  assert.deepEqual(take(d, counts([[7n, 10, 3], [8n, 1, 1]])), [['c1', { voluntary: 10n, involuntary: 3n }]]);
  assert.deepEqual(kernel.forgotten, [[7n, info(1).id]]);
  assert.equal(d.size, 0);
  assert.deepEqual(take(d, counts([[7n, 10, 3]])), [], 'shipped once');
  assert.equal(d.stats.shipped, 1);
});

test('a run the sampler never read is matched by its recorded cgroup name, waiting a few ticks for it', () => {
  const names: Record<string, bigint> = {};
  const kernel = fakeKernel(names);
  const d = new Departures(kernel);
  d.add(info(2));
  assert.deepEqual(take(d, counts([])), [], 'name not reported yet');
  names[info(2).id] = 9n;
  assert.deepEqual(take(d, counts([[9n, 5, 1]])), [['c2', { voluntary: 5n, involuntary: 1n }]]);
  assert.deepEqual(kernel.forgotten, [[9n, info(2).id]]);

  d.add(info(3));
  for (let i = 0; i < NAME_WAIT_TICKS; i++) assert.deepEqual(take(d, counts([])), []);
  assert.equal(d.size, 0, 'given up after waiting');
  assert.equal(d.stats.unmatched, 1);
});

test('no kernel entry: nothing is shipped (no zeros), and it is not kept', () => {
  const kernel = fakeKernel();
  const d = new Departures(kernel);
  d.add(info(4, 40), 11n, 40);
  assert.deepEqual(take(d, counts([[12n, 1, 1]])), []);
  assert.equal(d.size, 0);
  assert.equal(d.stats.unmatched, 1);
  d.add(info(5, 50), 13n, 50);
  assert.deepEqual(take(d, undefined), [], 'the kernel method is gone');
  assert.equal(d.size, 0);
  assert.equal(d.stats.unmatched, 2);
});

test('the pending list is bounded: the oldest is dropped, counted and its kernel entry forgotten', () => {
  const kernel = fakeKernel();
  const d = new Departures(kernel, 2);
  d.add(info(1, 1), 101n, 1);
  d.add(info(2, 2), 102n, 2);
  d.add(info(1, 1), undefined, 1); // the same container again: merged, keeps its cgroup id, now newest
  d.add(info(3, 3), 103n, 3);
  assert.equal(d.size, 2);
  assert.equal(d.stats.dropped, 1);
  assert.deepEqual(kernel.forgotten, [[102n, info(2).id]]);
  assert.deepEqual(take(d, counts([[101n, 1, 0], [102n, 2, 0], [103n, 3, 0]])).map(([n]) => n), ['c1', 'c3']);
});

test('a container running again with a new pid is not given its old run\'s row; one still read with the same pid is', () => {
  const kernel = fakeKernel();
  const d = new Departures(kernel);
  d.add(info(6, 60), 16n, 60);
  d.add(info(7, 70), 17n, 70);
  const running = (id: string): number | undefined => (id === info(6).id ? 61 : id === info(7).id ? 70 : undefined);
  assert.deepEqual(take(d, counts([[16n, 1, 1], [17n, 2, 2]]), running), [['c7', { voluntary: 2n, involuntary: 2n }]]);
  assert.equal(d.stats.superseded, 1);
  assert.deepEqual(kernel.forgotten, [[16n, undefined], [17n, info(7).id]]);
});
