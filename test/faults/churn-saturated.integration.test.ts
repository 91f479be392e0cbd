// Container churn on a saturated host: CPU burners on every core (busybox loops, uncapped, not
// sampled) while 300 containers start and stop and the daemon samples every second. The tick
// rate must hold: a monitoring agent is needed most when the host is busy. The burners compete
// with cgflux as any workload does (same nice level, their own cgroups); dockerd, which the churn
// drives, is slowed by them, and cgflux must not wait on it to tick.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';
import { removeTestContainers, startContainer } from '../support/docker.js';
import { churn, removeChurnLeftovers } from './churn-support.js';
import { DaemonProcess, TestRun } from '../e2e/harness.js';

const CYCLES = 300;
const CONCURRENCY = 10;
/** Ticks due in the churn's wall time that must have run: ticks may slip, not stop. */
const TICK_RATE_FLOOR = 0.8;

describe('faults: container churn with every core busy', () => {
  const run = new TestRun('faults-churn-saturated');
  const docker = new Docker({ socketPath: DOCKER_SOCKET });
  let daemon: DaemonProcess | undefined;

  before(requireDocker);
  after(async () => {
    await daemon?.ensureGone();
    await removeChurnLeftovers(docker, run);
    await removeTestContainers();
    await run.cleanup();
  });

  const churnCycles = (n: number): Promise<number> => churn(docker, run, n, CONCURRENCY);

  test(`${CYCLES} start/stop cycles beside ${availableParallelism()} CPU burners: at least ${TICK_RATE_FLOOR * 100} % of the 1 s ticks run`, async () => {
    await run.container('steady');
    daemon = await DaemonProcess.start(await run.config([{ type: 'stdout' }], {}), join(run.dir, 'cgflux.yaml'));
    const d = daemon;
    await churnCycles(20); // warm-up
    for (let i = 0; i < availableParallelism(); i++) await startContainer({ script: 'while :; do :; done' });
    const ticksBefore = await d.metric('ticks_total');
    const skippedBefore = await d.metric('ticks_skipped_total').catch(() => 0);
    const t0 = Date.now();
    const failed = await churnCycles(CYCLES);
    const churnS = (Date.now() - t0) / 1000;
    const ticks = (await d.metric('ticks_total')) - ticksBefore;
    const skipped = (await d.metric('ticks_skipped_total').catch(() => 0)) - skippedBefore;
    const gather = await d.metric('gather_seconds').catch(() => -1);
    await removeTestContainers();
    assert.equal(d.exit, undefined, d.log);
    const stop = await d.stop();
    assert.equal(stop.code, 0, d.log);
    console.log(`faults: saturated churn cycles=${CYCLES} burners=${availableParallelism()} churn_s=${churnS.toFixed(1)} ticks=${ticks} skipped=${skipped} last_gather_s=${gather} failed_cycles=${failed}`);
    assert.equal(failed, 0, 'every cycle ran');
    assert.ok(ticks >= churnS * TICK_RATE_FLOOR, `${ticks} ticks in ${churnS.toFixed(1)} s of churn (${skipped} skipped)`);
  });
});
