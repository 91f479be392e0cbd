import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Row } from '../../../src/model.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlkioCollector } from '../../../src/sampler/collectors/blkio.js';
import { FIXTURES, V1_ID, V1_OLD_KERNEL_ID, V2_ID, container, harness, view } from './fixture-context.js';

const V1 = join(FIXTURES, 'cgroup-v1');
const V2 = join(FIXTURES, 'cgroup-v2');
const M = 'docker_container_blkio';

function fields(rb: bigint, wb: bigint, tb: bigint, ri: bigint, wi: bigint, ti: bigint) {
  return {
    io_service_bytes_recursive_read: rb, io_service_bytes_recursive_write: wb, io_service_bytes_recursive_total: tb,
    io_serviced_recursive_read: ri, io_serviced_recursive_write: wi, io_serviced_recursive_total: ti,
  };
}

function v1(id: string, root = V1) {
  return harness({
    container: container(id, 4100),
    cgroup: { version: 1, driver: 'cgroupfs', dirs: { blkio: `${root}/sys/fs/cgroup/blkio/docker/${id}` } },
    procRoot: `${root}/proc`, sysRoot: `${root}/sys`,
  });
}

test('v1: per device the first populated source (bfq before throttle), never both; names from uevent', () => {
  const h = v1(V1_ID);
  const rows = h.collect(createBlkioCollector());
  assert.ok(rows.every((r) => r.measurement === M));
  assert.deepEqual(view(rows), [
    // 253:0 is populated in bfq (and the same I/O again in throttle): bfq only
    [{ device: '253:0', device_name: 'dm-0' }, fields(4096n, 8192n, 12288n, 1n, 2n, 3n)],
    // 8:0 is listed all-zero in bfq, populated in throttle: throttle
    [{ device: '8:0', device_name: 'sda' }, fields(1048576n, 10485760n, 11534336n, 16n, 80n, 96n)],
    // 8:16 has no uevent in this /sys: no device_name
    [{ device: '8:16' }, fields(0n, 0n, 0n, 0n, 0n, 0n)],
    [{ device: 'total' }, fields(1052672n, 10493952n, 11546624n, 17n, 82n, 99n)],
  ]);
  // cfq files are absent on this kernel: not a read error
  assert.equal(h.errors.total(), 0);
});

test('v1 old kernel: CFQ populated wins over throttle; throttle falls back to the non-recursive names', () => {
  const h = v1(V1_OLD_KERNEL_ID);
  assert.deepEqual(view(h.collect(createBlkioCollector())), [
    [{ device: '8:0', device_name: 'sda' }, fields(2048n, 4096n, 6144n, 2n, 4n, 6n)],
    [{ device: '8:32' }, fields(512n, 0n, 512n, 1n, 0n, 1n)],
    [{ device: 'total' }, fields(2560n, 4096n, 6656n, 3n, 4n, 7n)],
  ]);
  assert.equal(h.errors.total(), 0);
});

