// The collector's choice between the kernel counter and /proc, with a shell stand-in for the
// helper (no BPF needed) answering for the cgroup v2 root directory of this machine (a real
// cgroup2 directory: its inode is a cgroup id).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createContextSwitchesCollector, type ContextSwitchesOptions } from '../../../src/sampler/collectors/context-switches.js';
import { sharedTaskLister, type TaskLister } from '../../../src/sampler/tasks/task-lister.js';
import { KernelSwitches } from '../../../src/sampler/kernel-switches/kernel-switches.js';
import type { Row, Sample } from '../../../src/model.js';
import { SETUP, fakeHelper, recorder } from '../../support/fake-switches-helper.js';
import { container, harness } from './fixture-context.js';

const ROOT = existsSync('/sys/fs/cgroup/unified/cgroup.threads') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';

// Every supported host has a cgroup2 hierarchy (v2, or v1 hybrid's /sys/fs/cgroup/unified): fail, not skip.
before(() => assert.ok(existsSync(`${ROOT}/cgroup.threads`), `these tests need a cgroup2 hierarchy at ${ROOT} (/sys/fs/cgroup or /sys/fs/cgroup/unified)`));

/**
 * A stand-in helper whose `r` replies are made by the shell text `reply` (it may use $n, the
 * number of the read) and which appends each forget command to `<path>.forgotten`.
 */
function forgettingHelper(reply: string): { path: string; cleanup(): void; forgotten(): string[] } {
  const fake = fakeHelper(`${SETUP}
n=0
while read -r line <&3; do
  case $line in
    r) n=$((n + 1)); ${reply} >&4 ;;
    d\\ *) echo "$line" >>"$0.forgotten" ;;
  esac
done`);
  const forgotten = () => (existsSync(`${fake.path}.forgotten`) ? readFileSync(`${fake.path}.forgotten`, 'utf8').trim().split('\n') : []);
  return { ...fake, forgotten };
}

/** The collector over a started kernel counter, reading a container in the cgroup2 root. */
async function kernelCollector(helperPath: string, info = container('ab'.repeat(32), process.pid), options: ContextSwitchesOptions = {}) {
  const kernel = new KernelSwitches({ setting: 'auto', binary: helperPath, log: recorder().log });
  await kernel.start();
  const collector = createContextSwitchesCollector({ ...options, kernel });
  const h = harness({ container: info, cgroup: { version: 2, dirs: { unified: ROOT }, driver: 'cgroupfs' }, procRoot: '/proc', sysRoot: '/sys' });
  return { kernel, collector, h, info };
}

function fields(rows: Row[]): [Record<string, string> | undefined, Record<string, unknown>] {
  assert.equal(rows.length, 1);
  return [rows[0].tags as Record<string, string>, rows[0].fields];
}

