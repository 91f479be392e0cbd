import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/log.js';
import { TaskLister, newTaskCache } from '../../../src/sampler/tasks/task-lister.js';
import { chooseTaskSource } from '../../../src/sampler/tasks/pid-namespace.js';
import { containerIdInCgroup } from '../../../src/sampler/tasks/cgroup-owner.js';
import { container, harness } from '../collectors/fixture-context.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/** One TaskCache per collector name, as each collector keeps its own in its container state. */
const caches = new Map<string, ReturnType<typeof newTaskCache>>();
function cacheOf(collector: string) {
  let c = caches.get(collector);
  if (!c) caches.set(collector, (c = newTaskCache()));
  return c;
}

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log: Logger & { lines: string[] } = {
    lines, debug() {}, info() {}, warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m), child: () => log,
  };
  return log;
}

/** A synthetic proc root: processes with cgroup files and task dirs; `self` names `selfPid`. */
function procTree(selfPid: number) {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-tasks-'));
  const proc = join(root, 'proc');
  mkdirSync(proc);
  symlinkSync(String(selfPid), join(proc, 'self'));
  const add = (pid: number, cgroup: string, tids: number[] = [pid]) => {
    mkdirSync(join(proc, String(pid), 'task'), { recursive: true });
    writeFileSync(join(proc, String(pid), 'cgroup'), cgroup);
    for (const t of tids) mkdirSync(join(proc, String(pid), 'task', String(t)), { recursive: true });
  };
  return { root, proc, add };
}

test('containerIdInCgroup: cgroupfs, systemd, namespaced and nested paths; host processes have none', () => {
  assert.equal(containerIdInCgroup(`12:pids:/docker/${A}\n11:memory:/docker/${A}\n0::/\n`), A);
  assert.equal(containerIdInCgroup(`0::/system.slice/docker-${A}.scope\n`), A);
  assert.equal(containerIdInCgroup(`0::/../../${A}\n`), A);
  assert.equal(containerIdInCgroup(`0::/docker/${A}/docker/${B}\n`), B);
  assert.equal(containerIdInCgroup(`0::/docker/${A}/init.scope\n`), A);
  assert.equal(containerIdInCgroup('12:pids:/user.slice\n0::/user.slice/session-1.scope\n'), undefined);
});

test('chooseTaskSource: same pid in proc_root/self → cgroup lists; another → scan; no self (not a procfs) → lists', () => {
  const t = procTree(process.pid);
  const u = procTree(999_999);
  try {
    assert.equal(chooseTaskSource(t.proc).source, 'cgroup');
    assert.equal(chooseTaskSource(u.proc).source, 'proc_scan');
    assert.equal(chooseTaskSource(join(t.root, 'nothing')).source, 'cgroup');
    assert.equal(chooseTaskSource('/proc').source, 'cgroup');
  } finally {
    rmSync(t.root, { recursive: true, force: true });
    rmSync(u.root, { recursive: true, force: true });
  }
});

test('scan: pids and threads of the container, new pids read, reused pids re-read, exits dropped', () => {
  const t = procTree(999_999);
  try {
    t.add(100, `0::/docker/${A}\n`, [100, 101, 102]);
    t.add(200, `0::/docker/${A}/child\n`);
    t.add(300, `0::/docker/${B}\n`);
    t.add(400, '0::/user.slice\n');
    const log = recorder();
    caches.clear();
    const lister = new TaskLister({ log });
    const h = harness({ container: container(A, 100), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: '/nowhere' } }, procRoot: t.proc, sysRoot: '/sys' });
    const tasks = lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches'));
    assert.equal(lister.source, 'proc_scan');
    assert.deepEqual([...tasks!.pids].sort(), [100, 200]);
    assert.deepEqual([...tasks!.tids].sort(), [100, 101, 102, 200]);
    assert.equal(lister.scanStats!.cgroupReads, 4);

    // The same tick for a second collector: no new scan, the same lists.
    assert.deepEqual([...lister.list(h.ctx, 'processes', false, cacheOf('processes'))!.pids].sort(), [100, 200]);
    assert.equal(lister.scanStats!.scans, 1);

    // Next tick: 200 exited, 500 started, 300 was replaced by a process of container A (new inode).
    rmSync(join(t.proc, '200'), { recursive: true });
    t.add(500, `0::/docker/${A}\n`);
    renameSync(join(t.proc, '300'), join(t.root, 'old300'));
    t.add(300, `0::/docker/${A}\n`);
    h.ctx.monotonicNs += 1n;
    assert.deepEqual([...lister.list(h.ctx, 'processes', false, cacheOf('processes'))!.pids].sort(), [100, 300, 500]);
    assert.equal(lister.scanStats!.cgroupReads, 6); // only the two new ones
    assert.equal(h.errors.total(), 0);
    assert.deepEqual(log.lines, []);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});

