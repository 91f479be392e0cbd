import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePidList } from '../../../src/sampler/parsers/pid-list.js';

test('one id per line, blank lines ignored, out cleared first', () => {
  const out = [99];
  assert.equal(parsePidList('1\n4100\n\n4194304\n', out), 0);
  assert.deepEqual(out, [1, 4100, 4194304]);
  assert.equal(parsePidList('', out), 0);
  assert.deepEqual(out, []);
});

test('a last line without newline is kept; junk lines are counted and skipped', () => {
  const out: number[] = [];
  assert.equal(parsePidList('12\nabc\n-3\n1 2\n99999999999\n34', out), 4);
  assert.deepEqual(out, [12, 34]);
});

test("v2's 0 for a task outside the reader's pid namespace is skipped, not malformed", () => {
  const out: number[] = [];
  assert.equal(parsePidList('0\n0\n', out), 0);
  assert.deepEqual(out, []);
  assert.equal(parsePidList('0\n4100\n0\n', out), 0);
  assert.deepEqual(out, [4100]);
});
