import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FileOutput, StdoutOutput } from '../../src/config/schema.js';
import { Output } from '../../src/output/output.js';
import { FileSender, StdoutSender, withNewline } from '../../src/output/stream-senders.js';
import { captureLog } from '../spool/log-capture.js';
import { tempSpool } from './helpers.js';

const base = { batch: { max_lines: 100, max_bytes: 1e6, flush_interval_ms: 10 }, retry: { initial_ms: 10, max_ms: 50 }, timeout_ms: 1000, gzip: false };

test('file output appends line protocol with ns timestamps, across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-file-'));
  const spool = tempSpool();
  try {
    const cfg: FileOutput = { ...base, type: 'file', name: 'f', path: join(dir, 'out.lp') };
    for (const [i, t] of [1_700_000_000_001, 1_700_000_000_002].entries()) {
      const out = new Output(cfg, spool, { log: captureLog() });
      out.write([`m v=${i}i`, `m s="a\nb"`], t);
      assert.equal(await out.flush(Date.now() + 2000), true);
      await out.close();
    }
    assert.equal(readFileSync(cfg.path, 'utf8'), 'm v=0i 1700000000001000000\nm s="a\nb" 1700000000001000000\nm v=1i 1700000000002000000\nm s="a\nb" 1700000000002000000\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    spool.cleanup();
  }
});

test('file output: an unwritable path keeps the lines and writes them once it is fixed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-file-'));
  const spool = tempSpool();
  const path = join(dir, 'sub', 'out.lp');
  const out = new Output({ ...base, type: 'file', name: 'f', path }, spool, { log: captureLog() });
  try {
    out.writeLines(['m v=1i 1']);
    assert.equal(await out.flush(Date.now() + 100), false);
    assert.match(out.stats().lastError!.message, /cannot append to .*out\.lp: .*ENOENT/);
    mkdirSync(join(dir, 'sub'));
    assert.equal(await out.flush(Date.now() + 2000), true);
    assert.equal(readFileSync(path, 'utf8'), 'm v=1i 1\n');
  } finally {
    await out.close();
    rmSync(dir, { recursive: true, force: true });
    spool.cleanup();
  }
});

test('stdout output writes every line once', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c));
  const spool = tempSpool();
  const cfg: StdoutOutput = { ...base, type: 'stdout', name: 'stdout' };
  const out = new Output(cfg, spool, { log: captureLog(), sender: new StdoutSender(stream) });
  try {
    out.write(['a v=1i', 'b v=2i'], 5000);
    assert.equal(await out.flush(Date.now() + 2000), true);
    assert.equal(text, 'a v=1i 5000000000\nb v=2i 5000000000\n');
    assert.equal(out.stats().pointsWritten, 2);
  } finally {
    await out.close();
    spool.cleanup();
  }
});

test('the hand-offs of one tick reach the spool in one append, every line once and in order', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c));
  const spool = tempSpool();
  const cfg: StdoutOutput = { ...base, type: 'stdout', name: 'stdout', batch: { max_lines: 2, max_bytes: 1 << 20, flush_interval_ms: 10 } };
  const out = new Output(cfg, spool, { log: captureLog(), sender: new StdoutSender(stream) });
  const appends: number[] = [];
  const inner = out as unknown as { spool: { append(b: string[][]): Promise<void> } };
  const append = inner.spool.append.bind(inner.spool);
  inner.spool.append = (batches) => {
    appends.push(batches.length);
    return append(batches);
  };
  try {
    // Three hand-offs of one tick, each cutting full batches of 2 lines.
    out.write(['a v=1i', 'b v=2i'], 5000);
    out.write(['c v=3i', 'd v=4i'], 5000);
    out.write(['e v=5i', 'f v=6i'], 5000);
    assert.deepEqual(appends, [], 'nothing spooled during the tick');
    assert.equal(await out.flush(Date.now() + 2000), true);
    assert.deepEqual(appends, [3]);
    assert.equal(text, ['a', 'b', 'c', 'd', 'e', 'f'].map((m, i) => `${m} v=${i + 1}i 5000000000\n`).join(''));
  } finally {
    await out.close();
    spool.cleanup();
  }
});

test('a batch is written as its UTF-8 bytes and one newline, multi-byte text included', async () => {
  const body = 'm,host=bücher v=1i 1\nm,host=東京 s="ä\\"b" 2';
  const buf = withNewline(body);
  assert.deepEqual(buf, Buffer.from(body + '\n', 'utf8'));
  assert.deepEqual(withNewline(''), Buffer.from('\n'));

  const dir = mkdtempSync(join(tmpdir(), 'cgflux-file-'));
  try {
    const sender = new FileSender(join(dir, 'out.lp'));
    assert.deepEqual(await sender.send(body), { kind: 'ok' });
    assert.deepEqual(await sender.send('m v=2i 3'), { kind: 'ok' });
    await sender.close();
    assert.equal(readFileSync(join(dir, 'out.lp'), 'utf8'), `${body}\nm v=2i 3\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
