// Bad configurations through the REAL executable: `cgflux run --config bad.yaml` and
// `cgflux config check bad.yaml` exit 2 with exactly one line naming file:line:col (the config
// engineer's unit tests check the words; here the process, its exit status and its output shape).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../e2e/harness.js';

const BAD_DIR = 'test/fixtures/config/bad';
/** These two have several problems on purpose (several lines); every other fixture has one. */
const MULTI = new Set(['several-problems.yaml', 'secret-not-echoed.yaml']);
// Every other single-problem fixture, in name order: a representative 23 of the 47.
const PICKED = readdirSync(BAD_DIR)
  .filter((f) => f.endsWith('.yaml') && !MULTI.has(f))
  .sort()
  .filter((_f, i) => i % 2 === 0);

async function inPool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function positionLines(stderr: string, file: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith(`${file}:`) && /^[^:]+:\d+:\d+: \S/.test(l));
}

describe('faults: bad configurations through the executable', () => {
  test(`${PICKED.length} bad files: exit 2, one file:line:col line each, for run and config check`, async () => {
    assert.ok(PICKED.length >= 20, `${PICKED.length} fixtures picked`);
    const results = await inPool(PICKED, 3, async (name) => {
      const file = join(BAD_DIR, name);
      const run = await runCli(['run', '--config', file, '--no-http', '--spool-dir', '/nonexistent/never-used']);
      const check = await runCli(['config', 'check', file]);
      return { name, file, run, check };
    });
    const failures: string[] = [];
    for (const { name, file, run, check } of results) {
      const runPos = positionLines(run.stderr, file);
      const checkPos = positionLines(check.stderr + check.stdout, file);
      const runOther = run.stderr.split('\n').filter((l) => l !== '' && !runPos.includes(l));
      const problems = [
        run.code !== 2 && `run exit ${run.code}`,
        runPos.length !== 1 && `run: ${runPos.length} position lines`,
        runOther.some((l) => !l.startsWith('cgflux: not started')) && `run: other lines ${JSON.stringify(runOther)}`,
        run.stdout !== '' && `run wrote to stdout: ${run.stdout.slice(0, 200)}`,
        check.code !== 2 && `config check exit ${check.code}`,
        checkPos.length !== 1 && `config check: ${checkPos.length} position lines`,
        runPos[0] !== checkPos[0] && `run and check disagree: ${runPos[0]} vs ${checkPos[0]}`,
      ].filter(Boolean);
      if (problems.length) failures.push(`${name}: ${problems.join('; ')}\n  run stderr: ${run.stderr}\n  check: ${check.stderr}`);
    }
    console.log(`faults: bad_configs=${PICKED.length} exit2_one_line=${PICKED.length - failures.length} (run and config check each)`);
    assert.deepEqual(failures, []);
  });
});
