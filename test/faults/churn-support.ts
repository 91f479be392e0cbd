// Container churn for the fault tests: short-lived busybox containers created, started, waited
// for and removed through the Docker API, `concurrency` at a time, each carrying the run's label.
import type Docker from 'dockerode';
import { TEST_IMAGE } from '../support/services.js';
import type { TestRun } from '../e2e/harness.js';

/** One cycle: create, start, let it exit (`true`, or a short sleep so a tick samples it), remove. */
async function cycle(docker: Docker, run: TestRun, i: number): Promise<void> {
  const c = await docker.createContainer({
    Image: TEST_IMAGE,
    Cmd: ['sh', '-c', i % 2 === 0 ? 'true' : 'sleep 1'],
    Labels: { [run.label]: run.id },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await c.start();
    await c.wait();
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

/** Runs `n` cycles, `concurrency` at a time; returns how many failed. */
export async function churn(docker: Docker, run: TestRun, n: number, concurrency: number): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await cycle(docker, run, next++).catch(() => failed++);
    }),
  );
  return failed;
}

/** Removes every container of the run that a failed cycle left behind. */
export async function removeChurnLeftovers(docker: Docker, run: TestRun): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [run.selector] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
