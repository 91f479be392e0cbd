import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuMax } from '../../../src/sampler/parsers/cpu-max.js';

describe('parseCpuMax', () => {
  test('quota and period', () => assert.deepEqual(parseCpuMax('50000 100000\n'), { quotaUs: 50000n, periodUs: 100000n }));
  test('max means no quota', () => assert.deepEqual(parseCpuMax('max 100000\n'), { periodUs: 100000n }));
  test('empty, truncated, zero period or garbage are undefined', () => {
    for (const text of ['', '\n', 'max', 'max ', '50000', '50000 0', 'maxi 100000', '-1 100000', '50000 1e5']) {
      assert.equal(parseCpuMax(text), undefined, JSON.stringify(text));
    }
  });
  test('above 2^63', () => assert.deepEqual(parseCpuMax('18446744073709551615 100000'), { quotaUs: 18446744073709551615n, periodUs: 100000n }));
});
