// The exact method against the kernel's own count (bpftrace on the sched:sched_switch tracepoint)
// for the three workloads of issue 12, and a container that lives less than one tick.
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelSwitches, cgroupIdOf } from '../../../src/sampler/kernel-switches/kernel-switches.js';
import { TEST_RUN, containerPid, docker, removeContainer, removeTestContainers, startContainer, uniqueName } from '../../support/docker.js';
import { SECONDS, WORKLOADS, compareOverRun, countEveryCgroup, startKernelCounter, unifiedDirOf } from '../../support/kernel-reference.js';
import { TEST_IMAGE, TEST_LABEL, requireDocker } from '../../support/services.js';

let kernel: KernelSwitches;

before(async () => {
  await requireDocker();
  kernel = await startKernelCounter();
});

after(async () => {
  kernel?.close();
  await removeTestContainers();
});

function ratio(a: bigint, b: bigint): number {
  return Number(a) / Number(b);
}

for (const [name, script] of Object.entries(WORKLOADS)) {
  test(`${name}: within 10 % of the kernel's count, voluntary and involuntary alike`, async () => {
    const id = await startContainer({ name: uniqueName('bpf'), script, flags: ['--cpus', '0.5'] });
    try {
      const cgroupId = cgroupIdOf(unifiedDirOf(await containerPid(id)));
      assert.ok(cgroupId);
      const zero = { voluntary: 0n, involuntary: 0n };
      let ours0 = zero;
      let ours1 = zero;
      const ref = await compareOverRun(id, cgroupId, SECONDS, (when) => {
        if (when === 'start') ours0 = kernel.readAll()?.get(cgroupId) ?? zero;
        if (when === 'end') ours1 = kernel.readAll()?.get(cgroupId) ?? zero;
      });
      const got = { voluntary: ours1.voluntary - ours0.voluntary, involuntary: ours1.involuntary - ours0.involuntary };
      const total = ratio(got.voluntary + got.involuntary, ref.voluntary + ref.involuntary);
      console.log(`# ${name}: kernel ${JSON.stringify(ref, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))} cgflux ${JSON.stringify(got, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))} over ${SECONDS} s, ratio ${total.toFixed(3)}`);
      assert.ok(ref.voluntary + ref.involuntary > 50n, 'the workload switches');
      assert.ok(total >= 0.9 && total <= 1.1, `total ratio ${total}`);
      // Each kind within 10 % of the kernel's, or within 2 % of the total when it is rare.
      const slack = (ref.voluntary + ref.involuntary) / 50n;
      for (const kind of ['voluntary', 'involuntary'] as const) {
        const diff = got[kind] > ref[kind] ? got[kind] - ref[kind] : ref[kind] - got[kind];
        assert.ok(diff * 10n <= ref[kind] || diff <= slack, `${kind}: ${got[kind]} vs ${ref[kind]}`);
      }
    } finally {
      await removeContainer(id);
    }
  });
}

test('a container that started and exited before the read is still counted, matched by its id', async () => {
  const reference = await countEveryCgroup();
  const name = uniqueName('bpf-short');
  // Not --rm: its id is needed after it exited; its cgroup is removed at exit all the same.
  const id = await docker('run', '--network', 'none', '--label', `${TEST_LABEL}=${TEST_RUN}`, '--name', name, '-d', TEST_IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ls / >/dev/null; sleep 0.01; done');
  await docker('wait', id);
  const counts = await reference.stop();
  try {
    const all = kernel.readAll();
    const cgroupId = kernel.cgroupIdOfContainer(id);
    assert.ok(cgroupId, 'the program recorded the cgroup name');
    const ours = all?.get(cgroupId);
    assert.ok(ours);
    const ref = counts.get(cgroupId);
    assert.ok(ref && ref > 20n, `the reference saw it (${ref})`);
    const total = ratio(ours.voluntary + ours.involuntary, ref);
    console.log(`# short-lived container: kernel ${ref} cgflux ${ours.voluntary + ours.involuntary}, ratio ${total.toFixed(3)}`);
    assert.ok(total >= 0.9 && total <= 1.1, `ratio ${total}`);
  } finally {
    await removeContainer(id);
  }
});

test('losing the helper: back to /proc with one warning, and no throw', async () => {
  const lines: string[] = [];
  const log = { debug() {}, info() {}, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), child: () => log };
  const k = new KernelSwitches({ setting: 'auto', log });
  assert.equal(await k.start(), 'kernel');
  assert.ok(k.readAll());
  const pid = k.helperPid!;
  process.kill(pid, 'SIGKILL');
  // Dead once it is gone or a zombie (reaped when its exit event runs), not after a guessed delay.
  const dead = () => !existsSync(`/proc/${pid}/stat`) || / Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\)/, ''));
  for (let waited = 0; !dead() && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  assert.ok(dead(), 'the helper died');
  assert.equal(k.readAll(), undefined);
  assert.equal(k.readAll(), undefined);
  assert.equal(k.method, 'proc');
  assert.equal(lines.length, 1);
  assert.match(k.reason, /helper/);
});
