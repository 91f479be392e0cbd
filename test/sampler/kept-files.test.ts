import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { DescriptorBudget } from '../../src/sampler/descriptor-budget.js';
import { ReadErrors } from '../../src/errors/read-errors.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-kept-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('KeptFiles', () => {
  test('re-reads a kept descriptor from offset 0: a rewritten file gives its new content', () => {
    withDir((dir) => {
      const errors = new ReadErrors();
      const files = new KeptFiles(errors);
      const path = join(dir, 'memory.current');
      writeFileSync(path, '100\n');
      assert.equal(files.read(path, 'a', 'memory'), '100\n');
      writeFileSync(path, '20\n');
      assert.equal(files.read(path, 'a', 'memory'), '20\n');
      assert.equal(files.openCount, 1);
      assert.equal(errors.total(), 0);
    });
  });

  test("'once' (limit files read every 30 s): opened, read and closed; no descriptor kept, no fallback counted; a missing one counted once", () => {
    withDir((dir) => {
      const errors = new ReadErrors();
      const files = new KeptFiles(errors);
      const keptBefore = files.budget.used;
      const fallbackBefore = files.fallbackReads;
      const path = join(dir, 'memory.limit_in_bytes');
      writeFileSync(path, '1024\n');
      assert.equal(files.read(path, 'a', 'memory', 'once'), '1024\n');
      writeFileSync(path, '2048\n');
      assert.equal(files.read(path, 'a', 'memory', 'once'), '2048\n');
      assert.equal(files.openCount, 0);
      assert.equal(files.budget.used, keptBefore);
      assert.equal(files.fallbackReads, fallbackBefore);
      files.endOfTick();
      assert.equal(files.fallbackContainers, 0);
      const gone = join(dir, 'pids.max');
      assert.equal(files.read(gone, 'a', 'pids', 'once'), undefined);
      assert.equal(files.read(gone, 'a', 'pids', 'once'), undefined);
      assert.equal(errors.total(), 1);
      files.release('a');
      assert.equal(files.read(gone, 'a', 'pids', 'once'), undefined);
      assert.equal(errors.total(), 2, 'after release a new run of the container counts it again');
    });
  });

  test("'rare' (limit files): kept open while at most half the budget is used, read once beyond; never a fallback", () => {
    withDir((dir) => {
      const budget = new DescriptorBudget(4);
      const files = new KeptFiles(new ReadErrors(), { budget });
      for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), `${name}1\n`);
      assert.equal(files.read(join(dir, 'a'), 'x', 'memory', 'rare'), 'a1\n');
      assert.equal(files.read(join(dir, 'b'), 'x', 'memory', 'rare'), 'b1\n');
      assert.equal(files.openCount, 2, 'two of four: kept');
      assert.equal(files.read(join(dir, 'c'), 'x', 'memory', 'rare'), 'c1\n');
      assert.equal(files.openCount, 2, 'past half the budget: opened, read and closed');
      writeFileSync(join(dir, 'a'), 'a2\n');
      writeFileSync(join(dir, 'c'), 'c2\n');
      assert.equal(files.read(join(dir, 'a'), 'x', 'memory', 'rare'), 'a2\n', 'a kept descriptor reads the new content');
      assert.equal(files.read(join(dir, 'c'), 'x', 'memory', 'rare'), 'c2\n');
      assert.equal(files.fallbackReads, 0);
      files.release('x');
      assert.equal(budget.used, 0);
    });
  });

  test("a file read every tick takes the place of a 'rare' one when the budget is spent", () => {
    withDir((dir) => {
      const budget = new DescriptorBudget(4);
      const limits = new KeptFiles(new ReadErrors(), { budget });
      const hot = new KeptFiles(new ReadErrors(), { budget });
      for (const name of ['l1', 'l2', 'h1', 'h2', 'h3', 'h4']) writeFileSync(join(dir, name), `${name}\n`);
      limits.read(join(dir, 'l1'), 'x', 'memory', 'rare');
      limits.read(join(dir, 'l2'), 'x', 'memory', 'rare');
      for (const name of ['h1', 'h2', 'h3', 'h4']) assert.equal(hot.read(join(dir, name), 'y', 'cpu'), `${name}\n`);
      assert.equal(hot.openCount, 4, 'every file read each tick kept');
      assert.equal(limits.openCount, 0, 'the spare descriptors were closed for them');
      assert.equal(hot.fallbackReads, 0);
      assert.equal(limits.read(join(dir, 'l1'), 'x', 'memory', 'rare'), 'l1\n', 'still read, now with open/read/close');
      assert.equal(limits.openCount, 0);
      assert.equal(budget.used, 4);
      writeFileSync(join(dir, 'h5'), 'h5\n');
      assert.equal(hot.read(join(dir, 'h5'), 'y', 'cpu'), 'h5\n');
      assert.equal(hot.fallbackReads, 1, 'no spare left to close: the budget rules as before');
      hot.closeAll();
      assert.equal(budget.used, 0);
    });
  });

  test('content larger than the buffer is read whole', () => {
    withDir((dir) => {
      const files = new KeptFiles(new ReadErrors());
      const path = join(dir, 'big');
      const text = 'x'.repeat(200_000);
      writeFileSync(path, text);
      assert.equal(files.read(path, 'a', 'c'), text);
    });
  });

  test('a missing file is counted once, then remembered absent for that owner until released', () => {
    withDir((dir) => {
      const errors = new ReadErrors();
      const files = new KeptFiles(errors);
      const path = join(dir, 'memory.peak');
      assert.equal(files.read(path, 'a', 'memory'), undefined);
      assert.equal(files.read(path, 'a', 'memory'), undefined);
      assert.deepEqual(errors.entries(), [['memory', 'missing', 1]]);
      writeFileSync(path, '5\n');
      assert.equal(files.read(path, 'a', 'memory'), undefined, 'still remembered absent');
      files.release('a');
      assert.equal(files.read(path, 'a', 'memory'), '5\n');
    });
  });

  test('a file that opens but cannot be read is counted unreadable once, not retried every tick', () => {
    withDir((dir) => {
      const errors = new ReadErrors();
      const files = new KeptFiles(errors);
      const path = join(dir, 'cpu.pressure');
      mkdirSync(path); // read() of a directory fails with EISDIR
      assert.equal(files.read(path, 'a', 'psi'), undefined);
      assert.equal(files.read(path, 'a', 'psi'), undefined);
      assert.deepEqual(errors.entries(), [['psi', 'unreadable', 1]]);
      assert.equal(files.openCount, 0);
    });
  });

  test('release closes only that owner; the revision counter moves with every count', () => {
    withDir((dir) => {
      const errors = new ReadErrors();
      const files = new KeptFiles(errors);
      writeFileSync(join(dir, 'f1'), '1');
      writeFileSync(join(dir, 'f2'), '2');
      files.read(join(dir, 'f1'), 'a', 'c');
      files.read(join(dir, 'f2'), 'b', 'c');
      files.release('a');
      assert.equal(files.openCount, 1);
      const before = errors.revision;
      files.read(join(dir, 'nope'), 'b', 'c');
      assert.equal(errors.revision, before + 1);
      files.closeAll();
      assert.equal(files.openCount, 0);
    });
  });
});