test('v1: no I/O yet ("Total 0") gives a zero total row; malformed lines are counted, the rest ships', () => {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-blkio-'));
  try {
    cpSync(V1, root, { recursive: true });
    const dir = `${root}/sys/fs/cgroup/blkio/docker/${V1_OLD_KERNEL_ID}`;
    rmSync(`${dir}/blkio.io_service_bytes_recursive`);
    rmSync(`${dir}/blkio.io_serviced_recursive`);
    writeFileSync(`${dir}/blkio.throttle.io_service_bytes`, 'Total 0\n');
    writeFileSync(`${dir}/blkio.throttle.io_serviced`, 'Total 0\n');
    const h = v1(V1_OLD_KERNEL_ID, root);
    const collector = createBlkioCollector();
    assert.deepEqual(view(h.collect(collector)), [[{ device: 'total' }, fields(0n, 0n, 0n, 0n, 0n, 0n)]]);
    writeFileSync(`${dir}/blkio.throttle.io_service_bytes`, '8:0 Read 10\n8:0 Write 20\n8:0 Total 30\ngarbage line here\n8:0 Wr');
    writeFileSync(`${dir}/blkio.throttle.io_serviced`, '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n');
    assert.deepEqual(view(h.collect(collector)), [
      [{ device: '8:0', device_name: 'sda' }, fields(10n, 20n, 30n, 1n, 2n, 3n)],
      [{ device: 'total' }, fields(10n, 20n, 30n, 1n, 2n, 3n)],
    ]);
    assert.deepEqual(h.errors.entries(), [['blkio', 'malformed', 2]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: blkio controller not mounted: no rows, no error; no stat file at all: counted missing', () => {
  const h = harness({ container: container(V1_ID, 4100), cgroup: { version: 1, driver: 'cgroupfs', dirs: {} }, procRoot: `${V1}/proc`, sysRoot: `${V1}/sys` });
  assert.deepEqual(h.collect(createBlkioCollector()), []);
  assert.equal(h.errors.total(), 0);
  const empty = harness({ container: container(V1_ID, 4100), cgroup: { version: 1, driver: 'cgroupfs', dirs: { blkio: `${V1}/sys/fs/cgroup/pids/docker/${V1_ID}` } }, procRoot: `${V1}/proc`, sysRoot: `${V1}/sys` });
  assert.deepEqual(empty.collect(createBlkioCollector()), []);
  assert.deepEqual(empty.errors.entries(), [['blkio', 'missing', 1]]);
});

test('v2 cgroupfs layout: io.stat, total = read + write + discard, extra io.cost keys ignored', () => {
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: `${V2}/sys/fs/cgroup/docker/${V2_ID}` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(view(h.collect(createBlkioCollector())), [
    [{ device: '8:0', device_name: 'sda' }, fields(1048576n, 10485760n, 11538432n, 16n, 80n, 97n)],
    [{ device: '253:0' }, fields(4096n, 8192n, 12288n, 1n, 2n, 3n)],
    [{ device: 'total' }, fields(1052672n, 10493952n, 11550720n, 17n, 82n, 100n)],
  ]);
  assert.equal(h.errors.total(), 0);
});

test('v2 systemd layout: counters above 2^63 are passed on exactly (the encoder clamps them)', () => {
  const h = harness({
    container: container(V2_ID, 5200),
    cgroup: { version: 2, driver: 'systemd', dirs: { unified: `${V2}/sys/fs/cgroup/system.slice/docker-${V2_ID}.scope` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  const total = 18446744073709551615n + 9223372036854775808n;
  assert.deepEqual(view(h.collect(createBlkioCollector())), [
    [{ device: '259:0', device_name: 'nvme0n1' }, fields(18446744073709551615n, 9223372036854775808n, total, 3n, 4n, 7n)],
    [{ device: 'total' }, fields(18446744073709551615n, 9223372036854775808n, total, 3n, 4n, 7n)],
  ]);
});

test('v2: io.stat missing (io controller not enabled for the cgroup) is counted, no rows', () => {
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'cgroupfs', dirs: { unified: `${V2}/sys/fs/cgroup/docker/nope` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(h.collect(createBlkioCollector()), []);
  assert.deepEqual(h.errors.entries(), [['blkio', 'missing', 1]]);
});

function blkioDir(files: Record<string, string>): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-blkio-'));
  const dir = `${root}/sys/fs/cgroup/blkio/docker/${V1_ID}`;
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(`${dir}/${name}`, text);
  return { root, dir };
}

const IDLE = 'Total 0\n';
/** A cgroup with BFQ and throttle files and no I/O yet. */
const NO_IO = {
  'blkio.bfq.io_service_bytes_recursive': IDLE, 'blkio.bfq.io_serviced_recursive': IDLE,
  'blkio.throttle.io_service_bytes_recursive': IDLE, 'blkio.throttle.io_serviced_recursive': IDLE,
};
/** What such a cgroup ships: the total row, zero (the files say `Total 0`). */
const NO_ROWS_YET = [[{ device: 'total' }, fields(0n, 0n, 0n, 0n, 0n, 0n)]];
const rw = (dev: string, r: number, w: number) => `${dev} Read ${r}\n${dev} Write ${w}\n${dev} Sync 0\n${dev} Async ${r + w}\n${dev} Discard 0\n${dev} Total ${r + w}\n`;

/**
 * A collector (a fresh one, or `collector`: one collector serves every container of a host) on
 * V1_ID in `root`, ticked at a chosen clock (the harness's own collect() uses the real one);
 * `reads` holds the file names read by the last tick.
 */
function clockedTicks(root: string, collector = createBlkioCollector()): { h: ReturnType<typeof v1>; tick: (seconds: bigint) => ReturnType<typeof view>; reads: string[] } {
  const h = v1(V1_ID, root);
  h.collect(createBlkioCollector()); // names the reads' collector
  const reads: string[] = [];
  const read = h.ctx.read;
  h.ctx.read = (path, mode) => {
    reads.push(path.slice(path.lastIndexOf('/') + 1));
    return read(path, mode);
  };
  const tick = (seconds: bigint) => {
    reads.length = 0;
    h.ctx.monotonicNs = seconds * 1_000_000_000n;
    const out: Row[] = [];
    collector.collect(h.ctx, h.stateOf(collector), out);
    return view(out);
  };
  return { h, tick, reads };
}

test('v1, no I/O yet: a bytes file that lists no device spares the read of its ios file (same device list)', () => {
  const { root } = blkioDir(NO_IO);
  try {
    const h = v1(V1_ID, root);
    const collector = createBlkioCollector();
    assert.deepEqual(view(h.collect(collector)), [[{ device: 'total' }, fields(0n, 0n, 0n, 0n, 0n, 0n)]]);
    assert.deepEqual(view(h.collect(collector)), [[{ device: 'total' }, fields(0n, 0n, 0n, 0n, 0n, 0n)]]);
    assert.equal(h.files.openCount, 2);
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: a file read unchanged gives the same rows tick after tick, malformed lines counted each tick, earlier rows untouched', () => {
  const { root, dir } = blkioDir({
    'blkio.throttle.io_service_bytes_recursive': rw('8:0', 4096, 0) + 'garbage line\nTotal 4096\n',
    'blkio.throttle.io_serviced_recursive': rw('8:0', 1, 0) + 'Total 1\n',
  });
  try {
    const { h, tick } = clockedTicks(root);
    const malformed = () => h.errors.entries().find(([, reason]) => reason === 'malformed')?.[2] ?? 0;
    const before = malformed();
    const first = tick(0n);
    const expected = [
      [{ device: '8:0' }, fields(4096n, 0n, 4096n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(4096n, 0n, 4096n, 1n, 0n, 1n)],
    ];
    assert.deepEqual(first, expected);
    assert.deepEqual(tick(10n), expected);
    assert.equal(malformed() - before, 2);
    writeFileSync(`${dir}/blkio.throttle.io_service_bytes_recursive`, rw('8:0', 8192, 512) + 'Total 8704\n');
    writeFileSync(`${dir}/blkio.throttle.io_serviced_recursive`, rw('8:0', 2, 1) + 'Total 3\n');
    assert.deepEqual(tick(20n), [
      [{ device: '8:0' }, fields(8192n, 512n, 8704n, 2n, 1n, 3n)],
      [{ device: 'total' }, fields(8192n, 512n, 8704n, 2n, 1n, 3n)],
    ]);
    assert.deepEqual(first, expected);
    assert.equal(malformed() - before, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: once every device is populated, only its source is read; the others again every 60 s', () => {
  const { root, dir } = blkioDir({
    'blkio.bfq.io_service_bytes_recursive': rw('8:0', 4096, 8192) + 'Total 12288\n',
    'blkio.bfq.io_serviced_recursive': rw('8:0', 1, 2) + 'Total 3\n',
    'blkio.throttle.io_service_bytes_recursive': rw('8:0', 4096, 8192) + 'Total 12288\n',
    'blkio.throttle.io_serviced_recursive': rw('8:0', 1, 2) + 'Total 3\n',
  });
  try {
    const { h, tick } = clockedTicks(root);
    assert.deepEqual(tick(0n), [
      [{ device: '8:0' }, fields(4096n, 8192n, 12288n, 1n, 2n, 3n)],
      [{ device: 'total' }, fields(4096n, 8192n, 12288n, 1n, 2n, 3n)],
    ]);
    // New I/O on 8:0 (bfq, read) and a device that only the throttle layer lists (not read now)
    writeFileSync(`${dir}/blkio.bfq.io_service_bytes_recursive`, rw('8:0', 8192, 8192));
    writeFileSync(`${dir}/blkio.bfq.io_serviced_recursive`, rw('8:0', 2, 2));
    writeFileSync(`${dir}/blkio.throttle.io_service_bytes_recursive`, rw('8:0', 8192, 8192) + rw('8:16', 512, 0));
    writeFileSync(`${dir}/blkio.throttle.io_serviced_recursive`, rw('8:0', 2, 2) + rw('8:16', 1, 0));
    assert.deepEqual(tick(59n), [
      [{ device: '8:0' }, fields(8192n, 8192n, 16384n, 2n, 2n, 4n)],
      [{ device: 'total' }, fields(8192n, 8192n, 16384n, 2n, 2n, 4n)],
    ]);
    assert.deepEqual(tick(60n), [
      [{ device: '8:0' }, fields(8192n, 8192n, 16384n, 2n, 2n, 4n)],
      [{ device: '8:16' }, fields(512n, 0n, 512n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(8704n, 8192n, 16896n, 3n, 2n, 5n)],
    ]);
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v1: while no source lists a device only the throttle files are read; a device there brings every source at once', () => {
  const { root, dir } = blkioDir(NO_IO);
  try {
    const { h, tick, reads } = clockedTicks(root);
    const idle = NO_ROWS_YET;
    assert.deepEqual(tick(0n), idle);
    // Only BFQ counts (a bfq disk, no throttle rule): not read until the next full read.
    writeFileSync(`${dir}/blkio.bfq.io_service_bytes_recursive`, rw('8:0', 100, 0));
    writeFileSync(`${dir}/blkio.bfq.io_serviced_recursive`, rw('8:0', 1, 0));
    assert.deepEqual(tick(1n), idle);
    assert.deepEqual(tick(2n), idle, 'a tick that finds no device in the throttle files keeps reading them alone');
    assert.deepEqual(reads, ['blkio.throttle.io_service_bytes_recursive']);
    assert.deepEqual(tick(59n), idle);
    assert.deepEqual(tick(60n), [
      [{ device: '8:0' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
    ]);
    assert.equal(h.errors.total(), 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const second = blkioDir(NO_IO);
  try {
    const { tick } = clockedTicks(second.root);
    tick(0n);
    // The device appears in both layers: the throttle read sees it, and BFQ (first in order) wins.
    writeFileSync(`${second.dir}/blkio.bfq.io_service_bytes_recursive`, rw('8:0', 100, 0));
    writeFileSync(`${second.dir}/blkio.bfq.io_serviced_recursive`, rw('8:0', 1, 0));
    writeFileSync(`${second.dir}/blkio.throttle.io_service_bytes_recursive`, rw('8:0', 999, 0));
    writeFileSync(`${second.dir}/blkio.throttle.io_serviced_recursive`, rw('8:0', 9, 0));
    assert.deepEqual(tick(1n), [
      [{ device: '8:0' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
    ]);
  } finally {
    rmSync(second.root, { recursive: true, force: true });
  }
});

test('v1: an idle container watches the layer where the host\'s I/O was last found, so its first I/O shows at the next tick', () => {
  const busy = blkioDir({
    'blkio.bfq.io_service_bytes_recursive': rw('8:0', 4096, 0) + 'Total 4096\n', 'blkio.bfq.io_serviced_recursive': rw('8:0', 1, 0) + 'Total 1\n',
    'blkio.throttle.io_service_bytes_recursive': IDLE, 'blkio.throttle.io_serviced_recursive': IDLE,
  });
  const quiet = blkioDir(NO_IO);
  try {
    // One collector for the host: a BFQ disk without a throttle rule, where only BFQ counts.
    const collector = createBlkioCollector();
    const a = clockedTicks(busy.root, collector);
    const b = clockedTicks(quiet.root, collector);
    const idle = NO_ROWS_YET;
    assert.deepEqual(a.tick(0n), [
      [{ device: '8:0' }, fields(4096n, 0n, 4096n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(4096n, 0n, 4096n, 1n, 0n, 1n)],
    ]);
    assert.deepEqual(b.tick(0n), idle);
    assert.deepEqual(b.tick(1n), idle);
    assert.deepEqual(b.reads, ['blkio.bfq.io_service_bytes_recursive'], 'one file per idle tick, in the layer that counts here');
    writeFileSync(`${quiet.dir}/blkio.bfq.io_service_bytes_recursive`, rw('8:0', 100, 0));
    writeFileSync(`${quiet.dir}/blkio.bfq.io_serviced_recursive`, rw('8:0', 1, 0));
    assert.deepEqual(b.tick(2n), [
      [{ device: '8:0' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(100n, 0n, 100n, 1n, 0n, 1n)],
    ]);
    // The watched source lists a device: every source at once, in this tick (the watched one read
    // again: once per container's first I/O; throttle's ios file is spared, no device in its bytes file).
    assert.deepEqual(b.reads, [
      'blkio.bfq.io_service_bytes_recursive', 'blkio.bfq.io_serviced_recursive',
      'blkio.bfq.io_service_bytes_recursive', 'blkio.bfq.io_serviced_recursive', 'blkio.throttle.io_service_bytes_recursive',
    ]);
    assert.equal(a.h.errors.total() + b.h.errors.total(), 0);
  } finally {
    rmSync(busy.root, { recursive: true, force: true });
    rmSync(quiet.root, { recursive: true, force: true });
  }
});

test('v1: an idle container already watching the throttle layer moves to the layer where I/O is found later', () => {
  const quiet = blkioDir(NO_IO);
  const later = blkioDir(NO_IO);
  try {
    const collector = createBlkioCollector();
    const b = clockedTicks(quiet.root, collector);
    const a = clockedTicks(later.root, collector);
    b.tick(0n);
    assert.deepEqual(b.tick(1n), NO_ROWS_YET);
    assert.deepEqual(b.reads, ['blkio.throttle.io_service_bytes_recursive'], 'nothing learned yet: the throttle layer');
    // Another container, first seen with I/O in BFQ: its first (full) read teaches the host's layer.
    writeFileSync(`${later.dir}/blkio.bfq.io_service_bytes_recursive`, rw('8:0', 512, 0));
    writeFileSync(`${later.dir}/blkio.bfq.io_serviced_recursive`, rw('8:0', 1, 0));
    assert.deepEqual(a.tick(30n), [
      [{ device: '8:0' }, fields(512n, 0n, 512n, 1n, 0n, 1n)],
      [{ device: 'total' }, fields(512n, 0n, 512n, 1n, 0n, 1n)],
    ]);
    assert.deepEqual(b.tick(31n), NO_ROWS_YET);
    assert.deepEqual(b.reads, ['blkio.bfq.io_service_bytes_recursive']);
  } finally {
    rmSync(quiet.root, { recursive: true, force: true });
    rmSync(later.root, { recursive: true, force: true });
  }
});
