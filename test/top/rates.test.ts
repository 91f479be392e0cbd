import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateTracker, rate } from '../../src/top/rates.js';
import type { Reading } from '../../src/top/reading.js';

const reading = (over: Partial<Reading>): Reading => ({ id: 'a', name: 'web', labels: {}, ...over });

test('rate is the difference per second; a counter going down or a missing side gives none', () => {
  assert.equal(rate(100, 300, 2), 100);
  assert.equal(rate(undefined, 300, 2), undefined);
  assert.equal(rate(100, undefined, 2), undefined);
  assert.equal(rate(300, 100, 2), undefined);
  assert.equal(rate(100, 300, 0), undefined);
});

test('the tracker gives rates from the second reading, keeps gauges as they are and forgets containers that left', () => {
  const t = new RateTracker();
  const first = t.update([reading({ netRxBytes: 1000, contextSwitches: 10, pids: 3, memUsage: 5 })], 0);
  assert.equal(first[0].netRxPerS, undefined);
  assert.equal(first[0].pids, 3);
  assert.equal(first[0].memUsage, 5);
  const second = t.update([reading({ netRxBytes: 3000, contextSwitches: 30, pids: 4 }), reading({ id: 'b', name: 'db', pageFaults: 7 })], 500);
  assert.equal(second[0].netRxPerS, 4000);
  assert.equal(second[0].ctxPerS, 40);
  assert.equal(second[0].faultsPerS, undefined);
  assert.equal(second[1].faultsPerS, undefined);
  // `a` is not read this time: when it comes back its first reading has no rate.
  t.update([reading({ id: 'b', name: 'db', pageFaults: 17 })], 1500);
  const back = t.update([reading({ netRxBytes: 9000 })], 2500);
  assert.equal(back[0].netRxPerS, undefined);
});

test('when the kernel counter takes over from /proc, that interval has no ctx/s (the two counts start apart), the next one has', () => {
  const t = new RateTracker();
  t.update([reading({ contextSwitches: 5000, switchesMethod: 'proc', netRxBytes: 0 })], 0);
  const handover = t.update([reading({ contextSwitches: 120, switchesMethod: 'kernel', netRxBytes: 100 })], 1000);
  assert.equal(handover[0].ctxPerS, undefined);
  assert.equal(handover[0].netRxPerS, 100);
  const next = t.update([reading({ contextSwitches: 9120, switchesMethod: 'kernel', netRxBytes: 200 })], 2000);
  assert.equal(next[0].ctxPerS, 9000);
});
