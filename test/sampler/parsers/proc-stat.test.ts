import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcStat } from '../../../src/sampler/parsers/proc-stat.js';

const STAT = `cpu  5790 10 3418 266809 516 1 60 31 7 0
cpu0 2301 5 1292 134667 43 0 17 13 3 0
cpu1 3488 5 2126 132141 472 1 43 18 4 0
intr 1 2 3
ctxt 123
btime 1700000000
`;

describe('parseProcStat', () => {
  test('aggregate ticks (user..steal) and the number of online CPUs', () => {
    assert.deepEqual(parseProcStat(STAT), { ticks: [5790n, 10n, 3418n, 266809n, 516n, 1n, 60n, 31n], onlineCpus: 2 });
  });
  test('an old kernel without steal/iowait columns counts them as 0', () => {
    assert.deepEqual(parseProcStat('cpu  1 2 3 4\ncpu0 1 2 3 4\n'), { ticks: [1n, 2n, 3n, 4n, 0n, 0n, 0n, 0n], onlineCpus: 1 });
  });
  test('empty, truncated or garbled cpu line is undefined', () => {
    for (const text of ['', 'cpu  1 2', 'cpu  1 2 x 4 5', 'intr 1 2\n']) assert.equal(parseProcStat(text), undefined, JSON.stringify(text));
  });
  test('counters above 2^63 stay exact', () => {
    assert.deepEqual(parseProcStat('cpu  18446744073709551615 0 0 0\n')?.ticks[0], 18446744073709551615n);
  });
});
