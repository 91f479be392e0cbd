import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS, youngGenerationPinned } from '../src/runtime-flags.js';

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

test('youngGenerationPinned reads the floor from the command line', () => {
  assert.equal(youngGenerationPinned(NODE_FLAGS), true);
  assert.equal(youngGenerationPinned([]), false);
  assert.equal(youngGenerationPinned(['--min_semi_space_size=32']), true);
  assert.equal(youngGenerationPinned(['--min-semi-space-size=16', '--min-semi-space-size=4']), false);
  assert.equal(youngGenerationPinned(['--max-semi-space-size=64']), false);
});
