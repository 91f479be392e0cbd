// The last docker_container_context_switches row of a container whose run ended, with the real
// kernel method, a real pipeline (discovery through the encoder) ticking 2 s apart, and bpftrace
// as the reference: a container that lived between two ticks, and one stopped mid-interval.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/schema.js';
import { Pipeline } from '../../src/daemon/pipeline.js';
import type { Output } from '../../src/output/index.js';
import { cgroupIdOf } from '../../src/sampler/kernel-switches/kernel-switches.js';
import { sharedKernelSwitches } from '../../src/sampler/kernel-switches/shared.js';
import { containerPid, docker, removeTestContainers, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { countEveryCgroup, requireBpftrace, unifiedDirOf } from '../support/kernel-reference.js';
import { TEST_IMAGE, TEST_LABEL, requireDocker } from '../support/services.js';
import { captureLog } from '../spool/log-capture.js';

const INTERVAL_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface SwitchRow {
  name: string;
  method: string;
  voluntary: number;
  involuntary: number;
  threads?: number;
}

/** Context-switch rows of one tick's bodies, by container name. */
function switchRows(bodies: string[]): SwitchRow[] {
  const rows: SwitchRow[] = [];
  for (const body of bodies) {
    if (!body.startsWith('docker_container_context_switches,')) continue;
    const [series, fields] = body.split(' ');
    const tag = (k: string): string | undefined => new RegExp(`,${k}=([^,]+)`).exec(series)?.[1];
    const field = (k: string): number | undefined => {
      const m = new RegExp(`(?:^|,)${k}=(\\d+)i`).exec(fields);
      return m ? Number(m[1]) : undefined;
    };
    rows.push({ name: tag('container_name')!, method: tag('method')!, voluntary: field('voluntary')!, involuntary: field('involuntary')!, threads: field('threads') });
  }
  return rows;
}

// Default states (an exited container leaves the set) and with exited ones kept (status rows only).
for (const states of [['running'], ['running', 'exited']]) describe(`last context-switch rows of departed containers (kernel method, docker.states ${states.join(', ')})`, () => {
  const label = `${TEST_LABEL}.final`;
  const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let pipeline: Pipeline;
  const ticks: { at: number; rows: SwitchRow[]; bodies: string[] }[] = [];
  let lastTickAt = 0;
  let long: { id: string; name: string };

  function tick(): SwitchRow[] {
    const bodies: string[] = [];
    const capture = { write: (b: string[]) => bodies.push(...b) } as unknown as Output;
    pipeline.outputs.push(capture);
    try {
      lastTickAt = Date.now();
      pipeline.tick(lastTickAt);
    } finally {
      pipeline.outputs.pop();
    }
    const rows = switchRows(bodies);
    ticks.push({ at: lastTickAt, rows, bodies });
    return rows;
  }

  /** Ticks on the interval until `probe` finds what it waits for in a tick's rows. */
  async function tickUntil<T>(what: string, maxTicks: number, probe: (rows: SwitchRow[]) => T | undefined): Promise<T> {
    for (let i = 0; i < maxTicks; i++) {
      await sleep(lastTickAt + INTERVAL_MS - Date.now());
      const found = probe(tick());
      if (found !== undefined) return found;
    }
    throw new Error(`no ${what} within ${maxTicks} ticks`);
  }

  before(async () => {
    await requireDocker();
    requireBpftrace();
    const base = defaultConfig('final-switches');
    const config = {
      ...base,
      docker: { ...base.docker, states, include: { names: [], labels: [`${label}=${run}`] } },
      collectors: { ...base.collectors, context_switches: { ...base.collectors.context_switches, method: 'kernel' } },
      self_metrics: { enabled: false },
    };
    pipeline = new Pipeline(config, captureLog(), []);
    await pipeline.registry.start();
    // Fork-heavy and long-lived: it starts the kernel counter, and is stopped in the second test.
    const name = uniqueName('final-long');
    const id = await startContainer({ name, labels: { [label]: run }, script: 'while true; do ls / >/dev/null; done', flags: ['--cpus', '0.3'] });
    long = { id, name };
    await waitFor('discovery to list the long-lived container', 10_000, () => pipeline.registry.containers().some((c) => c.id === id));
    tick();
    await tickUntil('kernel row of the long-lived container', 5, (rows) => rows.find((r) => r.name === name && r.method === 'kernel'));
  });

  after(async () => {
    if (pipeline) {
      pipeline.outputs.length = 0;
      await pipeline.close(Date.now() + 1000);
    }
    await removeTestContainers();
  });

  test('a container that started and exited between two ticks gets one final row, within 10 % of the kernel\'s count', async () => {
    const reference = await countEveryCgroup();
    const name = uniqueName('final-short');
    let id = '';
    let ref: bigint | undefined;
    const died = new Promise<void>((resolve) => pipeline.registry.on('died', (c) => c.id === id && resolve()));
    try {
      // Started just after a tick; the sleep leaves time to find its cgroup id for the reference.
      await sleep(lastTickAt + 50 - Date.now());
      id = await docker('run', '-d', '--network', 'none', '--label', `${TEST_LABEL}=${process.pid}`, '--label', `${label}=${run}`, '--name', name, TEST_IMAGE, 'sh', '-c', 'sleep 0.3; i=0; while [ $i -lt 150 ]; do ls / >/dev/null; i=$((i+1)); done');
      const cgroupId = cgroupIdOf(unifiedDirOf(await containerPid(id)));
      assert.ok(cgroupId, 'its cgroup id, read while it ran');
      await docker('wait', id);
      await Promise.race([died, sleep(5000).then(() => assert.fail('discovery did not report its die event'))]);
      ref = (await reference.stop()).get(cgroupId);
    } catch (err) {
      await reference.stop().catch(() => undefined);
      throw err;
    }
    assert.ok(ref && ref > 100n, `the reference saw it switch (${ref})`);
    const tickBefore = ticks.length;
    const final = await tickUntil('final row of the short-lived container', 1, (rows) => rows.find((r) => r.name === name));
    assert.ok(Date.now() - ticks[tickBefore - 1].at >= INTERVAL_MS, 'it lived between two ticks');
    assert.ok(ticks.slice(0, tickBefore).every((t) => t.rows.every((r) => r.name !== name)), 'no regular tick saw it');
    assert.equal(final.method, 'kernel');
    assert.equal(final.threads, undefined, 'no thread count for a container that is gone (absent, not 0)');
    const body = ticks[ticks.length - 1].bodies.find((b) => b.includes(`container_name=${name}`))!;
    assert.match(body, /,container_image=cgflux-test\/busybox[, ]/);
    assert.match(body, /,container_version=latest[, ]/);
    assert.match(body, new RegExp(`container_id="${id}"`));
    const ratio = (final.voluntary + final.involuntary) / Number(ref);
    console.log(`# short-lived container: kernel ${ref}, final row ${final.voluntary}+${final.involuntary}, ratio ${ratio.toFixed(3)}`);
    assert.ok(ratio >= 0.9 && ratio <= 1.1, `ratio ${ratio}`);
    const again = await tickUntil('another row', 1, (rows) => rows.find((r) => r.name === name) ?? null);
    assert.equal(again, null, 'shipped once');
    assert.match(pipeline.metrics.renderPrometheus(), /cgflux_final_switch_rows_total\{outcome="shipped"\} 1\n/);
  });

  test('a long-running container stopped mid-interval gets a final row at least its last regular row', async () => {
    await sleep(lastTickAt + INTERVAL_MS - Date.now());
    const last = tick().find((r) => r.name === long.name);
    const series = (): string | undefined => ticks[ticks.length - 1].bodies.find((b) => b.startsWith('docker_container_context_switches,') && b.includes(`container_name=${long.name},`))?.split(' ')[0];
    const regularSeries = series();
    assert.ok(last && last.method === 'kernel', 'a regular kernel row');
    assert.ok(last.threads !== undefined);
    const died = new Promise<void>((resolve) => pipeline.registry.on('died', (c) => c.id === long.id && resolve()));
    await sleep(INTERVAL_MS / 2);
    await docker('kill', long.id);
    await Promise.race([died, sleep(5000).then(() => assert.fail('discovery did not report its die event'))]);
    const final = await tickUntil('final row of the stopped container', 1, (rows) => rows.find((r) => r.name === long.name));
    console.log(`# stopped container: last regular ${last.voluntary}+${last.involuntary}, final ${final.voluntary}+${final.involuntary}`);
    assert.equal(final.method, 'kernel');
    assert.equal(final.threads, undefined);
    assert.equal(series(), regularSeries, 'tagged like its regular rows: the same series');
    assert.ok(final.voluntary >= last.voluntary && final.involuntary >= last.involuntary, 'monotonic');
    assert.ok(final.voluntary + final.involuntary > last.voluntary + last.involuntary, 'its last second of forks is in it');
    assert.equal(await tickUntil('another row', 1, (rows) => rows.find((r) => r.name === long.name) ?? null), null, 'shipped once');
  });
});

after(() => void sharedKernelSwitches('proc')); // closes the process's kernel counter
