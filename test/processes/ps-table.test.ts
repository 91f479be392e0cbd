import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPsTable, psHeader } from '../../src/processes/ps-table.js';
import type { ProcessInfo } from '../../src/sampler/processes/book.js';

const p = (over: Partial<ProcessInfo>): ProcessInfo => ({
  pid: 1, ppid: 0, name: 'sh', state: 'S', threads: 1, userNs: 0, systemNs: 0, rssBytes: 0, minorFaults: 0, majorFaults: 0, startTicks: 0, ...over,
});

test('a ps aux-like table: aligned numbers, CPU time, the command line or [name]', () => {
  const out = formatPsTable([
    p({ pid: 4242, ppid: 1, cpuPercent: 99.96, memPercent: 12.3, rssBytes: 48 * 2 ** 20, state: 'R', userNs: 3723e9, cmdline: 'burn --hard' }),
    p({ pid: 7, ppid: 4242, rssBytes: 900 * 1024, state: 'Z', name: 'defunct' }),
  ]);
  assert.equal(out, [
    ' PID PPID  %CPU %MEM  RSS THR S    TIME COMMAND',
    '4242    1 100.0 12.3  48M   1 R 1:02:03 burn --hard',
    '   7 4242     -    - 900K   1 Z    0:00 [defunct]',
    '',
  ].join('\n'));
});

test('control characters of a command line cannot break the table; long lines are cut', () => {
  const out = formatPsTable([p({ cmdline: 'a\nb\u001b[31m' + 'x'.repeat(300) })], 80);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.ok(lines[1].length <= 80 && lines[1].endsWith('…'));
  assert.ok(!lines[1].includes('\u001b'));
});

test('the header says what the percentages are of', () => {
  const snap = { atMs: 0, intervalNs: 1e9, total: 9, processes: [], memoryBasisBytes: 8 * 2 ** 30 };
  assert.equal(psHeader('web', snap, 3), 'web: 9 processes (3 shown); %CPU of one CPU over 1.0 s; no CPU limit; no memory limit: %MEM of host memory 8.0G\n');
  assert.match(psHeader('db', { ...snap, cpuLimit: 1.5, memoryLimitBytes: 2 ** 28 }, 9), /^db: 9 processes; .*CPU limit 1.5 CPUs; memory limit 256M\n$/);
});
