// The compiled floor reads the files it can open, once per round, and reports each round's CPU;
// without a C compiler it says so instead of a figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledFloor, compiledFloorMedian } from '../../../bench/lib/compiled-floor.js';

function hasCc(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('compiledFloor: every openable file each round, a missing one left out; a note without cc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-bench-cfloor-'));
  try {
    writeFileSync(join(dir, 'a'), 'x'.repeat(100));
    writeFileSync(join(dir, 'b'), 'y'.repeat(2500));
    const result = compiledFloor([join(dir, 'a'), join(dir, 'b'), join(dir, 'missing'), '/proc/self/stat'], 9);
    if (!hasCc()) {
      assert.ok('skipped' in result && /cc/.test(result.skipped));
      assert.equal(compiledFloorMedian(result), undefined);
      return;
    }
    assert.ok(!('skipped' in result), JSON.stringify(result));
    assert.equal(result.files, 3);
    assert.equal(result.roundMicros.length, 9);
    for (const us of result.roundMicros) assert.ok(Number.isFinite(us) && us >= 0, String(us));
    assert.ok((compiledFloorMedian(result) as number) >= 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
