import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { GONE, ProcFiles } from '../../src/sampler/proc-files.js';

function sleeper(): Promise<ReturnType<typeof spawn>> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

test('a kept /proc/<pid>/status reads live values, then GONE once the process exited (not an error)', async () => {
  const child = await sleeper();
  const files = new ProcFiles();
  try {
    const first = files.read('k', `/proc/${child.pid}/status`);
    assert.equal(typeof first.text, 'string');
    assert.match(first.text as string, new RegExp(`\\nPid:\\t${child.pid}\\n`));
    assert.equal(files.openCount, 1);
    child.kill('SIGKILL');
    await exited(child);
    const after = files.read('k', `/proc/${child.pid}/status`);
    assert.equal(after.text, GONE);
    assert.equal(after.errorCode, 'ENOENT'); // kept fd said ESRCH, the reopen found no /proc/<pid>
    assert.equal(files.openCount, 0, 'the dead task’s descriptor is closed');
  } finally {
    child.kill('SIGKILL');
  }
});

test('a kept /proc/<pid>/net/dev outlives its process (the namespace stays referenced): why liveness is checked apart', async () => {
  const child = await sleeper();
  const files = new ProcFiles();
  try {
    assert.equal(typeof files.read('net', `/proc/${child.pid}/net/dev`).text, 'string');
    child.kill('SIGKILL');
    await exited(child);
    assert.equal(typeof files.read('net', `/proc/${child.pid}/net/dev`).text, 'string', 'still readable after exit');
    files.close('net');
    assert.equal(files.read('net', `/proc/${child.pid}/net/dev`).text, GONE);
  } finally {
    child.kill('SIGKILL');
    files.closeAll();
  }
});

test('a different path under the same key closes the old descriptor; the cap opens and closes per read', async () => {
  const files = new ProcFiles(1);
  assert.equal(typeof files.read('a', '/proc/self/stat').text, 'string');
  assert.equal(typeof files.read('a', '/proc/self/status').text, 'string');
  assert.equal(files.openCount, 1);
  assert.equal(typeof files.read('b', '/proc/self/stat').text, 'string');
  assert.equal(files.openCount, 1, 'over the cap: read without keeping');
  assert.equal(files.read('c', '/proc/self/does-not-exist').text, GONE);
  files.closeAll();
  assert.equal(files.openCount, 0);
});

test('other failures are undefined with the errno code', () => {
  const files = new ProcFiles();
  const r = files.read('dir', '/proc/self/task');
  assert.equal(r.text, undefined);
  assert.equal(r.errorCode, 'EISDIR');
});
