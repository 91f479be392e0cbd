// SIGKILL in the middle of appends and acks: after re-opening, every batch whose append had
// resolved and that was not acknowledged is there, in order, intact; nothing else is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spool } from '../../src/spool/spool.js';
import { captureLog } from './log-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function batch(i: number): string[] {
  return Array.from({ length: 1 + (i % 7) }, (_, k) => `m,b=${i} k=${k}i,pad="${'p'.repeat(i % 300)}" ${1_700_000_000 + i}`);
}

test('SIGKILL during appends: appended-not-acked batches replay intact and in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-kill-'));
  try {
    const script = `
      import { Spool } from './src/spool/spool.ts';
      import { logger } from './src/log.ts';
      const batch = ${batch.toString()};
      const spool = Spool.open({ dir: ${JSON.stringify(dir)}, maxBytes: 1e8, segmentBytes: 20000, log: logger() });
      for (let i = 0; ; i++) {
        await spool.append([batch(i)]);
        process.stdout.write('appended ' + i + '\\n');
        if (i % 3 === 2) {
          const e = spool.head();
          await spool.read(e);
          spool.ack(e);
          process.stdout.write('acked ' + e.offset + ' ' + e.seq + '\\n');
        }
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if ((out.match(/appended/g) ?? []).length >= 150) {
          clearInterval(check);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await new Promise((r) => child.on('exit', r));
    const appended = [...out.matchAll(/appended (\d+)/g)].map((m) => Number(m[1]));
    const ackCount = (out.match(/acked/g) ?? []).length;
    const lastAppended = appended.at(-1)!;

    const spool = Spool.open({ dir, maxBytes: 1e8, segmentBytes: 20000, log: captureLog() });
    const replayed: number[] = [];
    for (let e = spool.head(); e; e = spool.head()) {
      const lines = (await spool.read(e))!.split('\n');
      const id = Number(/b=(\d+)/.exec(lines[0])![1]);
      assert.deepEqual(lines, batch(id), `batch ${id} intact`);
      replayed.push(id);
      spool.ack(e);
    }
    await spool.close();
    // Acks go in order: the first ackCount batches were acked (their position may not have been
    // persisted before the kill, so some of them may come back; none after them may be missing).
    for (let i = 1; i < replayed.length; i++) assert.equal(replayed[i], replayed[i - 1] + 1, 'in order, no gap');
    assert.ok(replayed[0] <= ackCount, `replay starts at ${replayed[0]}, at most at the first unacked batch ${ackCount}`);
    assert.ok(replayed.at(-1)! >= lastAppended, `batch ${lastAppended} was durable, replay ends at ${replayed.at(-1)}`);
    assert.ok(replayed.at(-1)! <= lastAppended + 1, 'at most the batch being appended at the kill');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
