import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetDev } from '../../../src/sampler/parsers/net-dev.js';

const HEADER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
`;

test('reads rx/tx bytes, packets, errs, drop per interface; a wide number touching the colon', () => {
  const r = parseNetDev(
    HEADER +
      '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0\n' +
      '  eth0:123456789012  900000    1    2    0     0          0         3 98765432    700000    4    5    0     0       0          0\n',
  );
  assert.equal(r.malformed, 0);
  assert.deepEqual([...r.interfaces.keys()], ['lo', 'eth0']);
  assert.deepEqual(r.interfaces.get('eth0'), {
    rxBytes: 123456789012n, rxPackets: 900000n, rxErrors: 1n, rxDropped: 2n,
    txBytes: 98765432n, txPackets: 700000n, txErrors: 4n, txDropped: 5n,
  });
});

test('empty file: nothing, not malformed; header only: no interfaces', () => {
  assert.deepEqual(parseNetDev(''), { interfaces: new Map(), malformed: 0 });
  assert.deepEqual(parseNetDev(HEADER), { interfaces: new Map(), malformed: 0 });
});

test('truncated: the cut interface line is counted, complete ones kept; a cut header is malformed', () => {
  const r = parseNetDev(HEADER + '    lo:       1       2    0    0    0     0          0         0        3       4    0    0    0     0       0          0\n  eth0:  77  1  0');
  assert.equal(r.malformed, 1);
  assert.deepEqual([...r.interfaces.keys()], ['lo']);
  assert.equal(parseNetDev('Inter-|   Receive\n face |bytes pack').malformed, 1);
});

test('columns are located from the header, so a kernel that reorders or adds columns is read right', () => {
  const header = 'Inter-|Receive|Transmit\n face |packets bytes new drop errs|drop errs packets bytes new2 new3\n';
  const r = parseNetDev(header + 'eth0: 1 2 3 4 5 6 7 8 9 10 11\n');
  assert.deepEqual(r.interfaces.get('eth0'), {
    rxBytes: 2n, rxPackets: 1n, rxErrors: 5n, rxDropped: 4n,
    txBytes: 9n, txPackets: 8n, txErrors: 7n, txDropped: 6n,
  });
});

test('a header without the needed columns makes the file malformed, not wrong numbers', () => {
  const r = parseNetDev('Inter-|a|b\n face |x y z|x y z\neth0: 1 2 3 4 5 6\n');
  assert.equal(r.interfaces.size, 0);
  assert.equal(r.malformed, 1);
});

test('non-numeric values and missing columns are counted per line', () => {
  const r = parseNetDev(HEADER + 'eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\neth1: a 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n');
  assert.equal(r.malformed, 2);
  assert.equal(r.interfaces.size, 0);
});

test('values above 2^63 stay exact', () => {
  const r = parseNetDev(HEADER + 'eth0: 18446744073709551615 1 0 0 0 0 0 0 9223372036854775808 1 0 0 0 0 0 0\n');
  assert.equal(r.interfaces.get('eth0')?.rxBytes, 18446744073709551615n);
  assert.equal(r.interfaces.get('eth0')?.txBytes, 9223372036854775808n);
});
