import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBlkioV1 } from '../../../src/sampler/parsers/blkio-v1.js';

const GOOD = `8:0 Read 1234
8:0 Write 5678
8:0 Sync 6912
8:0 Async 0
8:0 Discard 100
8:0 Total 7012
253:1 Read 0
253:1 Write 4096
253:1 Sync 4096
253:1 Async 0
253:1 Discard 0
253:1 Total 4096
Total 11108
`;

test('reads read/write/total per device in file order and ignores the grand total', () => {
  const r = parseBlkioV1(GOOD);
  assert.equal(r.malformed, 0);
  assert.deepEqual([...r.devices], [
    ['8:0', { read: 1234n, write: 5678n, total: 7012n }],
    ['253:1', { read: 0n, write: 4096n, total: 4096n }],
  ]);
});

test('empty file and "Total 0" only (no I/O yet): no devices, nothing malformed', () => {
  for (const text of ['', '\n', 'Total 0\n']) {
    const r = parseBlkioV1(text);
    assert.equal(r.devices.size, 0);
    assert.equal(r.malformed, 0);
  }
});

test('truncated file: complete lines kept, the cut line counted, total falls back to read+write+discard', () => {
  const r = parseBlkioV1('8:0 Read 10\n8:0 Write 20\n8:0 Discard 5\n8:0 Tot');
  assert.equal(r.malformed, 1);
  assert.deepEqual(r.devices.get('8:0'), { read: 10n, write: 20n, total: 35n });
});

test('unexpected operations are ignored; malformed lines are counted and skipped', () => {
  const r = parseBlkioV1('8:0 Read 1\n8:0 Flush 99\n8:0 Write x\nsda Read 3\n8:0 Write 2 extra\n8:0 Write 2\n8:0 Total 3\n');
  assert.equal(r.malformed, 3);
  assert.deepEqual(r.devices.get('8:0'), { read: 1n, write: 2n, total: 3n });
});

test('values above 2^63 stay exact (the encoder clamps)', () => {
  const r = parseBlkioV1('8:0 Read 18446744073709551615\n8:0 Write 9223372036854775808\n8:0 Total 18446744073709551615\n');
  assert.deepEqual(r.devices.get('8:0'), { read: 18446744073709551615n, write: 9223372036854775808n, total: 18446744073709551615n });
});
