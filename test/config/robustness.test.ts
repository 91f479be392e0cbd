// Whatever the file contains, loading ends in a Config or a ConfigError with one-line,
// positioned issues — never a crash (TypeError and friends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const DEFAULT_TEXT = readFileSync(fileURLToPath(new URL('../../config/cgflux.yaml', import.meta.url)), 'utf8');

function checkLoads(dir: string, text: string, env: Record<string, string> = {}): void {
  const file = join(dir, 'fuzz.yaml');
  writeFileSync(file, text);
  const lineCount = text.split('\n').length;
  try {
    loadConfig({ file, env, hostname: 'h' });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError for ${JSON.stringify(text)}: ${String((err as Error).stack)}`);
    assert.ok(err.issues.length > 0);
    for (const issue of err.issues) {
      assert.ok(!issue.message.includes('\n'), issue.message);
      if (issue.source === file) {
        assert.ok(issue.line !== undefined && issue.line >= 1 && issue.line <= lineCount + 1, `line ${issue.line} of ${lineCount}`);
        assert.ok(issue.col !== undefined && issue.col >= 1);
      }
    }
  }
}

const YAML_VALUES = ['', '~', 'null', '[]', '{}', '[1, {a: b}]', '"text"', "'x'", '-1', '0', '1e999', 'true', '10s', '*x', '&a 5',
  '!!binary aGk=', '!custom 1', '|\n  block', '{a: 1, a: 2}', '"unterminated', '[', '}', '- a', ':', '? complex', '0x1F', '1_000'];

test('random edits of the shipped config never crash the loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-fuzz-'));
  try {
    const lines = DEFAULT_TEXT.split('\n');
    fc.assert(
      fc.property(
        fc.array(fc.record({ line: fc.nat(lines.length - 1), value: fc.constantFrom(...YAML_VALUES), mode: fc.constantFrom('value', 'insert', 'delete') }), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const copy = [...lines];
          for (const e of edits) {
            const line = copy[e.line] ?? '';
            if (e.mode === 'delete') copy.splice(e.line, 1);
            else if (e.mode === 'insert') copy.splice(e.line, 0, `${' '.repeat(line.search(/\S|$/))}${e.value}`);
            else if (line.includes(':')) copy[e.line] = `${line.slice(0, line.indexOf(':') + 1)} ${e.value}`;
          }
          checkLoads(dir, copy.join('\n'));
        },
      ),
      { numRuns: 400 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random text and random environment values never crash the loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-fuzz-'));
  try {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => checkLoads(dir, text)), { numRuns: 300 });
    const names = ['CGFLUX_INTERVAL', 'CGFLUX_TAGS_GLOBAL', 'CGFLUX_DOCKER_STATES', 'CGFLUX_SPOOL_MAX_SIZE', 'CGFLUX_HTTP_LISTEN', 'CGFLUX_OUTPUTS_STDOUT_GZIP', 'CGFLUX_X'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ maxLength: 40 }), (name, value) => checkLoads(dir, 'outputs:\n  - type: stdout\n', { [name]: value })),
      { numRuns: 300 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
