// The processes collector on a synthetic proc root: ranking, rows, a pid that vanished between the
// listing and the read, a megabyte command line, a container whose tasks cannot be seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessesCollector } from '../../../src/sampler/collectors/processes.js';
import { TaskLister } from '../../../src/sampler/tasks/task-lister.js';
import type { Logger } from '../../../src/log.js';
import { container, harness } from './fixture-context.js';

const ID = 'cd'.repeat(32);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-procs-'));
  const proc = join(root, 'proc');
  mkdirSync(proc);
  symlinkSync(String(process.pid), join(proc, 'self'));
  const cg = join(root, 'cg');
  mkdirSync(cg);
  writeFileSync(join(cg, 'memory.max'), `${1024 * 1024 * 1024}\n`);
  writeFileSync(join(cg, 'cpu.max'), '200000 100000\n');
  writeFileSync(join(cg, 'cpuset.cpus.effective'), '0-3\n');
  const setProc = (pid: number, cpuTicks: number, rssKb: number, cmdline: Buffer | string = `app\0--id\0${pid}\0`) => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    writeFileSync(join(proc, String(pid), 'stat'), `${pid} (app ${pid}) S 1 ${pid} ${pid} 0 -1 0 7 0 1 0 ${cpuTicks} 0 0 0 20 0 1 0 500 1000 ${rssKb / 4} 0\n`);
    writeFileSync(join(proc, String(pid), 'status'), `Name:\tapp\nTgid:\t${pid}\nVmRSS:\t${rssKb} kB\nvoluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t6\n`);
    writeFileSync(join(proc, String(pid), 'cmdline'), cmdline);
  };
  const list = (pids: number[]) => writeFileSync(join(cg, 'cgroup.procs'), pids.map((p) => `${p}\n`).join(''));
  const h = harness({ container: container(ID, 10), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: cg } }, procRoot: proc, sysRoot: '/sys' });
  h.ctx.host.memTotalBytes = 8 * 2 ** 30;
  return { root, setProc, list, h };
}

test('top N by CPU then by RSS, percentages of the limits, one row per shipped process', () => {
  const t = tree();
  try {
    for (const [pid, rss] of [[10, 4000], [11, 80000], [12, 1000], [13, 500]]) t.setProc(pid, 100, rss);
    t.list([10, 11, 12, 13]);
    const collector = createProcessesCollector({ top: 1, cmdline: true, tasks: new TaskLister({ source: 'cgroup', log: quiet }) });
    t.h.collect(collector);
    t.setProc(12, 100 + 50, 1000); // 50 ticks = 0.5 s of CPU
    t.setProc(10, 100 + 10, 4000);
    const rows = t.h.collect(collector);
    const snap = collector.book.latest(ID)!;
    assert.deepEqual(snap.processes.map((p) => p.pid), [12, 11], 'the CPU top 1, then the RSS top 1');
    assert.equal(snap.total, 4);
    assert.equal(snap.cpuLimit, 2);
    const cpu = snap.processes[0];
    const expected = (0.5e9 / snap.intervalNs) * 100;
    assert.ok(Math.abs(cpu.cpuPercent! - expected) < 1e-6);
    assert.ok(Math.abs(cpu.cpuLimitPercent! - expected / 2) < 1e-6);
    assert.equal(snap.processes[1].memPercent, (80000 * 1024 * 100) / 2 ** 30);
    assert.deepEqual(rows.map((r) => [r.tags, r.fields.pid, r.fields.cmdline]), [
      [{ process: 'app 11', instance: '0' }, 11n, 'app --id 11'],
      [{ process: 'app 12', instance: '0' }, 12n, 'app --id 12'],
    ]);
    assert.equal(rows[1].fields.rss, 1000n * 1024n);
    assert.equal(rows[1].fields.voluntary_switches, 5n);
    assert.equal(t.h.errors.total(), 0);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});

test('a listed pid gone before its read is skipped and counted; a megabyte command line is cut', () => {
  const t = tree();
  try {
    t.setProc(20, 5, 100, Buffer.alloc(3 * 1024 * 1024, 0x61));
    t.list([20, 21]); // 21 has no /proc entry: it exited between the listing and the read
    const collector = createProcessesCollector({ top: 5, cmdline: true, cmdlineMax: 64, tasks: new TaskLister({ source: 'cgroup', log: quiet }) });
    const rows = t.h.collect(collector);
    assert.equal(rows.length, 1);
    const cmdline = rows[0].fields.cmdline as string;
    assert.equal(cmdline.length, 64);
    assert.ok(cmdline.endsWith('…'));
    assert.deepEqual(t.h.errors.entries(), [['processes', 'vanished', 1]]);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});

test('a running container whose tasks cannot be seen: no rows, no snapshot, counted', () => {
  const t = tree();
  try {
    t.list([]);
    const collector = createProcessesCollector({ tasks: new TaskLister({ source: 'cgroup', log: quiet }) });
    assert.deepEqual(t.h.collect(collector), []);
    assert.equal(collector.book.latest(ID), undefined);
    assert.deepEqual(t.h.errors.entries(), [['processes', 'unseen', 1]]);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});
