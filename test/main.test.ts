import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/main.js';

function capture(): { out: string[]; err: string[]; io: { stdout: (s: string) => void; stderr: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) } };
}

test('--help lists every command and every option', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io), 0);
  const text = c.out.join('');
  for (const word of ['run', 'top', 'containers', 'config check', '--once', '--no-stream', '--sort', '--filter', '--gap', '--output', '--interval', '--config', '--proc-root', '--cgroup-root', '--log-format', '--version']) {
    assert.ok(text.includes(word), `help mentions ${word}`);
  }
});

test('an unknown flag or command is a usage error (exit 2) that points at --help', async () => {
  const a = capture();
  assert.equal(await main(['--bogus'], a.io), 2);
  assert.match(a.err.join(''), /--bogus.*\n.*cgflux --help/s);
  const b = capture();
  assert.equal(await main(['frobnicate'], b.io), 2);
  assert.match(b.err.join(''), /unknown command "frobnicate"/);
});

test('a bad configuration stops every command with file:line:col and exit status 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-main-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'log:\n  level: loud\n');
  for (const args of [['run', '--config', file], ['top', '--config', file], ['containers', '--config', file], ['--once', '--config', file], ['config', 'check', file]]) {
    const c = capture();
    assert.equal(await main(args, c.io), 2, args.join(' '));
    assert.match(c.err.join(''), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:10: log\\.level: .*debug, info, warn, error`), args.join(' '));
  }
});

test('the cgflux executable exits 2 on a bad config and prints the version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-main-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'interval: 0s\n');
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'config', 'check', file], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.yaml:1:11: interval: /);
  const ver = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--version'], { encoding: 'utf8' });
  assert.equal(ver.status, 0);
  assert.match(ver.stdout, /^cgflux \d+\.\d+\.\d+\n$/);
});

test('top: a bad flag value is one line and exit 2, before anything starts', async () => {
  for (const [args, pattern] of [
    [['top', '--interval', '*/5 * * * *'], /flag --interval: expected a duration/],
    [['top', '--sort', 'size'], /flag --sort: expected one of cpu, mem, name/],
    [['top', 'extra'], /unexpected argument "extra"/],
  ] as const) {
    const c = capture();
    assert.equal(await main([...args], c.io), 2, args.join(' '));
    assert.match(c.err.join(''), pattern);
  }
});

test("a command's own flags given to another command are a usage error, not silently ignored", async () => {
  for (const [args, pattern] of [
    [['run', '--no-stream'], /--no-stream and --filter go with "cgflux top"/],
    [['containers', '--filter', 'web'], /--no-stream and --filter go with "cgflux top"/],
    [['run', '--limit', '3'], /--limit and --json with "cgflux ps CONTAINER"/],
    [['containers', '--sort', 'cpu'], /--sort goes with/],
  ] as const) {
    const c = capture();
    assert.equal(await main([...args], c.io), 2, args.join(' '));
    assert.match(c.err.join(''), pattern);
  }
});
