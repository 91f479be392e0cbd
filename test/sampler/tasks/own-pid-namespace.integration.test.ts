// cgflux in its own pid namespace (as in a container without `pid: host`) with the host's /proc as
// host.proc_root: the cgroup pid lists read empty there, so tasks must come from the /proc scan.
// The same sampling runs at once in the host namespace and in a child made with
// `unshare --pid --fork --mount` (which mounts its own proc elsewhere, like a container's /proc);
// both must see the same processes and about the same context switches, non-zero for a busy one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CgroupResolver } from '../../../src/discovery/cgroup-paths.js';
import { containerPid, removeContainer, startContainer, uniqueName } from '../../support/docker.js';
import { requireDocker } from '../../support/services.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./support/list-child.ts', import.meta.url));
const ids: string[] = [];
let dir = '';

before(async () => {
  await requireDocker();
  dir = mkdtempSync(join(tmpdir(), 'cgflux-ownns-'));
});
after(async () => {
  for (const id of ids) await removeContainer(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ChildOut {
  pid: number;
  source: string;
  errors: Array<[string, string, number]>;
  containers: Array<{ id: string; switches: Record<string, number> | null; pids: number[] | null }>;
}

/** [{id, pid, cgroup}] of the test's containers, resolved here through the host /proc. */
async function specsOf(): Promise<string> {
  const resolver = new CgroupResolver({ proc_root: '/proc', cgroup_root: '/sys/fs/cgroup' });
  return JSON.stringify(await Promise.all(ids.map(async (id) => {
    const pid = await containerPid(id);
    return { id, pid, cgroup: await resolver.resolve(pid, id) };
  })));
}

async function sample(specs: string, ownNamespace: boolean): Promise<ChildOut> {
  const node = [process.execPath, '--import', 'tsx', CHILD, specs];
  const quoted = node.map((a) => `'${a}'`).join(' ');
  const [cmd, args] = ownNamespace
    ? ['unshare', ['--pid', '--fork', '--mount', 'sh', '-c', `mkdir -p ${dir}/ownproc && mount -t proc proc ${dir}/ownproc && exec ${quoted}`]]
    : [node[0], node.slice(1)];
  const { stdout } = await run(cmd as string, args as string[], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildOut;
}

test('in its own pid namespace cgflux finds the tasks by scanning the host /proc: same processes, same switches', async () => {
  // A busy one (a process that sleeps 1 ms in a loop: many voluntary switches) and an idle one.
  ids.push(await startContainer({ name: uniqueName('ownns-busy'), script: 'while :; do usleep 1000; done & sleep 600 & wait' }));
  ids.push(await startContainer({ name: uniqueName('ownns-idle'), script: 'sleep 600' }));
  const specs = await specsOf();
  const [host, own] = await Promise.all([sample(specs, false), sample(specs, true)]);

  assert.equal(host.source, 'cgroup');
  assert.equal(own.source, 'proc_scan');
  assert.ok(own.pid < 10, `the child runs in its own pid namespace (pid ${own.pid} there)`);
  assert.deepEqual(own.errors.filter(([, reason]) => reason !== 'vanished'), []);
  for (let i = 0; i < ids.length; i++) {
    const h = host.containers[i];
    const o = own.containers[i];
    assert.ok(o.switches && o.pids, `container ${i}: rows in the own namespace`);
    // usleep children come and go: the long-lived processes are in both.
    const stable = h.pids!.filter((p) => o.pids!.includes(p));
    assert.ok(stable.length >= (i === 0 ? 2 : 1), `common pids: host ${h.pids} own ${o.pids}`);
    assert.ok(o.switches.processes >= stable.length);
    const a = h.switches!.voluntary;
    const b = o.switches.voluntary;
    assert.ok(Math.abs(a - b) <= Math.max(50, 0.25 * Math.max(a, b)), `voluntary: host ${a}, own namespace ${b}`);
  }
  assert.ok(own.containers[0].switches!.voluntary > 100, `the busy container switches: ${JSON.stringify(own.containers[0].switches)}`);
});

test('without the host /proc (its own proc mount as proc_root) nothing is a zero: fields left out, counted', async () => {
  const specs = await specsOf();
  const node = [process.execPath, '--import', 'tsx', CHILD, specs].map((a) => `'${a}'`).join(' ');
  const { stdout, stderr } = await run('unshare', ['--pid', '--fork', '--mount', '--mount-proc', 'sh', '-c', `CGFLUX_HOST_PROC_ROOT=/proc exec ${node}`], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)), maxBuffer: 16 << 20,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as ChildOut;
  for (const c of out.containers) {
    assert.equal(c.switches, null, 'no context-switch row');
    assert.equal(c.pids, null, 'no processes');
  }
  assert.ok(out.errors.some(([, reason]) => reason === 'unseen'), JSON.stringify(out.errors));
  assert.equal(stderr.split('\n').filter((l) => l.includes('cannot see its processes')).length, 1, stderr);
});
