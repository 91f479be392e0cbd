import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTaskStatus } from '../../../src/sampler/parsers/proc-task-status.js';

const STATUS = `Name:\tjava
Umask:\t0022
State:\tS (sleeping)
Tgid:\t5100
Ngid:\t0
Pid:\t5101
PPid:\t1
Threads:\t40
voluntary_ctxt_switches:\t20000
nonvoluntary_ctxt_switches:\t400
`;

test('reads tgid and the two context-switch counters (voluntary is not taken from nonvoluntary)', () => {
  assert.deepEqual(parseTaskStatus(STATUS), { tgid: 5100, voluntary: 20000n, involuntary: 400n });
  const swapped = 'Name:\tx\nnonvoluntary_ctxt_switches:\t9\nvoluntary_ctxt_switches:\t1\n';
  assert.deepEqual(parseTaskStatus(swapped), { tgid: undefined, voluntary: 1n, involuntary: 9n });
});

test('empty or truncated status: undefined', () => {
  assert.equal(parseTaskStatus(''), undefined);
  assert.equal(parseTaskStatus(STATUS.slice(0, STATUS.indexOf('nonvoluntary'))), undefined);
  assert.equal(parseTaskStatus(STATUS.slice(0, -2)), undefined); // last number cut, no newline
});

test('malformed counter: undefined; unknown lines around are ignored', () => {
  assert.equal(parseTaskStatus(STATUS.replace('20000', '2x000')), undefined);
  assert.deepEqual(parseTaskStatus('Foo:\t1\n' + STATUS + 'Bar:\tbaz\n'), { tgid: 5100, voluntary: 20000n, involuntary: 400n });
});

test('values above 2^63 stay exact', () => {
  const r = parseTaskStatus(STATUS.replace('20000', '18446744073709551615'));
  assert.equal(r?.voluntary, 18446744073709551615n);
});
