import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContextSwitchesCollector } from '../../../src/sampler/collectors/context-switches.js';
import { ProcFiles } from '../../../src/sampler/proc-files.js';
import { FIXTURES, V1_ID, V2_ID, container, harness, view } from './fixture-context.js';

const V1 = join(FIXTURES, 'cgroup-v1');
const V2 = join(FIXTURES, 'cgroup-v2');
const M = 'docker_container_context_switches';
/** Without a kernel counter every row is the /proc lower bound, and says so. */
const PROC = { method: 'proc' };

function status(tgid: number, pid: number, voluntary: bigint | number, involuntary: bigint | number): string {
  return `Name:\tapp\nState:\tS (sleeping)\nTgid:\t${tgid}\nPid:\t${pid}\nvoluntary_ctxt_switches:\t${voluntary}\nnonvoluntary_ctxt_switches:\t${involuntary}\n`;
}

function fields(voluntary: bigint, involuntary: bigint, threads: bigint, processes: bigint) {
  return { voluntary, involuntary, threads, processes };
}

function v1Copy() {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-ctxsw-'));
  cpSync(V1, root, { recursive: true });
  const dir = `${root}/sys/fs/cgroup/pids/docker/${V1_ID}`;
  const h = harness({
    container: container(V1_ID, 4100),
    // the memory controller dir does not exist in the fixture: pids is used first
    cgroup: { version: 1, driver: 'cgroupfs', dirs: { pids: dir, memory: `${root}/nope` } },
    procRoot: `${root}/proc`, sysRoot: `${root}/sys`,
  });
  return { root, dir, h };
}

test('v1: sums every thread (not only the process leaders), counts threads and processes', () => {
  const { root, h } = v1Copy();
  try {
    const rows = h.collect(createContextSwitchesCollector());
    assert.equal(rows[0].measurement, M);
    // 4100 (150, 7) + its thread 4101 (1000, 30) + 4200 (25, 3)
    assert.deepEqual(view(rows), [[PROC, fields(1175n, 40n, 3n, 2n)]]);
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('monotonic while threads come and go: exits keep their part, new threads add, reused tids count anew', () => {
  const { root, dir, h } = v1Copy();
  const files = new ProcFiles();
  const collector = createContextSwitchesCollector({ files });
  const totals = () => view(h.collect(collector))[0][1];
  try {
    assert.deepEqual(totals(), fields(1175n, 40n, 3n, 2n));
    writeFileSync(`${root}/proc/4101/status`, status(4100, 4101, 1100, 35)); // +100, +5
    assert.deepEqual(totals(), fields(1275n, 45n, 3n, 2n));
    // 4101 exits after 10 more voluntary switches seen at the last read
    writeFileSync(`${root}/proc/4101/status`, status(4100, 4101, 1110, 35));
    assert.deepEqual(totals(), fields(1285n, 45n, 3n, 2n));
    writeFileSync(`${dir}/tasks`, '4100\n4200\n');
    rmSync(`${root}/proc/4101`, { recursive: true });
    assert.deepEqual(totals(), fields(1285n, 45n, 2n, 2n));
    assert.equal(files.openCount, 2, 'the exited thread’s descriptor is closed');
    // a new thread 4102 with 5/1
    mkdirSync(`${root}/proc/4102`);
    writeFileSync(`${root}/proc/4102/status`, status(4100, 4102, 5, 1));
    writeFileSync(`${dir}/tasks`, '4100\n4102\n4200\n');
    assert.deepEqual(totals(), fields(1290n, 46n, 3n, 2n));
    // tid 4200 reused by another process (tgid changed), counters higher than before: a new thread
    writeFileSync(`${root}/proc/4200/status`, status(4300, 4200, 40, 9));
    writeFileSync(`${dir}/cgroup.procs`, '4100\n4300\n');
    assert.deepEqual(totals(), fields(1330n, 55n, 3n, 2n));
    // tid 4102 reused within the same tgid, counters went down: a new thread
    writeFileSync(`${root}/proc/4102/status`, status(4100, 4102, 2, 0));
    assert.deepEqual(totals(), fields(1332n, 55n, 3n, 2n));
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a listed thread that exited before its status was read is neither a thread nor an error', () => {
  const { root, dir, h } = v1Copy();
  try {
    writeFileSync(`${dir}/tasks`, '4100\n4101\n4200\n4777\n');
    assert.deepEqual(view(h.collect(createContextSwitchesCollector())), [[PROC, fields(1175n, 40n, 3n, 2n)]]);
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a malformed status is counted, that thread still counts as a thread, the rest ships', () => {
  const { root, h } = v1Copy();
  try {
    writeFileSync(`${root}/proc/4101/status`, 'Name:\tapp\nvoluntary_ctxt_switches:\t1x\n');
    assert.deepEqual(view(h.collect(createContextSwitchesCollector())), [[PROC, fields(175n, 10n, 3n, 2n)]]);
    assert.deepEqual(h.errors.entries(), [['context_switches', 'malformed', 1]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v2 cgroupfs: threads from cgroup.threads, processes from cgroup.procs', () => {
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: `${V2}/sys/fs/cgroup/docker/${V2_ID}` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(view(h.collect(createContextSwitchesCollector())), [[PROC, fields(20013n, 401n, 3n, 1n)]]);
});

test('v2 systemd: a counter at 2^64-1 is summed exactly (the encoder clamps)', () => {
  const h = harness({
    container: container(V2_ID, 5200),
    cgroup: { version: 2, driver: 'systemd', dirs: { unified: `${V2}/sys/fs/cgroup/system.slice/docker-${V2_ID}.scope` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(view(h.collect(createContextSwitchesCollector())), [[PROC, fields(18446744073709551616n, 2n, 2n, 2n)]]);
});

test('descriptors: capped, and all of a container’s closed when it leaves', () => {
  const files = new ProcFiles(2);
  const collector = createContextSwitchesCollector({ files });
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: `${V2}/sys/fs/cgroup/docker/${V2_ID}` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(view(h.collect(collector)), [[PROC, fields(20013n, 401n, 3n, 1n)]]);
  assert.deepEqual(view(h.collect(collector)), [[PROC, fields(20013n, 401n, 3n, 1n)]]);
  assert.equal(files.openCount, 2);
  h.leave(collector);
  assert.equal(files.openCount, 0);
});

test('cgroup gone (cgroup.procs missing): no row, counted by the reader', () => {
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: `${V2}/sys/fs/cgroup/docker/gone` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(h.collect(createContextSwitchesCollector()), []);
  assert.deepEqual(h.errors.entries(), [['context_switches', 'missing', 1]]);
});
