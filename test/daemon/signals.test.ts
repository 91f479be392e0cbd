import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/signals-child.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  proc: ChildProcessWithoutNullStreams;
  stdout: () => string[];
  stderr: () => string;
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(shutdownMs: number, reloadMs: number, mode = 'normal'): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, String(shutdownMs), String(reloadMs), mode]);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const stdout = () => out.split('\n').filter(Boolean);
  return {
    proc,
    stdout,
    stderr: () => err,
    exited,
    async waitFor(line, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout().includes(line)) {
        if (Date.now() > deadline || proc.exitCode !== null) {
          throw new Error(`child never printed "${line}"; stdout:\n${out}\nstderr:\n${err}`);
        }
        await sleep(10);
      }
    },
  };
}

async function exitWithin(child: Child, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timeout = sleep(ms).then(() => null);
  const result = await Promise.race([child.exited, timeout]);
  if (!result) {
    child.proc.kill('SIGKILL');
    throw new Error(`child did not exit within ${ms} ms; stdout:\n${child.stdout().join('\n')}\nstderr:\n${child.stderr()}`);
  }
  return result;
}

describe('installSignalHandlers (in a child process)', () => {
  test('SIGTERM runs onShutdown once; the process then exits by itself with 0', async () => {
    const child = startChild(200, 300);
    await child.waitFor('ready');
    child.proc.kill('SIGTERM');
    const { code, signal } = await exitWithin(child, 5000);
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.deepEqual(child.stdout(), ['ready', 'shutdown SIGTERM', 'shutdown done']);
    assert.match(child.stderr(), /received SIGTERM: shutting down, flushing outputs \(send SIGTERM again to exit at once\)/);
  });

  test('SIGINT is a shutdown too', async () => {
    const child = startChild(50, 300);
    await child.waitFor('ready');
    child.proc.kill('SIGINT');
    const { code } = await exitWithin(child, 5000);
    assert.equal(code, 0);
    assert.deepEqual(child.stdout(), ['ready', 'shutdown SIGINT', 'shutdown done']);
  });

  test('a second shutdown signal during a slow shutdown exits 1 at once with a message', async () => {
    const child = startChild(20_000, 300);
    await child.waitFor('ready');
    child.proc.kill('SIGTERM');
    await child.waitFor('shutdown SIGTERM');
    const t0 = Date.now();
    child.proc.kill('SIGINT');
    const { code } = await exitWithin(child, 5000);
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(code, 1);
    assert.deepEqual(child.stdout(), ['ready', 'shutdown SIGTERM']);
    assert.match(child.stderr(), /received SIGINT while shutting down \(after SIGTERM\): exiting now without waiting/);
  });

  test('SIGHUP reloads; SIGHUPs during a reload queue exactly one more; no overlap', async () => {
    const child = startChild(50, 400);
    await child.waitFor('ready');
    child.proc.kill('SIGHUP');
    await child.waitFor('reload 1 start');
    child.proc.kill('SIGHUP');
    await sleep(60);
    child.proc.kill('SIGHUP');
    await child.waitFor('reload 2 end');
    await sleep(600); // a third reload would have started by now
    child.proc.kill('SIGTERM');
    const { code } = await exitWithin(child, 5000);
    assert.equal(code, 0);
    assert.deepEqual(child.stdout(), [
      'ready',
      'reload 1 start',
      'reload 1 end',
      'reload 2 start',
      'reload 2 end',
      'shutdown SIGTERM',
      'shutdown done',
    ]);
    assert.match(child.stderr(), /received SIGHUP during a reload: reloading once more when it finishes/);
  });

  test('a failing reload is logged and the next SIGHUP still reloads', async () => {
    const child = startChild(50, 100, 'fail-first-reload');
    await child.waitFor('ready');
    child.proc.kill('SIGHUP');
    await child.waitFor('reload 1 start');
    for (let i = 0; i < 100 && !child.stderr().includes('reload failed'); i++) await sleep(20);
    assert.match(child.stderr(), /reload failed; the previous configuration stays in effect error="bad config"/);
    child.proc.kill('SIGHUP');
    await child.waitFor('reload 2 end');
    child.proc.kill('SIGTERM');
    assert.equal((await exitWithin(child, 5000)).code, 0);
  });

  test('the uninstall function restores the default behaviour (SIGTERM kills)', async () => {
    const child = startChild(50, 100, 'uninstall');
    await child.waitFor('ready');
    child.proc.kill('SIGTERM');
    const { code, signal } = await exitWithin(child, 5000);
    assert.equal(code, null);
    assert.equal(signal, 'SIGTERM');
    assert.deepEqual(child.stdout(), ['ready']);
  });
});
