import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessBook, type ProcessInfo, type ProcessSnapshot } from '../../../src/sampler/processes/book.js';

const proc = (pid: number, cpuDeltaNs: number, rssBytes: number): ProcessInfo => ({
  pid, ppid: 1, name: `p${pid}`, state: 'R', threads: 1, cpuDeltaNs, userNs: 0, systemNs: 0, rssBytes, minorFaults: 0, majorFaults: 0, startTicks: pid,
});
const snap = (atMs: number, processes: ProcessInfo[]): ProcessSnapshot => ({ atMs, intervalNs: 1e9, total: processes.length, processes });

test('bounded ring: the last `history` snapshots, oldest first; latest; forget', () => {
  const book = new ProcessBook(3);
  for (let i = 1; i <= 5; i++) book.record('c', snap(i, [proc(1, 0, 0)]));
  assert.deepEqual(book.snapshots('c').map((s) => s.atMs), [3, 4, 5]);
  assert.equal(book.latest('c')!.atMs, 5);
  book.forget('c');
  assert.equal(book.latest('c'), undefined);
});

test('windows: CPU shares summed over whole ticks of at least the interval, sorted and limited', () => {
  const book = new ProcessBook(10);
  book.record('c', snap(1000, [proc(1, 0.5e9, 10), proc(2, 0.1e9, 500)]));
  book.record('c', snap(2000, [proc(1, 0.3e9, 10), proc(2, 0.9e9, 600)]));
  book.record('c', snap(3000, [proc(1, 1e9, 10), proc(2, 0, 700)]));
  const one = book.windows('c', { intervalNs: 1e9, count: 2, sort: 'cpu', limit: 5 });
  assert.deepEqual(one.map((w) => [w.atMs, w.processes.map((x) => [x.pid, x.cpuPercent])]), [
    [3000, [[1, 100], [2, 0]]],
    [2000, [[2, 90], [1, 30]]],
  ]);
  const two = book.windows('c', { intervalNs: 2e9, count: 5, sort: 'cpu', limit: 1 });
  // Newest window: ticks 3000 and 2000 (2 s); the tick left over is not a whole window.
  assert.deepEqual(two.map((w) => [w.intervalNs, w.processes.map((x) => [x.pid, x.cpuPercent])]), [[2e9, [[1, 65]]]]);
  const mem = book.windows('c', { intervalNs: 1e9, count: 1, sort: 'mem', limit: 1 });
  assert.deepEqual(mem[0].processes.map((x) => [x.pid, x.rssBytes]), [[2, 700]]);
});
