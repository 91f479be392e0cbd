import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMeminfo } from '../../../src/sampler/parsers/meminfo.js';

const WANTED = new Set(['MemTotal', 'MemAvailable', 'SwapFree', 'HugePages_Total'] as const);

describe('parseMeminfo', () => {
  test('kB lines become bytes; unit-less lines stay raw; other names are ignored', () => {
    const text = 'MemTotal:        4028296 kB\nMemFree:          171476 kB\nMemAvailable:    3101408 kB\nSwapFree:              0 kB\nHugePages_Total:       0\n';
    assert.deepEqual(parseMeminfo(text, WANTED), {
      values: { MemTotal: 4028296n * 1024n, MemAvailable: 3101408n * 1024n, SwapFree: 0n, HugePages_Total: 0n },
      malformed: 0,
    });
  });
  test('empty', () => assert.deepEqual(parseMeminfo('', WANTED), { values: {}, malformed: 0 }));
  test('truncated and garbled values are counted', () => {
    assert.deepEqual(parseMeminfo('MemTotal: 4028296 kB\nMemAvailable:   31', WANTED), { values: { MemTotal: 4028296n * 1024n, MemAvailable: 31n }, malformed: 0 });
    assert.deepEqual(parseMeminfo('MemTotal:  kB\nMemAvailable: x kB\nSwapFree:', WANTED), { values: {}, malformed: 3 });
  });
  test('values above 2^63 stay exact', () => {
    assert.equal(parseMeminfo('MemTotal: 18446744073709551615 kB\n', WANTED).values.MemTotal, 18446744073709551615n * 1024n);
  });
});
