import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescriptorBudget, openFilesNeeded, parseOpenFilesLimit, reserveFor } from '../../src/sampler/descriptor-budget.js';

const CHILD = fileURLToPath(new URL('./support/budget-child.ts', import.meta.url));

interface ChildResult {
  wrong: number;
  maxFds: number;
  fdsError: string;
  kept: number;
  limit: number;
  used: number;
  fallbackReads: number;
  fallbackContainers: number;
  exhaustedOpens: number;
  errors: number;
  memoryOk: boolean;
  budgetLines: string[];
}

/** Runs the child under `ulimit -n nofile` (soft and hard) on a fresh directory. */
function runChild(nofile: number, owners: number, perOwner: number, ticks: number, limit: number | 'default', env: Record<string, string> = {}): ChildResult {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-budget-'));
  try {
    const r = spawnSync('sh', ['-c', `ulimit -n ${nofile} && exec "$@"`, 'sh', process.execPath, '--import', 'tsx', CHILD, dir, String(owners), String(perOwner), String(ticks), String(limit)], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('DescriptorBudget', () => {
  test('the soft open-files limit is read from /proc/<pid>/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63460                63460                processes \nMax open files            20000                40000                files     \nMax locked memory         8388608              8388608              bytes     \n';
    assert.equal(parseOpenFilesLimit(text), 20000);
    assert.equal(parseOpenFilesLimit(text.replace('20000   ', 'unlimited')), Number.POSITIVE_INFINITY);
    assert.equal(parseOpenFilesLimit('Max processes 5 5 processes\n'), undefined);
  });

  test('the reserve keeps 1,024 or 10 % free, and half of a small limit', () => {
    assert.equal(reserveFor(20_000), 2_000);
    assert.equal(reserveFor(4_096), 1_024);
    assert.equal(reserveFor(1_024), 512);
    assert.equal(reserveFor(1_048_576), 104_858);
  });

  test('the limit advised for N containers leaves the reserve free', () => {
    const advised = openFilesNeeded(5000, 27);
    assert.equal(advised, 150_000);
    assert.ok(advised - reserveFor(advised) >= 5000 * 27);
    assert.equal(openFilesNeeded(10, 20), 2_000);
  });

  test('an EMFILE lowers the limit below what is kept, so readers shed descriptors', () => {
    const b = new DescriptorBudget(10_000);
    for (let i = 0; i < 3000; i++) assert.ok(b.tryKeep());
    b.exhausted();
    assert.equal(b.limit, 3000 - 150);
    assert.equal(b.excess, 150);
    assert.equal(b.tryKeep(), false);
    assert.equal(b.exhaustedOpens, 1);
  });

  test('spare descriptors: granted up to half the budget; a full budget asks their readers to close one', () => {
    const b = new DescriptorBudget(6);
    assert.ok(b.tryKeepSpare() && b.tryKeepSpare() && b.tryKeepSpare());
    assert.equal(b.tryKeepSpare(), false, 'half of 6 in use');
    let spares = 3;
    const closeOne = (): boolean => {
      if (spares === 0) return false;
      spares--;
      b.returned();
      return true;
    };
    b.addReclaimer(closeOne);
    b.addReclaimer(closeOne);
    for (let i = 0; i < 6; i++) assert.ok(b.tryKeep(), `keep ${i}`);
    assert.equal(spares, 0);
    assert.equal(b.used, 6);
    assert.equal(b.tryKeep(), false, 'nothing left to reclaim');
    b.removeReclaimer(closeOne);
    b.returned();
    assert.ok(b.tryKeep());
  });
});

describe('KeptFiles under a descriptor budget (child processes with a low ulimit -n)', () => {
  test('a tiny cap: every read stays correct and the process never holds more than the cap', () => {
    const base = runChild(1024, 1, 1, 1, 1);
    const r = runChild(1024, 20, 10, 4, 25);
    assert.equal(r.wrong, 0);
    assert.equal(r.errors, 0);
    assert.equal(r.kept, 25);
    // The child's own descriptors (node, tsx, one kept file) plus at most 24 more kept ones.
    assert.ok(r.maxFds <= base.maxFds + 24, `max ${r.maxFds} fds, base ${base.maxFds}`);
    assert.equal(r.fallbackReads, (200 - 25) * 4);
    assert.equal(r.fallbackContainers, 18, 'owners 0 and 1 keep 10 each, owner 2 keeps 5 and falls back for 5');
    assert.equal(r.budgetLines.length, 1, 'said once, not every tick');
    assert.match(r.budgetLines[0], /kept-open descriptor budget reached \(25 kept open\): 18 containers read with open\/read\/close/);
    assert.match(r.budgetLines[0], /raise the open-files limit \(LimitNOFILE\) to about 2,000 for 20 containers/);
  });

  test('by default the cap is the soft limit minus the reserve: 1,600 files under ulimit -n 1,200 never starve the process', () => {
    const r = runChild(1200, 80, 20, 3, 'default');
    assert.equal(r.limit, 600);
    assert.equal(r.wrong, 0);
    assert.equal(r.errors, 0);
    assert.equal(r.fdsError, '');
    assert.ok(r.maxFds <= 600 + 40, `max ${r.maxFds} fds`);
    assert.equal(r.fallbackReads, (1600 - 600) * 3);
    assert.equal(r.memoryOk, true);
    assert.match(r.budgetLines[0], /\(600 of 1,200 open files\): 50 containers/);
  });

  test('a cap above what the process really has: EMFILE lowers it, sheds, and reads fall back instead of failing every tick', () => {
    // 300 descriptors are taken behind the budget's back: the cap of 10,000 cannot be honoured.
    const r = runChild(700, 40, 20, 4, 10_000, { HOG: '300' });
    assert.equal(r.memoryOk, true);
    assert.equal(r.fdsError, '');
    assert.ok(r.exhaustedOpens >= 1 && r.exhaustedOpens <= 2, `${r.exhaustedOpens} EMFILEs: not retried every read`);
    assert.ok(r.limit < 400, `lowered to ${r.limit}`);
    assert.equal(r.used, r.kept);
    assert.ok(r.wrong <= 1, `${r.wrong} reads lost (at most the one that hit EMFILE)`);
    assert.ok(r.maxFds < 700);
    assert.match(r.budgetLines[0] ?? '', /lowered after the process ran out of descriptors/);
  });
});
