import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIoStat } from '../../../src/sampler/parsers/io-stat.js';

test('reads the six counters per device, in file order', () => {
  const r = parseIoStat('8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=4096 dios=1\n8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021\n');
  assert.equal(r.malformed, 0);
  assert.deepEqual([...r.devices.keys()], ['8:16', '8:0']);
  assert.deepEqual(r.devices.get('8:16'), { rbytes: 1459200n, wbytes: 314773504n, rios: 192n, wios: 353n, dbytes: 4096n, dios: 1n });
});

test('empty io.stat (no I/O yet): no devices', () => {
  assert.deepEqual(parseIoStat(''), { devices: new Map(), malformed: 0 });
});

test('extra keys (io.cost, io.latency) are ignored; dbytes/dios absent before 4.19 count as 0', () => {
  const r = parseIoStat('8:0 rbytes=1 wbytes=2 rios=3 wios=4 cost.vrate=100.00 use_delay=0 delay_nsec=0 weird\n');
  assert.equal(r.malformed, 0);
  assert.deepEqual(r.devices.get('8:0'), { rbytes: 1n, wbytes: 2n, rios: 3n, wios: 4n, dbytes: 0n, dios: 0n });
});

test('truncated and malformed lines are counted and skipped, the others kept', () => {
  const r = parseIoStat('8:0 rbytes=1 wbytes=2 rios=3 wios=4\nsda rbytes=1 wbytes=2 rios=3 wios=4\n8:16 rbytes=x wbytes=2 rios=3 wios=4\n8:32 rbytes=1 wbytes=2 ri');
  assert.equal(r.malformed, 3);
  assert.deepEqual([...r.devices.keys()], ['8:0']);
});

test('values above 2^63 stay exact', () => {
  const r = parseIoStat('259:0 rbytes=18446744073709551615 wbytes=9223372036854775808 rios=3 wios=4\n');
  assert.equal(r.devices.get('259:0')?.rbytes, 18446744073709551615n);
  assert.equal(r.devices.get('259:0')?.wbytes, 9223372036854775808n);
});
