// The daemon's window spans whole refresh cycles (60 s), so its mean tick counts the 30 s and 60 s
// refreshes as often as a user's day does; an interval that does not divide a minute is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wholeCycleTicks } from '../../../bench/real/daemon-process.js';

test('wholeCycleTicks rounds a window up to whole minutes', () => {
  assert.equal(wholeCycleTicks(10_000, 18), 18);
  assert.equal(wholeCycleTicks(10_000, 10), 12);
  assert.equal(wholeCycleTicks(10_000, 1), 6);
  assert.equal(wholeCycleTicks(1000, 40), 60);
  assert.equal(wholeCycleTicks(1000, 61), 120);
  assert.equal(wholeCycleTicks(15_000, 5), 8);
});

test('wholeCycleTicks leaves an interval that does not divide a minute as asked', () => {
  assert.equal(wholeCycleTicks(7000, 10), 10);
  assert.equal(wholeCycleTicks(90_000, 3), 3);
});
