#!/usr/bin/env node
// Runs node's test runner on every *.test.ts below the given folders, through tsx.
// Node 20's --test does not expand globs and does not look for .ts files by itself.
// Usage: node scripts/run-tests.mjs [folder|file ...] [--exclude SUBSTRING ...] [--unit]
// --unit: only tests that need no service and no root. Those that do are named
// *.integration.test.ts; a file that asks for a service (requireDocker …) or mounts without
// that name stops the run, so the convention cannot drift.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const roots = [];
const excludes = [];
let unit = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--exclude') excludes.push(args[++i]);
  else if (args[i] === '--unit') unit = true;
  else roots.push(args[i]);
}
if (unit) excludes.push('.integration.test.ts');
if (roots.length === 0) roots.push('test');

function walk(path, found) {
  if (statSync(path).isFile()) {
    found.push(path);
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') walk(full, found);
    } else if (entry.name.endsWith('.test.ts')) found.push(full);
  }
}

const files = [];
for (const root of roots) walk(root, files);
const selected = files.filter((f) => !excludes.some((x) => f.includes(x))).sort();
if (unit) {
  const needy = selected.filter((f) => /\brequire(Docker|InfluxV1|Victoria)\b|execFileSync\('mount'/.test(readFileSync(f, 'utf8')));
  if (needy.length > 0) {
    console.error(`these tests need a service or root, so their names must end in .integration.test.ts: ${needy.join(', ')}`);
    process.exit(1);
  }
}
if (selected.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
// Human output on stdout (spec), and TAP to a file for the closing summary line.
const tapDir = mkdtempSync(join(tmpdir(), 'cgflux-tests-'));
const tapFile = join(tapDir, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...selected,
  ],
  { stdio: 'inherit' },
);
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  /* the runner died before writing it */
}
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 'NaN');
const [pass, fail, skipped, todo, cancelled] = ['pass', 'fail', 'skipped', 'todo', 'cancelled'].map(count);
if (Number.isNaN(pass)) {
  console.log(`tests: the test runner ended without a summary (exit ${result.status ?? result.signal})`);
  process.exit(result.status || 1);
}
console.log(`tests: ${pass} passed, ${fail + cancelled} failed, ${skipped + todo} skipped`);
process.exit(result.status ?? 1);
