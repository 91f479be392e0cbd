// The floor loop reads every given file each round, from offset 0, and nothing else: the bytes it
// reports are the files' sizes, a file that cannot be opened is left out, descriptors are closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floorLoop } from '../../../bench/lib/floor.js';
import { median, percentile } from '../../../bench/lib/stats.js';

test('floorLoop re-reads each file whole every round and closes its descriptors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-bench-floor-'));
  try {
    writeFileSync(join(dir, 'a'), 'x'.repeat(100));
    writeFileSync(join(dir, 'b'), 'y'.repeat(2500));
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const result = floorLoop([join(dir, 'a'), join(dir, 'b'), join(dir, 'missing')], 7);
    assert.equal(result.files, 2);
    assert.equal(result.roundMicros.length, 7);
    assert.equal(result.bytesLastRound, 2600);
    assert.ok(result.roundMicros.every((us) => us >= 0));
    assert.equal(readdirSync('/proc/self/fd').length, fdsBefore);
    // /proc files regenerate on each read at offset 0: the loop reads them whole every round.
    const proc = floorLoop(['/proc/self/stat'], 3);
    assert.equal(proc.files, 1);
    assert.ok(proc.bytesLastRound > 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('median and nearest-rank p99', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(hundred, 99), 99);
  assert.equal(percentile([1, 2, 3], 99), 3);
  assert.ok(Number.isNaN(median([])));
});
