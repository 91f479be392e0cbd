import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clip, formatByteRate, formatBytes, formatCount, formatMemory, formatPercent, padCell } from '../../src/top/format.js';

test('bytes use binary units with three significant digits, absent is "-"', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(1023), '1023B');
  assert.equal(formatBytes(1024), '1.00KiB');
  assert.equal(formatBytes(15.5 * 1024 * 1024), '15.5MiB');
  assert.equal(formatBytes(300 * 1024 ** 3), '300GiB');
  assert.equal(formatBytes(undefined), '-');
  assert.equal(formatBytes(-1), '-');
  assert.equal(formatByteRate(2048), '2.00KiB/s');
  assert.equal(formatByteRate(undefined), '-');
});

test('percent, counts and memory', () => {
  assert.equal(formatPercent(0), '0.00%');
  assert.equal(formatPercent(12.345), '12.35%');
  assert.equal(formatPercent(150.04), '150.0%');
  assert.equal(formatPercent(undefined), '-');
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(2.5), '2.5');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(12_345), '12.3k');
  assert.equal(formatCount(2_500_000), '2.5M');
  assert.equal(formatMemory(1024 * 1024, 512 * 1024 * 1024), '1.00MiB / 512MiB');
  assert.equal(formatMemory(1024 * 1024, undefined), '1.00MiB');
});

test('clip and pad never exceed the width', () => {
  assert.equal(clip('abcdef', 4), 'abc…');
  assert.equal(clip('abc', 4), 'abc');
  assert.equal(clip('abc', 1), '…');
  assert.equal(clip('abc', 0), '');
  assert.equal(padCell('ab', 4, 'right'), '  ab');
  assert.equal(padCell('ab', 4, 'left'), 'ab  ');
  assert.equal(padCell('abcdef', 4, 'left'), 'abc…');
});
