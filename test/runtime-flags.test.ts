import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERRUPT_BUDGET, NODE_FLAGS, earlyTierUp, missingNodeFlags, youngGenerationPinned } from '../src/runtime-flags.js';

const REPO = join(import.meta.dirname, '..');

test('the image and npm start run node with NODE_FLAGS', () => {
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  assert.ok(entrypoint, 'the Dockerfile has an exec-form ENTRYPOINT');
  assert.deepEqual(JSON.parse(entrypoint[1]), ['node', ...NODE_FLAGS, '/app/dist/src/cli.js']);
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts.start, `node ${NODE_FLAGS.join(' ')} dist/src/cli.js`);
});

test('NODE_FLAGS give node the young generation they name (V8 accepts them)', () => {
  const mb = (flags: readonly string[]): number =>
    Number(execFileSync(process.execPath, [...flags, '-p', "require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20"], { encoding: 'utf8' }));
  assert.ok(mb(NODE_FLAGS) >= 16, `${mb(NODE_FLAGS)} MB`);
  assert.ok(mb([]) < 16, `${mb([])} MB without them`);
});

test('NODE_FLAGS have V8 optimise a function after fewer calls than its default', () => {
  // A small function called 150 times: V8's default budget optimises it after 200-300 calls,
  // a quarter of it after 50-100 (node 20). Synchronous compilation makes the count exact.
  const script = 'function hot(a) { let s = 0; for (let i = 0; i < 8; i++) s += (a * i) % 7; return s; } let t = 0; for (let i = 0; i < 150; i++) t += hot(i);';
  const optimised = (flags: readonly string[]): boolean =>
    /compiling method .*<JSFunction hot /.test(execFileSync(process.execPath, [...flags, '--trace-opt', '--no-concurrent-recompilation', '-e', script], { encoding: 'utf8' }));
  assert.equal(optimised(NODE_FLAGS), true, 'optimised with NODE_FLAGS');
  assert.equal(optimised([]), false, "not yet with V8's defaults");
});

test('youngGenerationPinned reads the floor from the command line', () => {
  assert.equal(youngGenerationPinned(NODE_FLAGS), true);
  assert.equal(youngGenerationPinned([]), false);
  assert.equal(youngGenerationPinned(['--min_semi_space_size=32']), true);
  assert.equal(youngGenerationPinned(['--min-semi-space-size=16', '--min-semi-space-size=4']), false);
  assert.equal(youngGenerationPinned(['--max-semi-space-size=64']), false);
});

test('earlyTierUp reads the budget from the command line', () => {
  assert.equal(earlyTierUp(NODE_FLAGS), true);
  assert.equal(earlyTierUp([]), false);
  assert.equal(earlyTierUp([`--interrupt_budget=${INTERRUPT_BUDGET / 2}`]), true);
  assert.equal(earlyTierUp(['--interrupt-budget=67584']), false, "V8's default");
  assert.equal(earlyTierUp(['--interrupt-budget=0']), false);
  assert.equal(earlyTierUp(['--interrupt-budget-for-maglev=100']), false);
});

test('missingNodeFlags names what the log hint must say, and nothing with NODE_FLAGS', () => {
  assert.deepEqual(missingNodeFlags(NODE_FLAGS), []);
  assert.deepEqual(missingNodeFlags([]), ['the default young generation', "V8's default tier-up budget"]);
  assert.deepEqual(missingNodeFlags([NODE_FLAGS[0]!]), ["V8's default tier-up budget"]);
  assert.deepEqual(missingNodeFlags([NODE_FLAGS[1]!]), ['the default young generation']);
});
