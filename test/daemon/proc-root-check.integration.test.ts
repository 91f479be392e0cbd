// Needs root for unshare (a pid namespace of its own, like a container's).
// host.proc_root must be the host's /proc: a container's own /proc (its own pid namespace, no
// kernel threads) or an unreadable path gets one line at start that says what to mount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { procRootProblem } from '../../src/daemon/proc-root-check.js';

const run = promisify(execFile);

test('the host\'s /proc passes', () => {
  assert.equal(procRootProblem('/proc'), undefined);
});

test('a /proc of its own pid namespace (what a container without the host\'s /proc sees) is named as such', async () => {
  // unshare --pid --fork --mount-proc: a fresh pid namespace with its own /proc mounted, as in a container.
  const script = `import { procRootProblem } from ${JSON.stringify(join(process.cwd(), 'src/daemon/proc-root-check.ts'))}; console.log(procRootProblem('/proc') ?? 'none');`;
  const { stdout } = await run('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script]);
  assert.match(stdout.trim(), /^host\.proc_root \/proc is not the host's \/proc: it shows [1-9]\d* processes and no kernel threads, .*mount the host's \/proc \(-v \/proc:\/host\/proc:ro\) and set host\.proc_root: \/host\/proc/);
});

test('a directory with a pid 2 that is not kthreadd, and a missing path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-procroot-'));
  try {
    mkdirSync(join(dir, '1'));
    mkdirSync(join(dir, '2'));
    writeFileSync(join(dir, '2', 'stat'), '2 (sh) S 1 2 2 0 -1 4194560\n');
    assert.match(procRootProblem(dir) ?? '', /shows 2 processes and no kernel threads/);
    assert.match(procRootProblem(join(dir, 'nope')) ?? '', /^host\.proc_root .*nope cannot be read \(ENOENT\): mount the host's \/proc there read-only/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
