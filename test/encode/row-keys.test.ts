import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowKeys } from '../../src/encode/row-keys.js';

test('row keys: one number per (measurement, tags) whatever object carries the tags; numbers start over past 10,000', () => {
  let resets = 0;
  const keys = new RowKeys(() => resets++);
  const sda = Object.freeze({ device: 'sda' });
  const a = keys.id({ measurement: 'm1', tags: sda, fields: {} });
  const b = keys.id({ measurement: 'm2', tags: sda, fields: {} });
  assert.notEqual(a, b, 'the same tags under another measurement is another key');
  assert.equal(keys.id({ measurement: 'm1', tags: { device: 'sda' }, fields: {} }), a, 'equal tags in a new object');
  assert.equal(keys.id({ measurement: 'm2', tags: sda, fields: {} }), b);
  assert.equal(keys.id({ measurement: 'm1', fields: {} }), 2);
  for (let i = 0; i < 10_000; i++) keys.id({ measurement: 'm', tags: { device: `d${i}` }, fields: {} });
  assert.equal(resets, 1);
  assert.equal(keys.id({ measurement: 'm1', tags: sda, fields: {} }), 3, 'after the reset (at d9997) the cached object is numbered afresh');
});
