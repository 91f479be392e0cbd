import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePsi } from '../../../src/sampler/parsers/psi.js';

describe('parsePsi', () => {
  test('some and full lines', () => {
    const text = 'some avg10=1.53 avg60=0.87 avg300=0.22 total=5304519\nfull avg10=0.00 avg60=0.10 avg300=0.05 total=123\n';
    assert.deepEqual(parsePsi(text), {
      some: { avg10: 1.53, avg60: 0.87, avg300: 0.22, totalUs: 5304519n },
      full: { avg10: 0, avg60: 0.1, avg300: 0.05, totalUs: 123n },
      malformed: 0,
    });
  });
  test('cpu.pressure of older kernels has no full line', () => {
    assert.deepEqual(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'), {
      some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 0n },
      malformed: 0,
    });
  });
  test('empty file', () => assert.deepEqual(parsePsi(''), { malformed: 0 }));
  test('truncated, unexpected or garbled lines are counted and skipped', () => {
    const text = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=9\nfull avg10=0.00 avg60=0.0\nwhat avg10=1\nfull avg10=x avg60=0 avg300=0 total=1\n';
    assert.deepEqual(parsePsi(text), { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 9n }, malformed: 3 });
  });
  test('total above 2^63 stays exact', () => {
    assert.equal(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615').some?.totalUs, 18446744073709551615n);
  });
  test('a future extra column after total is accepted', () => {
    assert.equal(parsePsi('some avg10=2.00 avg60=0.00 avg300=0.00 total=4 avg600=1.0\n').some?.avg10, 2);
  });
});
