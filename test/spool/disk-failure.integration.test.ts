// Disk trouble never stops sampling: a full disk (a real, tiny tmpfs) and an unwritable directory.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from '../../src/spool/spool.js';
import { captureLog } from './log-capture.js';

function batch(id: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `m,b=${id} i=${k}i,pad="${'x'.repeat(200)}" 1700000000${k}`);
}

describe('spool on a failing disk', () => {
  test('ENOSPC: clear error once, batches kept in memory in order, bounded, recovers when space returns', async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'cgflux-enospc-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', mnt]);
    let spool: Spool | undefined;
    try {
      const log = captureLog();
      const dir = join(mnt, 'out');
      const oneBatch = Buffer.byteLength(batch(0, 10).join('\n'));
      spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20, memoryMaxBytes: oneBatch * 4, diskRetryMs: 0, log });
      for (let i = 0; i < 20; i++) await spool.append([batch(i, 10)]); // ~2.3 KB each: the disk fills up
      assert.ok(spool.counters.diskErrors >= 1);
      assert.equal(spool.counters.diskWritable, false);
      assert.match(spool.counters.lastDiskError, /disk is full \(ENOSPC/);
      assert.equal(log.count('error', 'cannot write the spool directory'), 1, 'logged once per state change, not per batch');
      const total = spool.stats().points + spool.counters.droppedUnwritable;
      assert.equal(total, 200, 'every point is kept or counted as dropped');
      assert.ok(spool.counters.droppedUnwritable > 0, 'the memory bound was reached');

      // Delivering frees the disk; the next append goes to disk again. Order: oldest first.
      let previous = -1;
      for (let e = spool.head(); e; e = spool.head()) {
        const lines = (await spool.read(e))!.split('\n');
        const id = Number(/b=(\d+)/.exec(lines[0])![1]);
        assert.ok(id > previous, `batch ${id} after ${previous}`);
        previous = id;
        spool.ack(e);
      }
      await spool.append([batch(99, 1)]);
      assert.equal(spool.counters.diskWritable, true);
      assert.equal(log.count('info', 'writable again'), 1);
      await spool.close();
    } finally {
      await spool?.close();
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  test('unwritable directory: no crash, error logged, data still flows through memory', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cgflux-notdir-'));
    try {
      writeFileSync(join(base, 'file'), 'x');
      const log = captureLog();
      const spool = Spool.open({ dir: join(base, 'file', 'spool'), maxBytes: 1 << 20, segmentBytes: 1 << 16, diskRetryMs: 0, log });
      assert.equal(spool.counters.diskWritable, false);
      assert.equal(log.count('error', 'cannot open the spool directory'), 1);
      await spool.append([batch(1, 2)]);
      await spool.append([batch(2, 2)]);
      assert.equal(log.lines.filter((l) => l.level === 'error').length, 1, 'no error per batch');
      assert.equal(spool.counters.diskErrors, 3);
      const e = spool.head()!;
      assert.equal(await spool.read(e), batch(1, 2).join('\n'));
      spool.ack(e);
      assert.equal(await spool.read(spool.head()!), batch(2, 2).join('\n'));
      await spool.close();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a directory fixed later is used again, without overwriting older segments', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cgflux-later-'));
    try {
      const dir = join(base, 'spool');
      writeFileSync(dir, 'in the way');
      const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, diskRetryMs: 0, log: captureLog() });
      await spool.append([batch(1, 1)]);
      rmSync(dir);
      mkdirSync(dir);
      await spool.append([batch(2, 1)]);
      assert.equal(spool.counters.diskWritable, true);
      await spool.close();
      const again = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, log: captureLog() });
      assert.equal(again.stats().points, 1, 'only the batch written after the fix is on disk');
      await again.close();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