test('never a fake zero: a running container whose tasks cannot be seen → undefined, counted, said once', () => {
  const t = procTree(999_999);
  try {
    t.add(400, '0::/user.slice\n');
    const log = recorder();
    caches.clear();
    const lister = new TaskLister({ log });
    const h = harness({ container: container(A, 100), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: '/nowhere' } }, procRoot: t.proc, sysRoot: '/sys' });
    assert.equal(lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches')), undefined);
    h.ctx.monotonicNs += 1n;
    assert.equal(lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches')), undefined);
    assert.deepEqual(h.errors.entries(), [['context_switches', 'unseen', 2]]);
    assert.equal(log.lines.length, 1);
    assert.match(log.lines[0], /cannot see its processes.*host\.proc_root.*pid host/);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});

test("an exiting container (its list empty and Docker's pid gone from a host /proc) is no deployment problem: vanished, no warning", () => {
  const t = procTree(process.pid);
  try {
    mkdirSync(join(t.proc, '2'));
    writeFileSync(join(t.proc, '2', 'comm'), 'kthreadd\n');
    const dir = join(t.root, 'cg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), '');
    writeFileSync(join(dir, 'cgroup.threads'), '');
    const log = recorder();
    caches.clear();
    const lister = new TaskLister({ log });
    const h = harness({ container: container(A, 7), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: dir } }, procRoot: t.proc, sysRoot: '/sys' });
    assert.equal(lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches')), undefined);
    assert.deepEqual(h.errors.entries(), [['context_switches', 'vanished', 1]]);
    assert.deepEqual(log.lines, []);
    // Its pid still there: the list is hidden from cgflux's pid namespace, which is said.
    t.add(7, `0::/docker/${A}\n`);
    h.ctx.monotonicNs += 1n;
    assert.equal(lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches')), undefined);
    assert.match(log.lines.join('\n'), /pid list is empty/);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});

test('cgroup lists: read from the cgroup; empty while Docker reports a pid → unseen', () => {
  const t = procTree(process.pid);
  try {
    const dir = join(t.root, 'cg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), '7\n9\n');
    writeFileSync(join(dir, 'cgroup.threads'), '7\n8\n9\n');
    const log = recorder();
    caches.clear();
    const lister = new TaskLister({ log });
    const h = harness({ container: container(A, 7), cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: dir } }, procRoot: t.proc, sysRoot: '/sys' });
    const tasks = lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches'))!;
    assert.equal(lister.source, 'cgroup');
    assert.deepEqual([tasks.pids, tasks.tids], [[7, 9], [7, 8, 9]]);
    writeFileSync(join(dir, 'cgroup.procs'), '');
    writeFileSync(join(dir, 'cgroup.threads'), '');
    h.ctx.monotonicNs += 1n;
    assert.equal(lister.list(h.ctx, 'context_switches', true, cacheOf('context_switches')), undefined);
    assert.deepEqual(h.errors.entries(), [['context_switches', 'unseen', 1]]);
    assert.match(log.lines[0], /pid list is empty/);
  } finally {
    rmSync(t.root, { recursive: true, force: true });
  }
});
