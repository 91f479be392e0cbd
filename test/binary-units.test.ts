import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryScale } from '../src/binary-units.js';

test('bytes scale to the largest binary unit that keeps the value at 1024 or more, PiB at most', () => {
  assert.deepEqual(binaryScale(0), { value: 0, unit: 'B' });
  assert.deepEqual(binaryScale(1023), { value: 1023, unit: 'B' });
  assert.deepEqual(binaryScale(1024), { value: 1, unit: 'KiB' });
  assert.deepEqual(binaryScale(1.5 * 1024 ** 3), { value: 1.5, unit: 'GiB' });
  assert.deepEqual(binaryScale(2048 * 1024 ** 5), { value: 2048, unit: 'PiB' });
});
