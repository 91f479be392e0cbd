import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isComplete, parseSnapshot } from '../../../src/sampler/kernel-switches/protocol.js';

test('a reply gives per-cgroup totals, first-time names and the dropped count', () => {
  const id = 'd9433f502a499f7cc57b85a156f4192a41ecfaa796687cd61bfd911c248d8081';
  const snap = parseSnapshot(`1 463 533\nn 1146 ${id}\n1146 3124 77\nend 4\n`);
  assert.ok(snap);
  assert.deepEqual(snap.counts.get(1n), { voluntary: 463n, involuntary: 533n });
  assert.deepEqual(snap.counts.get(1146n), { voluntary: 3124n, involuntary: 77n });
  assert.equal(snap.names.get(1146n), id);
  assert.equal(snap.names.size, 1);
  assert.equal(snap.dropped, 4n);
});

test('counters above 2^53 stay exact', () => {
  const snap = parseSnapshot('18446744073709551615 18446744073709551614 9007199254740993\nend 0\n');
  assert.deepEqual(snap?.counts.get(18446744073709551615n), { voluntary: 18446744073709551614n, involuntary: 9007199254740993n });
});

test('an empty map is a valid reply', () => {
  assert.equal(parseSnapshot('end 0\n')?.counts.size, 0);
});

test('a malformed or truncated reply is refused, not half-read', () => {
  assert.equal(parseSnapshot('1 2 3\n'), undefined);
  assert.equal(parseSnapshot('1 2\nend 0\n'), undefined);
  assert.equal(parseSnapshot('1 2 -3\nend 0\n'), undefined);
  assert.equal(parseSnapshot('x 2 3\nend 0\n'), undefined);
  assert.equal(parseSnapshot('n 5\nend 0\n'), undefined);
  assert.equal(parseSnapshot('end x\n'), undefined);
  assert.equal(parseSnapshot(''), undefined);
});

test('isComplete waits for the end line', () => {
  assert.equal(isComplete('1 2 3\n'), false);
  assert.equal(isComplete('1 2 3\nend 0'), false);
  assert.equal(isComplete('1 2 3\nend 0\n'), true);
  assert.equal(isComplete('end 0\n'), true);
  assert.equal(isComplete('1 2 3\nen'), false);
});