test('kernel counts when the helper answers, /proc while it loads and after it is lost, forget on leave', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  // Answers each read with growing totals for the root cgroup; dies at the third read.
  const fake = fakeHelper(`${SETUP}
n=0
while read -r line <&3; do
  case $line in
    r) n=$((n + 1)); [ $n = 3 ] && exit 1; printf '${id} %d 7\\nend 0\\n' $((n * 100)) >&4 ;;
  esac
done`);
  try {
    const { log, lines } = recorder();
    const kernel = new KernelSwitches({ setting: 'auto', binary: fake.path, log, replyTimeoutMs: 500 });
    const collector = createContextSwitchesCollector({ kernel });
    const h = harness({ container: container('cd'.repeat(32), process.pid), cgroup: { version: 2, dirs: { unified: ROOT }, driver: 'cgroupfs' }, procRoot: '/proc', sysRoot: '/sys' });

    // First tick: the helper is only being started, so this row is the /proc lower bound.
    const [tags0] = fields(h.collect(collector));
    assert.deepEqual(tags0, { method: 'proc' });
    await kernel.start();
    assert.equal(kernel.method, 'kernel');

    const [tags1, f1] = fields(h.collect(collector));
    assert.deepEqual(tags1, { method: 'kernel' });
    assert.equal(f1.voluntary, 100n);
    assert.equal(f1.involuntary, 7n);
    // The cgroup2 root's own lists: at least this process, at least one thread per process.
    assert.ok((f1.processes as bigint) >= 1n && (f1.threads as bigint) >= (f1.processes as bigint), `${f1.threads} threads, ${f1.processes} processes`);
    assert.equal(fields(h.collect(collector))[1].voluntary, 200n);

    // The helper dies at the third read: one warning, and the same tick ships a /proc row.
    const [tags3] = fields(h.collect(collector));
    assert.deepEqual(tags3, { method: 'proc' });
    assert.equal(lines.filter((l) => l.startsWith('warn')).length, 1);
    assert.deepEqual(fields(h.collect(collector))[0], { method: 'proc' });
    h.leave(collector);
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('task_counts off: a kernel row reads no task list and has no thread counts; a /proc row lists the tasks, still without them', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const fake = forgettingHelper(`printf '${id} %d 3\\nend 0\\n' $((n * 10))`);
  try {
    let lists = 0;
    const shared = sharedTaskLister();
    const tasks = { list: (...args: Parameters<TaskLister['list']>) => (lists++, shared.list(...args)) } as unknown as TaskLister;
    const { kernel, collector, h } = await kernelCollector(fake.path, undefined, { tasks, taskCounts: false });
    const [tags1, f1] = fields(h.collect(collector));
    assert.deepEqual(tags1, { method: 'kernel' });
    assert.deepEqual(f1, { voluntary: 10n, involuntary: 3n });
    assert.equal(fields(h.collect(collector))[1].voluntary, 20n);
    assert.equal(lists, 0, 'no task list read for kernel rows');
    kernel.close();

    // Without the kernel counter every thread is read from /proc: the lists are needed, the counts still left out.
    const procOnly = createContextSwitchesCollector({ tasks, taskCounts: false });
    const [tags2, f2] = fields(h.collect(procOnly));
    assert.deepEqual(tags2, { method: 'proc' });
    assert.deepEqual(Object.keys(f2).sort(), ['involuntary', 'voluntary']);
    assert.equal(lists, 1);
  } finally {
    fake.cleanup();
  }
});

test('a directory that is not a cgroup2 one (a copied tree) is counted from /proc without starting the helper', async () => {
  const fake = fakeHelper(`touch "$0.started"; ${SETUP}; sleep 5`);
  try {
    const { log } = recorder();
    const kernel = new KernelSwitches({ setting: 'auto', binary: fake.path, log });
    const collector = createContextSwitchesCollector({ kernel });
    const dir = '/tmp';
    const h = harness({ container: container('ef'.repeat(32), process.pid), cgroup: { version: 2, dirs: { unified: dir }, driver: 'cgroupfs' }, procRoot: '/proc', sysRoot: '/sys' });
    h.collect(collector); // no cgroup.procs in /tmp: no row, and above all no helper
    assert.equal(kernel.settled, false);
    assert.equal(existsSync(`${fake.path}.started`), false);
  } finally {
    fake.cleanup();
  }
});

test('no entry for the cgroup: 0 switches while the map is complete; counted from /proc (no zero) once the map is full', async () => {
  // The map holds only another cgroup; the second reply says switches were dropped (map full).
  const fake = fakeHelper(`${SETUP}
n=0
while read -r line <&3; do
  case $line in
    r) n=$((n + 1)); if [ $n = 1 ]; then printf '999999 5 5\\nend 0\\n' >&4; else printf '999999 5 5\\nend 3\\n' >&4; fi ;;
  esac
done`);
  try {
    const kernel = new KernelSwitches({ setting: 'auto', binary: fake.path, log: recorder().log });
    await kernel.start();
    const collector = createContextSwitchesCollector({ kernel });
    const h = harness({ container: container('ef'.repeat(32), process.pid), cgroup: { version: 2, dirs: { unified: ROOT }, driver: 'cgroupfs' }, procRoot: '/proc', sysRoot: '/sys' });
    const [tags1, f1] = fields(h.collect(collector));
    assert.deepEqual(tags1, { method: 'kernel' });
    assert.equal(f1.voluntary, 0n);
    assert.equal(f1.involuntary, 0n);
    const [tags2, f2] = fields(h.collect(collector));
    assert.deepEqual(tags2, { method: 'proc' });
    assert.ok((f2.voluntary as bigint) > 0n, 'this process has switched: a /proc count, not a zero');
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('release sends the cgroup id to the helper to forget', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const fake = forgettingHelper(`printf '${id} 1 1\\nend 0\\n'`);
  try {
    const { kernel, collector, h } = await kernelCollector(fake.path);
    assert.deepEqual(fields(h.collect(collector))[0], { method: 'kernel' });
    h.leave(collector);
    for (let i = 0; i < 100 && fake.forgotten().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fake.forgotten(), [`d ${id}`]);
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('a sampler closed for a configuration reload keeps the kernel totals: nothing is forgotten', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const fake = forgettingHelper(`printf '${id} 1 1\\nend 0\\n'`);
  try {
    const { kernel, collector, h } = await kernelCollector(fake.path);
    assert.equal(h.collect(collector)[0].tags?.method, 'kernel');
    collector.release?.(h.stateOf(collector), 'closed');
    // The helper answers commands in order: once this reply is in, a forget sent before it was handled.
    assert.ok(kernel.readAll()?.has(id));
    assert.deepEqual(fake.forgotten(), [], 'the reload forgot the cgroup');
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('a departed container: one last kernel row (no thread counts) after the tick, its entry forgotten only then; one never read is matched by name', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const shortId = '5a'.repeat(32);
  // The root cgroup grows by 100 per read; a gone cgroup 424242 named like a short-lived container.
  const fake = forgettingHelper(`printf 'n 424242 ${shortId}\\n${id} %d 7\\n424242 30 4\\nend 0\\n' $((n * 100))`);
  const forgotten = fake.forgotten;
  try {
    const { kernel, collector, h, info } = await kernelCollector(fake.path);
    assert.equal(fields(h.collect(collector))[1].voluntary, 100n);

    collector.departed!(info, h.stateOf(collector));
    collector.departed!({ ...container(shortId, 0), name: 'short', state: 'exited' }, undefined);
    h.leave(collector); // the sampler forgets it first: its kernel entry must stay for the last row
    // The helper answers commands in order: once this reply is in, a forget sent before it was handled.
    assert.ok(kernel.readAll()?.has(id));
    assert.deepEqual(forgotten(), []);

    const out: Sample[] = [];
    collector.final!(process.hrtime.bigint(), () => undefined, out);
    assert.deepEqual(
      out.map((s) => [s.container?.name, { ...s.rows[0].tags }, s.rows[0].fields]),
      [
        [info.name, { method: 'kernel' }, { voluntary: 300n, involuntary: 7n }],
        ['short', { method: 'kernel' }, { voluntary: 30n, involuntary: 4n }],
      ],
    );
    for (let i = 0; i < 100 && forgotten().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(forgotten(), [`d ${id}`, 'd 424242']);
    assert.equal(collector.departures?.size, 0);

    const again: Sample[] = [];
    collector.final!(process.hrtime.bigint(), () => undefined, again);
    assert.deepEqual(again, [], 'shipped once');
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('with the /proc method a departure is not kept: /proc has nothing left of a gone container', () => {
  const collector = createContextSwitchesCollector({ kernel: new KernelSwitches({ setting: 'proc', log: recorder().log }) });
  collector.departed!(container('cd'.repeat(32), 0), undefined);
  const out: Sample[] = [];
  collector.final!(process.hrtime.bigint(), () => undefined, out);
  assert.deepEqual(out, []);
  assert.equal(collector.departures?.size, 0);
});

test('kernel counts that did not change give the same frozen row (its line is reused); new counts a new row', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const fake = forgettingHelper(`v=10; [ $n -gt 2 ] && v=20; printf '${id} %d 3\\nend 0\\n' $v`);
  try {
    const { kernel, collector, h } = await kernelCollector(fake.path, undefined, { taskCounts: false });
    const [first] = h.collect(collector);
    const [second] = h.collect(collector);
    assert.equal(second, first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.fields));
    const [third] = h.collect(collector);
    assert.notEqual(third, first);
    assert.deepEqual(third.fields, { voluntary: 20n, involuntary: 3n });
    kernel.close();
  } finally {
    fake.cleanup();
  }
});

test('task counts: while the kernel counts stand still the lists are not read again, until they move or 30 s passed', async () => {
  const id = statSync(ROOT, { bigint: true }).ino;
  const fake = forgettingHelper(`v=10; [ $n -gt 3 ] && v=20; printf '${id} %d 3\\nend 0\\n' $v`);
  try {
    let lists = 0;
    const shared = sharedTaskLister();
    const tasks = { list: (...args: Parameters<TaskLister['list']>) => (lists++, shared.list(...args)) } as unknown as TaskLister;
    const { kernel, collector, h } = await kernelCollector(fake.path, undefined, { tasks });
    const [first] = h.collect(collector);
    const t0 = h.ctx.monotonicNs;
    const at = (seconds: number): Row => {
      h.ctx.monotonicNs = t0 + BigInt(seconds) * 1_000_000_000n;
      const out: Row[] = [];
      collector.collect(h.ctx, h.stateOf(collector), out);
      assert.equal(out.length, 1);
      return out[0];
    };
    assert.equal(lists, 1);
    assert.deepEqual(Object.keys(first.fields).sort(), ['involuntary', 'processes', 'threads', 'voluntary']);
    // Counts unchanged (10, 3): the same frozen row, threads and processes from the first lists.
    assert.equal(at(10), first);
    assert.equal(at(20), first);
    assert.equal(lists, 1, 'no list read while no task of the cgroup was switched out');
    // The counts moved: the lists are read with them.
    const moved = at(30);
    assert.equal(lists, 2);
    assert.equal(moved.fields.voluntary, 20n);
    assert.ok((moved.fields.threads as bigint) >= 1n, `${moved.fields.threads} threads`);
    assert.equal(at(40), moved);
    assert.equal(lists, 2);
    // 30 s after the last lists they are read again, counts moving or not.
    at(60);
    assert.equal(lists, 3);
    at(70);
    assert.equal(lists, 3);
    kernel.close();
  } finally {
    fake.cleanup();
  }
});
