// The collector on real containers: with the kernel counter its rows are tagged method=kernel and
// within 10 % of the kernel's own count (bpftrace), without it method=proc, a lower bound whose
// coverage is printed (docs/metrics.md quotes it). Ticks are one second apart, as `--interval 1s`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createContextSwitchesCollector } from '../../../src/sampler/collectors/context-switches.js';
import { cgroupIdOf, type KernelSwitches } from '../../../src/sampler/kernel-switches/kernel-switches.js';
import type { CgroupPaths, Row } from '../../../src/model.js';
import { containerPid, removeContainer, removeTestContainers, startContainer, uniqueName } from '../../support/docker.js';
import { SECONDS as TICKS, WORKLOADS, compareOverRun, startKernelCounter, unifiedDirOf } from '../../support/kernel-reference.js';
import { requireDocker } from '../../support/services.js';
import { container, harness } from './fixture-context.js';

let kernel: KernelSwitches;

before(async () => {
  await requireDocker();
  kernel = await startKernelCounter();
});

after(async () => {
  kernel?.close();
  await removeTestContainers();
});

/** The container's cgroup dirs as discovery resolves them on this host (v1 pids + unified, or v2). */
function cgroupOf(pid: number): CgroupPaths {
  const unified = unifiedDirOf(pid);
  const pids = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:pids:/.test(l));
  if (!pids) return { version: 2, dirs: { unified }, driver: 'cgroupfs' };
  return { version: 1, dirs: { unified, pids: `/sys/fs/cgroup/pids${pids.split(':')[2]}` }, driver: 'cgroupfs' };
}

function total(rows: Row[], method: string): bigint {
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].tags, { method });
  return (rows[0].fields.voluntary as bigint) + (rows[0].fields.involuntary as bigint);
}

for (const [name, script] of Object.entries(WORKLOADS)) {
  test(`${name}: method=kernel rows within 10 % of the kernel's count; method=proc a lower bound`, async () => {
    const id = await startContainer({ name: uniqueName('ctxsw'), script, flags: ['--cpus', '0.5'] });
    try {
      const pid = await containerPid(id);
      const cgroup = cgroupOf(pid);
      const info = container(id, pid);
      const exact = harness({ container: info, cgroup, procRoot: '/proc', sysRoot: '/sys' });
      const lower = harness({ container: info, cgroup, procRoot: '/proc', sysRoot: '/sys' });
      const kernelCollector = createContextSwitchesCollector({ kernel });
      const procCollector = createContextSwitchesCollector();
      let k0 = 0n;
      let p0 = 0n;
      let k1 = 0n;
      let p1 = 0n;
      try {
        const ref = await compareOverRun(id, cgroupIdOf(cgroup.dirs.unified!)!, TICKS, (when) => {
          const k = total(exact.collect(kernelCollector), 'kernel');
          const p = total(lower.collect(procCollector), 'proc');
          if (when === 'start') [k0, p0] = [k, p];
          [k1, p1] = [k, p];
        });
        const refTotal = ref.voluntary + ref.involuntary;
        const kernelRatio = Number(k1 - k0) / Number(refTotal);
        const procRatio = Number(p1 - p0) / Number(refTotal);
        console.log(`# ${name}: kernel's count ${Number(refTotal) / TICKS}/s; method=kernel ${kernelRatio.toFixed(3)}, method=proc ${procRatio.toFixed(3)}`);
        assert.ok(refTotal > 50n, 'the workload switches');
        assert.ok(kernelRatio >= 0.9 && kernelRatio <= 1.1, `kernel ratio ${kernelRatio}`);
        assert.ok(procRatio <= 1.1, `the /proc method is a lower bound (${procRatio})`);
      } finally {
        exact.leave(kernelCollector);
        lower.leave(procCollector);
      }
    } finally {
      await removeContainer(id);
    }
  });
}
