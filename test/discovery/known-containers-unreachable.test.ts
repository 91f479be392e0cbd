// The registry against a Docker socket that is missing or refuses: one clear log line, retries in
// the background, never throws, and stop() leaves nothing that keeps the process alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import { ConnectionStatus } from '../../src/discovery/connection-status.js';
import { runContainersCommand } from '../../src/discovery/containers-command.js';
import { KnownContainers } from '../../src/discovery/known-containers.js';

function captureLogger(lines: string[]): Logger {
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const log: Logger = { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function handles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'FSReqCallback');
}

test('missing socket: one warning over many retries, start resolves, stop leaves no handles', async () => {
  const before = handles();
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-reg-'));
  const config = defaultConfig('h');
  config.docker.socket = join(dir, 'docker.sock');
  const lines: string[] = [];
  const registry = new KnownContainers(config, { log: captureLogger(lines), backoff: { initialMs: 5, maxMs: 20 } });
  await registry.start();
  await sleep(300);
  await registry.stop();
  rmSync(dir, { recursive: true });
  assert.deepEqual(lines, [`warn cannot reach dockerd at ${config.docker.socket}: the socket does not exist (is dockerd running? inside a container: is the socket mounted?); retrying in the background`]);
  const stats = registry.stats();
  assert.equal(stats.connected, false);
  assert.ok(stats.errors >= 8, `expected many failed attempts, got ${stats.errors}`);
  assert.deepEqual(registry.containers(), []);
  await sleep(20);
  assert.deepEqual(handles(), before);
});

test('a socket nobody listens on (dockerd stopped) is reported as refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-reg-'));
  const socket = join(dir, 'docker.sock');
  // A bound but never listening unix socket: connect() gets ECONNREFUSED, like a stale dockerd socket.
  execFileSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(socket)})`]);
  const config = defaultConfig('h');
  config.docker.socket = `unix://${socket}`;
  const lines: string[] = [];
  const registry = new KnownContainers(config, { log: captureLogger(lines), backoff: { initialMs: 5, maxMs: 20 } });
  assert.equal(await registry.refresh(), false);
  await registry.start();
  await sleep(200);
  await registry.stop();
  rmSync(dir, { recursive: true });
  assert.deepEqual(lines, [`warn cannot reach dockerd at ${socket}: nothing answers on it (dockerd stopped or restarting?); retrying in the background`]);
  assert.ok(registry.stats().errors >= 1);
});

test('connection status logs again on a new reason, after the repeat interval, and on recovery', () => {
  const lines: string[] = [];
  const status = new ConnectionStatus(captureLogger(lines), '/x.sock', 50);
  const enoent = Object.assign(new Error('x'), { code: 'ENOENT' });
  status.failed(enoent);
  status.failed(enoent);
  status.failed(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
  assert.equal(lines.length, 2);
  const until = Date.now() + 60;
  while (Date.now() < until);
  status.failed(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
  assert.equal(lines.length, 3);
  status.ok();
  status.ok();
  assert.deepEqual(lines.slice(3), ['info connected to dockerd at /x.sock again']);
  assert.equal(status.down, false);
});

test('`cgflux containers` with no socket: clear message, exit code 1', async () => {
  const config = defaultConfig('h');
  config.docker.socket = '/nonexistent/cgflux/docker.sock';
  let out = '';
  let err = '';
  const code = await runContainersCommand(config, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, /^cgflux: cannot reach dockerd at \/nonexistent\/cgflux\/docker\.sock: the socket does not exist/);
});
