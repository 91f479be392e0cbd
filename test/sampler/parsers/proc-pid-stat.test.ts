import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePidStat } from '../../../src/sampler/parsers/proc-pid-stat.js';

// 52 fields as Linux 6.x writes them; comm holds spaces and parentheses.
function stat(comm: string, over: Partial<Record<number, string>> = {}): string {
  const f = ['4242', `(${comm})`, 'R', '17', '4242', '4242', '0', '-1', '4194560', '120', '0', '3', '0', '250', '75', '0', '0', '20', '0', '4', '0', '98765', '12345678', '900', '18446744073709551615'];
  for (const [k, v] of Object.entries(over)) f[Number(k) - 1] = v!;
  while (f.length < 52) f.push('0');
  return f.join(' ') + '\n';
}

test('fields after the last parenthesis, comm with spaces and ) inside', () => {
  const s = parsePidStat(stat('my (odd) proc) x'));
  assert.deepEqual(s, {
    pid: 4242, comm: 'my (odd) proc) x', state: 'R', ppid: 17, minorFaults: 120n, majorFaults: 3n,
    utimeTicks: 250n, stimeTicks: 75n, threads: 4, startTicks: 98765n, rssPages: 900n,
  });
});

test('comm with non-UTF-8 bytes decodes with U+FFFD; valid UTF-8 kept', () => {
  const latin1 = Buffer.from([0x61, 0xff, 0x62]).toString('latin1');
  assert.equal(parsePidStat(stat(latin1))?.comm, 'a\uFFFDb');
  const utf8 = Buffer.from('né', 'utf8').toString('latin1');
  assert.equal(parsePidStat(stat(utf8))?.comm, 'né');
});

test('cut, empty or malformed: undefined', () => {
  assert.equal(parsePidStat(''), undefined);
  assert.equal(parsePidStat('4242 (x) R 1 2 3'), undefined);
  assert.equal(parsePidStat(stat('x').slice(0, 60)), undefined);
  assert.equal(parsePidStat(stat('x', { 14: '2x0' })), undefined);
  assert.equal(parsePidStat(stat('x', { 3: 'RR' })), undefined);
  assert.equal(parsePidStat('x4242 (x) ' + stat('x').split(') ')[1]), undefined);
});

test('the real /proc/self/stat parses', () => {
  const s = parsePidStat(readFileSync('/proc/self/stat', 'latin1'));
  assert.equal(s?.pid, process.pid);
  assert.ok(s!.threads >= 1);
});
