// The synthetic host must look like a real one to cgflux: every file in the kernel's format
// (checked with cgflux's own parsers), the ContainerInfos pointing at the right directories, and
// the same tree for the same arguments.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTree, syntheticContainers, syntheticPid, treeRoots, V1_CONTROLLERS } from '../../../bench/synthetic/tree.js';
import { parseIoStat } from '../../../src/sampler/parsers/io-stat.js';
import { parseNetDev } from '../../../src/sampler/parsers/net-dev.js';
import { parseBlkioV1 } from '../../../src/sampler/parsers/blkio-v1.js';
import { parseTaskStatus } from '../../../src/sampler/parsers/proc-task-status.js';
import { parsePidList } from '../../../src/sampler/parsers/pid-list.js';
import { parsePsi } from '../../../src/sampler/parsers/psi.js';
import { parseProcStat } from '../../../src/sampler/parsers/proc-stat.js';
import { parseFlatKeyed, wantedKeys } from '../../../src/sampler/parsers/flat-keyed.js';

const read = (path: string) => readFileSync(path, 'latin1');

describe('synthetic host tree', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cgflux-bench-tree-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('v1: every controller dir of every container, files in the kernel formats', () => {
    const dir = join(root, 'v1');
    const containers = generateTree(dir, 'v1', 3);
    assert.equal(containers.length, 3);
    assert.equal(new Set(containers.map((c) => c.id)).size, 3);
    for (const c of containers) {
      assert.match(c.id, /^[0-9a-f]{64}$/);
      assert.equal(c.cgroup?.version, 1);
      for (const ctl of V1_CONTROLLERS) assert.equal(c.cgroup?.dirs[ctl], join(dir, 'cgroup', ctl, 'docker', c.id));
    }
    const second = containers[1];
    const mem = second.cgroup!.dirs.memory!;
    const stat = parseFlatKeyed(read(join(mem, 'memory.stat')), wantedKeys(['total_rss', 'total_inactive_file', 'pgfault']));
    assert.equal(stat.malformed, 0);
    assert.equal(Object.keys(stat.values).length, 3);
    assert.equal(read(join(mem, 'memory.limit_in_bytes')), '9223372036854771712\n');
    const blkio = parseBlkioV1(read(join(second.cgroup!.dirs.blkio!, 'blkio.throttle.io_service_bytes_recursive')));
    assert.deepEqual([...blkio.devices.keys()], ['8:0', '8:16']);
    assert.equal(blkio.malformed, 0);
    const pids: number[] = [];
    assert.equal(parsePidList(read(join(second.cgroup!.dirs.pids!, 'tasks')), pids), 0);
    const pid = syntheticPid(1);
    assert.deepEqual(pids, [pid, pid + 1, pid + 2]);
    parsePidList(read(join(second.cgroup!.dirs.cpu!, 'cgroup.procs')), pids);
    assert.deepEqual(pids, [pid, pid + 2]);
    // Every limited (every 4th) container has a quota and a memory limit.
    assert.equal(read(join(containers[0].cgroup!.dirs.cpu!, 'cpu.cfs_quota_us')), '50000\n');
    assert.equal(read(join(second.cgroup!.dirs.cpu!, 'cpu.cfs_quota_us')), '-1\n');
  });

  test('v2: systemd scope dirs with io.stat of two devices and PSI', () => {
    const dir = join(root, 'v2');
    const containers = generateTree(dir, 'v2', 2);
    const roots = treeRoots(dir);
    assert.ok(existsSync(join(roots.cgroupRoot, 'cgroup.controllers')), 'a v2 root has cgroup.controllers');
    const unified = containers[0].cgroup!.dirs.unified!;
    assert.equal(unified, join(roots.cgroupRoot, 'system.slice', `docker-${containers[0].id}.scope`));
    assert.deepEqual(Object.keys(containers[0].cgroup!.dirs), ['unified']);
    const io = parseIoStat(read(join(unified, 'io.stat')));
    assert.deepEqual([...io.devices.keys()], ['8:0', '8:16']);
    assert.equal(io.malformed, 0);
    const psi = parsePsi(read(join(unified, 'memory.pressure')));
    assert.equal(psi.malformed, 0);
    assert.ok(psi.some && psi.full);
    assert.equal(read(join(containers[1].cgroup!.dirs.unified!, 'memory.max')), 'max\n');
    const stat = parseFlatKeyed(read(join(unified, 'memory.stat')), wantedKeys(['anon', 'file', 'file_mapped', 'inactive_file']));
    assert.equal(Object.keys(stat.values).length, 4);
  });

  test('procfs: net/dev with lo and eth0, oom_score_adj, a status per thread also under /proc/<tid>, host files', () => {
    const dir = join(root, 'v1');
    const { procRoot, sysRoot } = treeRoots(dir);
    const pid = syntheticPid(2);
    const net = parseNetDev(read(join(procRoot, String(pid), 'net', 'dev')));
    assert.deepEqual([...net.interfaces.keys()], ['lo', 'eth0']);
    assert.equal(net.malformed, 0);
    for (const tid of [pid, pid + 1]) {
      const status = parseTaskStatus(read(join(procRoot, String(pid), 'task', String(tid), 'status')));
      assert.equal(status?.tgid, pid);
    }
    assert.equal(parseTaskStatus(read(join(procRoot, String(pid + 1), 'status')))?.tgid, pid, 'hidden /proc/<tid> of a thread');
    assert.ok(read(join(procRoot, String(pid), 'stat')).startsWith(`${pid} (app) S `));
    // The network collector's liveness check reads it before net/dev.
    for (const tgid of [pid, pid + 2]) assert.equal(read(join(procRoot, String(tgid), 'oom_score_adj')), '0\n');
    assert.equal(parseProcStat(read(join(procRoot, 'stat')))?.onlineCpus, 2);
    assert.match(read(join(sysRoot, 'dev', 'block', '8:16', 'uevent')), /DEVNAME=sdb/);
  });

  test('syntheticContainers rebuilds the same infos without touching files', () => {
    const dir = join(root, 'v1');
    const again = syntheticContainers(dir, 'v1', 3);
    const first = generateTree(join(root, 'v1-again'), 'v1', 3);
    assert.deepEqual(again.map((c) => c.id), first.map((c) => c.id));
    assert.deepEqual(again[2].cgroup, {
      ...first[2].cgroup,
      dirs: Object.fromEntries(Object.entries(first[2].cgroup!.dirs).map(([k, v]) => [k, v!.replace('v1-again', 'v1')])),
    });
  });
});
