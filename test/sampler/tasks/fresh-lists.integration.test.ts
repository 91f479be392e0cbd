// The container's pid lists as they are now, at intervals under a second. A cgroup v1 list read
// again on a kept descriptor is the kernel's cached copy while that copy lingers (a second after
// its last read): read every second it never changes. So on a hybrid host the lister reads the
// unified hierarchy's lists (fresh on every read) and on a v1-only host it opens the v1 lists
// for every read. Truth here is the unified cgroup.procs, read on a new descriptor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { CgroupPaths } from '../../../src/model.js';
import { TaskLister, newTaskCache } from '../../../src/sampler/tasks/task-lister.js';
import { docker, removeContainer, startContainer, uniqueName, waitFor } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';
import { realHarness } from '../collectors/real-container.js';

let id = '';
before(async () => {
  await requireDocker();
  id = await startContainer({ name: uniqueName('lists'), script: 'sleep 600' });
});
after(async () => {
  if (id) await removeContainer(id);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pidsIn = (text: string) => text.split('\n').filter(Boolean).map(Number);

async function unifiedDir(): Promise<{ unified: string; v1: string; cgroup: CgroupPaths }> {
  const h = await realHarness(id);
  const { unified, pids } = h.ctx.cgroup.dirs;
  assert.ok(unified && pids, `a hybrid host: unified and v1 pids directories (${JSON.stringify(h.ctx.cgroup.dirs)})`);
  return { unified, v1: pids, cgroup: h.ctx.cgroup };
}

/** Starts `sleep <marker>` in the container; its host pid, once the unified list shows it. */
async function startProcess(unified: string, known: ReadonlySet<number>, marker: number): Promise<number> {
  await docker('exec', '-d', id, 'sleep', String(marker));
  return waitFor('the new process in the unified list', 10_000, () => pidsIn(readFileSync(`${unified}/cgroup.procs`, 'latin1')).find((p) => !known.has(p)));
}

test('the kernel: a v1 cgroup.procs re-read on a kept descriptor under a second later misses a new process (why the lister never does that)', async () => {
  const { unified, v1 } = await unifiedDir();
  const fd = openSync(`${v1}/cgroup.procs`, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const reread = () => pidsIn(buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0)));
    const before = new Set(reread());
    const pid = await startProcess(unified, before, 701);
    await sleep(300);
    assert.equal(reread().includes(pid), false, 'the cached list still lacks it');
    assert.equal(pidsIn(readFileSync(`${v1}/cgroup.procs`, 'latin1')).includes(pid), true, 'a new descriptor sees it');
    process.kill(pid, 'SIGKILL');
  } finally {
    closeSync(fd);
  }
});

for (const layout of ['hybrid', 'v1 only'] as const) {
  test(`the lister read every 300 ms follows the container (${layout}): a new process appears, a killed one goes`, async () => {
    const dirs = await unifiedDir();
    const h = await realHarness(id);
    if (layout === 'v1 only') h.ctx.cgroup = { ...dirs.cgroup, dirs: { ...dirs.cgroup.dirs, unified: undefined } };
    const lister = new TaskLister({ source: 'cgroup' });
    const cache = newTaskCache();
    const list = async () => {
      await sleep(300);
      h.ctx.monotonicNs = process.hrtime.bigint();
      const tasks = lister.list(h.ctx, 'test', true, cache);
      assert.ok(tasks, 'listed');
      return { pids: [...tasks.pids], tids: [...tasks.tids] };
    };
    const first = await list();
    await list();
    const pid = await startProcess(dirs.unified, new Set(first.pids), layout === 'hybrid' ? 702 : 703);
    const withIt = await list();
    assert.ok(withIt.pids.includes(pid) && withIt.tids.includes(pid), `${pid} in ${JSON.stringify(withIt)}`);
    process.kill(pid, 'SIGKILL');
    await waitFor('the process to leave the unified list', 10_000, () => !pidsIn(readFileSync(`${dirs.unified}/cgroup.procs`, 'latin1')).includes(pid) || undefined);
    const without = await list();
    assert.ok(!without.pids.includes(pid) && !without.tids.includes(pid), `${pid} gone from ${JSON.stringify(without)}`);
    assert.deepEqual(without.pids, first.pids);
    assert.deepEqual(h.errors.entries(), []);
  });
}
