import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countCpuList } from '../../../src/sampler/parsers/cpu-list.js';

describe('countCpuList', () => {
  test('single CPUs, ranges and mixes', () => {
    assert.equal(countCpuList('0\n'), 1);
    assert.equal(countCpuList('0-1\n'), 2);
    assert.equal(countCpuList('0-3,8\n'), 5);
    assert.equal(countCpuList('0-3,8,10-11'), 7);
    assert.equal(countCpuList('2,4,6'), 3);
  });
  test('empty, truncated or malformed is undefined', () => {
    for (const text of ['', '\n', '0-', '0-3,', '3-1', 'a', '0,,1', '-1', '0-99999999']) {
      assert.equal(countCpuList(text), undefined, JSON.stringify(text));
    }
  });
});
