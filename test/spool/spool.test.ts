import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, appendFileSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, type SpoolOptions } from '../../src/spool/spool.js';
import { captureLog } from './log-capture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgflux-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function opts(over: Partial<SpoolOptions> = {}): SpoolOptions {
  return { dir, maxBytes: 1 << 20, segmentBytes: 64 * 1024, log: captureLog(), ...over };
}

/** n lines `m,b=<batch> i=<k>i <ts>` (one batch). */
function batch(id: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `m,b=${id} i=${k}i,s="x y" 17000000000${k}`);
}

/** A batch's body as the spool gives it back: its lines joined by '\n'. */
const body = (lines: string[]): string => lines.join('\n');

/** Reads and acks everything in order; returns the batches' lines. */
async function drain(spool: Spool): Promise<string[][]> {
  const out: string[][] = [];
  for (let e = spool.head(); e; e = spool.head()) {
    const text = await spool.read(e);
    assert.ok(text !== undefined);
    out.push(text.split('\n'));
    spool.ack(e);
  }
  return out;
}

const segments = () => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

describe('spool', () => {
  test('append, ack, replay across a re-open, in order', async () => {
    const a = Spool.open(opts());
    await a.append([batch(1, 3), batch(2, 2)]);
    await a.append([batch(3, 4)]);
    assert.deepEqual(a.stats().batches, 3);
    assert.deepEqual(a.stats().points, 9);
    const first = a.head()!;
    assert.equal(await a.read(first), body(batch(1, 3)));
    a.ack(first);
    await a.close();

    const b = Spool.open(opts());
    assert.equal(b.stats().points, 6);
    assert.deepEqual(await drain(b), [batch(2, 2), batch(3, 4)]);
    await b.close();
    const c = Spool.open(opts());
    assert.equal(c.head(), undefined);
    await c.close();
    assert.deepEqual(segments(), [], 'fully acknowledged segments are deleted');
  });

  test('a newline inside a string field survives the round trip', async () => {
    const lines = ['m s="one\ntwo" 1', 'm s="three" 2'];
    const a = Spool.open(opts());
    await a.append([lines]);
    await a.close();
    const b = Spool.open(opts());
    const e = b.head()!;
    assert.equal(await b.read(e), body(lines));
    b.ack(e);
    assert.equal(b.head(), undefined);
    await b.close();
  });

  test('rollover across many segments keeps order; acked segments are deleted as they empty', async () => {
    const a = Spool.open(opts({ segmentBytes: 600 }));
    for (let i = 0; i < 40; i++) await a.append([batch(i, 3)]);
    const before = segments().length;
    assert.ok(before >= 5, `expected many segments, got ${before}`);
    for (let i = 0; i < 20; i++) {
      const e = a.head()!;
      assert.equal(await a.read(e), body(batch(i, 3)));
      a.ack(e);
    }
    assert.ok(segments().length < before, 'segments of delivered batches are gone');
    await a.close();
    const b = Spool.open(opts({ segmentBytes: 600 }));
    const rest = await drain(b);
    assert.deepEqual(rest, Array.from({ length: 20 }, (_, i) => batch(20 + i, 3)));
    await b.close();
  });

  test('a torn tail (crash mid-write) is cut off, counted and logged; the rest replays', async () => {
    const a = Spool.open(opts());
    await a.append([batch(1, 2)]);
    await a.append([batch(2, 2)]);
    await a.append([batch(3, 2)]);
    await a.close();
    const [seg] = segments();
    const size = statSync(join(dir, seg)).size;
    truncateSync(join(dir, seg), size - 7);

    const log = captureLog();
    const b = Spool.open(opts({ log }));
    assert.equal(b.counters.corruptSegments, 1);
    assert.equal(b.counters.corruptBytes, size - 7 - (2 * size) / 3);
    assert.equal(log.count('warn', 'torn or corrupt tail'), 1);
    assert.equal(b.stats().points, 4);
    await b.append([batch(4, 1)]);
    await b.close();
    const c = Spool.open(opts());
    assert.equal(c.counters.corruptBytes, 0, 'the file was repaired once');
    assert.deepEqual(await drain(c), [batch(1, 2), batch(2, 2), batch(4, 1)]);
    await c.close();
  });

  test('garbage and a flipped byte are never replayed', async () => {
    const a = Spool.open(opts());
    await a.append([batch(1, 2), batch(2, 2), batch(3, 2)]);
    await a.close();
    const [seg] = segments();
    const path = join(dir, seg);
    const bytes = readFileSync(path);
    const third = bytes.length / 3;
    bytes[Math.floor(third * 1.5)] ^= 0xff; // inside the second frame's payload
    writeFileSync(path, bytes);
    appendFileSync(path, Buffer.from('random garbage that is not a frame'));
    const b = Spool.open(opts());
    assert.deepEqual(await drain(b), [batch(1, 2)]);
    assert.equal(b.counters.corruptBytes, bytes.length - third + 34);
    await b.close();
  });

  test('an unreadable ack file means replay, not loss', async () => {
    const a = Spool.open(opts());
    await a.append([batch(1, 1), batch(2, 1)]);
    a.ack(a.head()!);
    await a.close();
    writeFileSync(join(dir, 'ack.json'), '{not json');
    const b = Spool.open(opts());
    assert.equal(b.stats().batches, 2);
    await b.close();
  });

  test('max_bytes: oldest segments dropped, exact loss count, bound honoured', async () => {
    const log = captureLog();
    const frameBytes = 16 + Buffer.byteLength(batch(0, 5).join('\n'));
    const a = Spool.open(opts({ maxBytes: frameBytes * 10, segmentBytes: frameBytes * 3, log }));
    for (let i = 0; i < 25; i++) {
      await a.append([batch(i % 10, 5)]); // same byte size every time
      const onDisk = segments().reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
      assert.ok(onDisk <= frameBytes * 10, `spool holds ${onDisk} bytes > bound`);
    }
    const kept = a.stats().points;
    assert.equal(kept + a.counters.droppedFull, 25 * 5, 'every point is either kept or counted as lost');
    // Segments hold 3 frames; 10 frames fit: after 25 appends, whole oldest segments went.
    assert.equal(a.counters.droppedFull, 15 * 5);
    const warned = log.lines.filter((l) => l.msg.includes('dropped the oldest')).reduce((s, l) => s + Number(l.fields?.points_lost), 0);
    assert.equal(warned, a.counters.droppedFull, 'the warnings say how many points were lost');
    const rest = await drain(a);
    assert.deepEqual(rest[0], batch(15 % 10, 5), 'the newest data is kept, in order');
    assert.equal(rest.length, 10);
    await a.close();
  });

  test('a batch being sent survives the drop of its segment', async () => {
    const frameBytes = 16 + Buffer.byteLength(batch(0, 5).join('\n'));
    const a = Spool.open(opts({ maxBytes: frameBytes * 2, segmentBytes: frameBytes }));
    await a.append([batch(1, 5)]);
    const head = a.head()!;
    assert.equal(await a.read(head), body(batch(1, 5)));
    await a.append([batch(2, 5)]);
    await a.append([batch(3, 5)]); // drops segment of batch 1, which is in flight
    assert.equal(a.counters.droppedFull, 0);
    assert.equal(a.head(), head);
    a.ack(head);
    assert.deepEqual(await drain(a), [batch(2, 5), batch(3, 5)]);
    await a.close();
  });

  test('a batch larger than max_bytes is dropped and counted', async () => {
    const a = Spool.open(opts({ maxBytes: 100 }));
    await a.append([batch(1, 50)]);
    assert.equal(a.counters.droppedFull, 50);
    assert.equal(a.head(), undefined);
    await a.close();
  });

  test('memory-only spool (no dir) bounded, oldest dropped and counted', async () => {
    const bytes = Buffer.byteLength(batch(0, 4).join('\n'));
    const a = Spool.open(opts({ dir: null, maxBytes: bytes * 3 }));
    for (let i = 0; i < 5; i++) await a.append([batch(i, 4)]);
    assert.equal(a.counters.droppedFull, 8);
    assert.deepEqual(await drain(a), [batch(2, 4), batch(3, 4), batch(4, 4)]);
    await a.close();
  });
});
