// The benchmark's reading of the descriptor budget must match the daemon's rule: the size where
// every file stays open, and whether a size had open/read/close reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containersKeptOpen, describeReads, hadFallback, keptOpenLimit, softLimitOf } from '../../../bench/synthetic/fd-budget.js';
import { defaultKeptLimit } from '../../../src/sampler/descriptor-budget.js';
import type { SyntheticChildResult } from '../../../bench/synthetic/child.js';

test('kept-open limit: soft limit minus the daemon reserve (18,000 of 20,000; 512 of 1,024)', () => {
  assert.equal(softLimitOf('20000 20000'), 20000);
  assert.equal(softLimitOf('unlimited unlimited'), Number.POSITIVE_INFINITY);
  assert.equal(keptOpenLimit(20000), 18000);
  assert.equal(keptOpenLimit(1024), 512);
  assert.equal(keptOpenLimit(Number.POSITIVE_INFINITY), 1_000_000);
  // Same figure as the daemon computes for its own process.
  const own = defaultKeptLimit();
  if (own.openFilesLimit !== undefined) assert.equal(keptOpenLimit(own.openFilesLimit), own.limit);
});

test('containers kept open: budget ÷ descriptors per container, rounded down to 50', () => {
  assert.equal(containersKeptOpen(18000, 27.3), 650);
  assert.equal(containersKeptOpen(18000, 22), 800);
  assert.equal(containersKeptOpen(18000, 0), 0);
});

test('a size with open/read/close reads says how many, one without says all stay open', () => {
  const base = { kept_open: 18000, kept_open_limit: 18000, fallback_reads_per_tick: 5263, fallback_containers: 340 } as SyntheticChildResult;
  assert.equal(hadFallback(base), true);
  assert.equal(describeReads(base), '18000 of 18000 descriptors kept open; 5263 reads per tick with open/read/close (340 containers)');
  const fits = { ...base, kept_open: 2727, fallback_reads_per_tick: 0, fallback_containers: 0 };
  assert.equal(hadFallback(fits), false);
  assert.equal(describeReads(fits), 'every file kept open (2727 descriptors)');
});
