import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectTop } from '../../../src/sampler/processes/select.js';

const p = (pid: number, cpuDelta: number | undefined, rss: number) => ({ pid, cpuDelta, rss });

test('top N by CPU in order, then the top N by RSS not already in', () => {
  const all = [p(1, 50, 10), p(2, 90, 5), p(3, 0, 900), p(4, 10, 800), p(5, undefined, 1000), p(6, 5, 1)];
  assert.deepEqual(selectTop(all, 2).map((x) => x.pid), [2, 1, 5, 3]);
  // A process in both lists once.
  assert.deepEqual(selectTop([p(1, 90, 900), p(2, 50, 10), p(3, 0, 800)], 1).map((x) => x.pid), [1]);
  // Fewer processes than N: all, by CPU; new processes (no delta yet) last.
  assert.deepEqual(selectTop([p(7, undefined, 1), p(8, 3, 1)], 5).map((x) => x.pid), [8, 7]);
});
