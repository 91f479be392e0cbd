import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp, withTimestamp } from '../../src/encode/index.js';

test('each precision from an integer ms epoch, exact beyond 2^53', () => {
  const ms = 1_795_322_930_987;
  assert.equal(formatTimestamp(ms, 's'), '1795322930');
  assert.equal(formatTimestamp(ms, 'ms'), '1795322930987');
  assert.equal(formatTimestamp(ms, 'us'), '1795322930987000');
  assert.equal(formatTimestamp(ms, 'ns'), '1795322930987000000');
  assert.equal(BigInt(formatTimestamp(ms, 'ns')), BigInt(ms) * 1_000_000n);
  assert.equal(formatTimestamp(0, 'ns'), '0');
  assert.equal(formatTimestamp(1500.9, 'ms'), '1500');
});

test('withTimestamp appends the same suffix to every body', () => {
  assert.deepEqual(withTimestamp(['a v=1i', 'b v=2i'], 2000, 's'), ['a v=1i 2', 'b v=2i 2']);
  assert.deepEqual(withTimestamp([], 2000, 's'), []);
});
