// close() releases everything: a process that used outputs (one healthy, one backing off against
// a dead port, keep-alive sockets, batch timers) exits on its own after close(), without exit().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, ScriptedServer } from '../support/servers.js';
import { tempSpool } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('a process exits by itself after close()', async () => {
  const server = await ScriptedServer.start(() => ({ status: 204 }));
  const spool = tempSpool();
  try {
    const dead = await freePort();
    const script = `
      import { Output } from './src/output/output.ts';
      import { logger } from './src/log.ts';
      const base = { batch: { max_lines: 10, max_bytes: 1e6, flush_interval_ms: 5000 }, retry: { initial_ms: 50, max_ms: 60000 }, timeout_ms: 2000, gzip: true, token: 't', org: 'o', bucket: 'b', precision: 'ms', type: 'influxdb_v2' };
      const spool = { dir: ${JSON.stringify(spool.dir)}, max_bytes: 1e7, segment_bytes: 1e6 };
      const live = new Output({ ...base, name: 'live', url: ${JSON.stringify(server.url)} }, spool, { log: logger() });
      const down = new Output({ ...base, name: 'down', url: 'http://127.0.0.1:${dead}' }, spool, { log: logger() });
      const lines = Array.from({ length: 25 }, (_, i) => 'm v=' + i + 'i');
      live.write(lines, Date.now());
      down.write(lines, Date.now());
      const ok = await live.flush(Date.now() + 5000);
      await down.flush(Date.now() + 200);
      live.write(['m v=99i'], Date.now()); // leaves a batch timer pending
      await live.close();
      await down.close();
      console.log(JSON.stringify({ ok, written: live.stats().pointsWritten, liveKept: live.stats().spoolPoints, kept: down.stats().spoolPoints, closedAt: Date.now() }));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const exitedAt = Date.now();
    assert.equal(code, 0, `child did not exit by itself (stderr: ${err.slice(-500)})`);
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    assert.equal(result.ok, true);
    assert.equal(result.written, 25);
    assert.equal(result.liveKept, 1, 'close() spooled the pending line for the next run (it does not send)');
    assert.equal(result.kept, 25, 'undelivered data stays in the spool');
    assert.ok(exitedAt - result.closedAt < 2000, `exited ${exitedAt - result.closedAt} ms after close`);
  } finally {
    await server.close();
    spool.cleanup();
  }
});
