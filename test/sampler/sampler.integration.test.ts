// The sampler on real containers, compared with Docker's own stats API for the same container.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/schema.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { docker, removeContainer, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { requireDocker } from '../support/services.js';
import { dockerStats, realContainerInfo, rowOf, sleep } from './support/real-containers.js';

const MIB = 1024 * 1024;
/** Wall clock with sub-ms resolution, comparable with Docker's `read` timestamps. */
const nowMs = (): number => performance.timeOrigin + performance.now();

function newSampler(perCpu = false): { sampler: Sampler; errors: ReadErrors } {
  const errors = new ReadErrors();
  const config = defaultConfig('test-host');
  config.collectors.cpu.per_cpu = perCpu;
  return { sampler: new Sampler(config, new KeptFiles(errors), errors), errors };
}

/** Docker's RFC 3339 `read` time with its sub-millisecond digits, in ms. */
function readTimeMs(read: string): number {
  const sub = read.match(/\.\d{3}(\d*)/)?.[1] ?? '';
  return Date.parse(read) + Number(sub.padEnd(6, '0').slice(0, 6)) / 1e6;
}

/** |a − b| / b */
const relative = (a: number, b: number): number => Math.abs(a - b) / b;

describe('sampler on real containers', { timeout: 120_000 }, () => {
  const started: string[] = [];
  before(requireDocker);
  after(async () => {
    for (const id of started) await removeContainer(id);
  });
  async function start(opts: Parameters<typeof startContainer>[0]): Promise<string> {
    const id = await startContainer({ name: uniqueName('sampler'), ...opts });
    started.push(id);
    return id;
  }

  test('CPU burner limited to 0.5 CPU: usage matches the stats API, throttled, ~100 % of its limit', async () => {
    const id = await start({ flags: ['--cpus', '0.5'], script: 'while :; do :; done' });
    const info = await realContainerInfo(id);
    const { sampler } = newSampler(true);
    await dockerStats(id); // dockerd's first stats call for a container is slow; warm it up
    await sleep(1500);
    const startStats = await dockerStats(id);
    sampler.gather([info]);
    await sleep(2000);
    const beforeAt = nowMs();
    const beforeSamples = sampler.gather([info]);
    const before = rowOf(beforeSamples, id, 'docker_container_cpu', { cpu: 'cpu-total' }).fields;
    const answer = await dockerStats(id);
    const afterAt = nowMs();
    const afterRow = rowOf(sampler.gather([info]), id, 'docker_container_cpu', { cpu: 'cpu-total' }).fields;
    const stats = answer.cpu_stats;

    // Docker read its counters between our two reads.
    const dockerUsage = BigInt(stats.cpu_usage.total_usage);
    assert.ok((before.usage_total as bigint) <= dockerUsage && dockerUsage <= (afterRow.usage_total as bigint), `${before.usage_total} ≤ ${dockerUsage} ≤ ${afterRow.usage_total}`);
    // Our usage at the instant Docker read (its `read` time), interpolated between our two reads.
    const readAt = readTimeMs(answer.read);
    const fraction = Math.min(1, Math.max(0, (readAt - beforeAt) / (afterAt - beforeAt)));
    const ours = Number(before.usage_total) + fraction * Number((afterRow.usage_total as bigint) - (before.usage_total as bigint));
    assert.ok(relative(ours, stats.cpu_usage.total_usage) < 0.02, `usage ${ours} (between ${before.usage_total} and ${afterRow.usage_total}) vs stats API ${stats.cpu_usage.total_usage}`);
    // Same host CPU sum as Docker's system_cpu_usage (user…softirq), read around Docker's read.
    const system = BigInt(stats.system_cpu_usage);
    assert.ok((before.usage_system as bigint) <= system && system <= (afterRow.usage_system as bigint), `${before.usage_system} ≤ ${system} ≤ ${afterRow.usage_system}`);
    assert.equal(before.online_cpus, BigInt(stats.online_cpus));
    const throttled = BigInt(stats.throttling_data.throttled_periods);
    assert.ok((before.throttling_throttled_periods as bigint) <= throttled && throttled <= (afterRow.throttling_throttled_periods as bigint));
    assert.ok((before.throttling_throttled_periods as bigint) > 5n, `throttled periods ${before.throttling_throttled_periods}`);

    // per_cpu: one row per CPU of cpuacct.usage_percpu, as many as Docker's percpu_usage, summing to the total.
    const perCpu = beforeSamples[1].rows.filter((r) => r.tags?.cpu !== 'cpu-total' && r.measurement === 'docker_container_cpu');
    assert.deepEqual(perCpu.map((r) => r.tags?.cpu), stats.cpu_usage.percpu_usage?.map((_, i) => `cpu${i}`));
    const perCpuSum = perCpu.reduce((sum, r) => sum + (r.fields.usage_total as bigint), 0n);
    assert.ok(relative(Number(perCpuSum), Number(before.usage_total)) < 0.001, `Σ per-CPU ${perCpuSum} vs total ${before.usage_total}`);

    assert.equal(before.limit_cpus, 0.5);
    // Over the 2 s gap the burner gets its half CPU (less when the test machine is overloaded):
    // compare with the same ratios computed from Docker's two readings around the same gap.
    const ofLimit = before.usage_percent_of_limit as number;
    const percent = before.usage_percent as number;
    const dockerUsed = stats.cpu_usage.total_usage - startStats.cpu_stats.cpu_usage.total_usage;
    const dockerWallNs = (readTimeMs(answer.read) - readTimeMs(startStats.read)) * 1e6;
    const dockerOfLimit = (dockerUsed / (dockerWallNs * 0.5)) * 100;
    const dockerPercent = (dockerUsed / (stats.system_cpu_usage - startStats.cpu_stats.system_cpu_usage)) * stats.online_cpus * 100;
    assert.ok(Math.abs(ofLimit - dockerOfLimit) < 5, `usage_percent_of_limit ${ofLimit} vs ${dockerOfLimit} from the stats API`);
    assert.ok(Math.abs(percent - dockerPercent) < 2.5, `usage_percent ${percent} vs ${dockerPercent} from the stats API`);
    // A throttled 0.5-CPU quota cannot run above its limit.
    assert.ok(ofLimit > 25 && ofLimit < 105, `usage_percent_of_limit ${ofLimit}`);
    assert.ok(Math.abs(percent - ofLimit / 2) < 2.5, `usage_percent ${percent} is half of usage_percent_of_limit ${ofLimit} (limit 0.5 CPU)`);
  });

  test('CPU pressure of the throttled burner is visible through the hybrid unified hierarchy', async () => {
    const id = await start({ flags: ['--cpus', '0.2'], script: 'while :; do :; done' });
    const info = await realContainerInfo(id);
    assert.ok(info.cgroup?.dirs.unified, 'this host mounts the unified hierarchy next to v1');
    const { sampler } = newSampler();
    await sleep(1500);
    const psi = rowOf(sampler.gather([info]), id, 'docker_container_psi', { resource: 'cpu' }).fields;
    assert.ok((psi.some_total as bigint) > 0n, `cpu some_total ${psi.some_total}`);
    assert.equal(typeof psi.some_avg10, 'number');
  });

  test('memory allocator: usage matches docker CLI (usage − total_inactive_file), page faults grow, limit and percentage', async () => {
    const id = await start({ flags: ['--memory', '256m'] });
    const info = await realContainerInfo(id);
    const { sampler } = newSampler();
    const idle = rowOf(sampler.gather([info]), id, 'docker_container_mem').fields;
    // A shell variable of 64 MiB: anonymous memory the shell keeps until it exits.
    await docker('exec', '-d', id, 'sh', '-c', 'x=$(head -c 64m /dev/zero | tr "\\0" a); touch /tmp/allocated; sleep 600; echo "$x"');
    await waitFor('the allocation to finish', 20_000, () => docker('exec', id, 'sh', '-c', 'test -f /tmp/allocated && echo yes').catch(() => undefined).then((out) => out === 'yes' || undefined));
    // …and the shell to settle (it frees the buffers it read the output into).
    let previous = -1n;
    const busy = await waitFor('memory usage to settle', 20_000, async () => {
      await sleep(250);
      const fields = rowOf(sampler.gather([info]), id, 'docker_container_mem').fields;
      const settled = fields.usage === previous;
      previous = fields.usage as bigint;
      return settled ? fields : undefined;
    });
    const before = rowOf(sampler.gather([info]), id, 'docker_container_mem').fields;
    const stats = (await dockerStats(id)).memory_stats;
    const afterRow = rowOf(sampler.gather([info]), id, 'docker_container_mem').fields;

    const cli = stats.usage - stats.stats.total_inactive_file;
    assert.ok(relative(Number(before.usage), cli) < 0.02, `usage ${before.usage} vs docker CLI ${cli}`);
    assert.ok(relative(Number(afterRow.usage), cli) < 0.02, `usage ${afterRow.usage} vs docker CLI ${cli}`);
    assert.equal(before.working_set, before.usage);
    assert.ok(Number(before.usage) >= 64 * MIB, `usage ${before.usage}`);
    assert.equal(before.limit, 268435456n);
    assert.equal(stats.limit, 268435456);
    const percent = before.usage_percent as number;
    assert.ok(Math.abs(percent - (cli / stats.limit) * 100) < 0.02 * percent, `usage_percent ${percent}`);
    // Touching 64 MiB of fresh 4 KiB pages faults at least 16,384 times (THP is madvise-only here).
    const faults = (busy.pgfault as bigint) - (idle.pgfault as bigint);
    assert.ok(faults >= 16384n, `pgfault grew by ${faults}`);
    const dockerFaults = BigInt(stats.stats.total_pgfault);
    assert.ok((before.pgfault as bigint) <= dockerFaults && dockerFaults <= (afterRow.pgfault as bigint), `${before.pgfault} ≤ ${dockerFaults} ≤ ${afterRow.pgfault}`);
    assert.equal(before.max_usage !== undefined && (before.max_usage as bigint) >= (before.usage as bigint), true);
  });

  test('pids: current equals the processes started, the limit is --pids-limit', async () => {
    const id = await start({ flags: ['--pids-limit', '50'], script: 'sleep 600 & sleep 600 & sleep 600 & wait' });
    const info = await realContainerInfo(id);
    const { sampler } = newSampler();
    // sh + 3 sleeps
    const fields = await waitFor('4 processes', 10_000, () => {
      const f = rowOf(sampler.gather([info]), id, 'docker_container_pids').fields;
      return f.current === 4n ? f : undefined;
    });
    assert.deepEqual(fields, { current: 4n, limit: 50n });
    const stats = await dockerStats(id);
    assert.equal(stats.pids_stats.current, 4);
    const unlimited = await start({});
    const unlimitedInfo = await realContainerInfo(unlimited);
    assert.deepEqual(rowOf(sampler.gather([unlimitedInfo]), unlimited, 'docker_container_pids').fields, { current: 1n });
  });

  test('status and health rows from the real container', async () => {
    const id = await start({ flags: ['--health-cmd', 'true', '--health-interval', '1s', '--health-start-period', '0s'] });
    const info = await waitFor('healthy', 20_000, async () => {
      const i = await realContainerInfo(id);
      return i.health === 'healthy' ? i : undefined;
    });
    const { sampler } = newSampler();
    const samples = sampler.gather([info]);
    const status = rowOf(samples, id, 'docker_container_status').fields;
    const startedAt = Date.parse(await docker('inspect', '-f', '{{.State.StartedAt}}', id));
    assert.equal(status.started_at, BigInt(startedAt) * 1_000_000n);
    assert.equal(status.pid, BigInt(info.pid));
    assert.equal(status.oomkilled, false);
    const uptimeMs = Number(status.uptime_ns as bigint) / 1e6;
    assert.ok(Math.abs(uptimeMs - (Date.now() - startedAt)) < 1000, `uptime ${uptimeMs} ms`);
    assert.deepEqual(rowOf(samples, id, 'docker_container_health').fields, { health_status: 'healthy', failing_streak: 0n });
  });

  test('an OOM kill inside a running container: oom_kill and oom_events count it, fail_count grows', async () => {
    // The subshell is killed by the OOM killer; the container's shell survives.
    const id = await start({ flags: ['--memory', '16m'], script: '(x=$(head -c 64m /dev/zero | tr "\\0" a)); touch /tmp/done; sleep 600' });
    const info = await realContainerInfo(id);
    const { sampler } = newSampler();
    await waitFor('the allocation to be killed', 20_000, () => docker('exec', id, 'test', '-f', '/tmp/done').then(() => true, () => undefined));
    const fields = rowOf(sampler.gather([info]), id, 'docker_container_mem').fields;
    assert.equal(fields.limit, 16n * 1024n * 1024n);
    assert.ok((fields.oom_kill as bigint) >= 1n, `oom_kill ${fields.oom_kill}`);
    assert.equal(fields.oom_events, fields.oom_kill);
    assert.ok((fields.fail_count as bigint) > 0n, `fail_count ${fields.fail_count}`);
    assert.ok((fields.max_usage as bigint) >= 15n * 1024n * 1024n, `max_usage ${fields.max_usage}`);
  });

  test('an exited container: status with exit code, finished_at and its lifetime as uptime, nothing else', async () => {
    const id = await start({ script: 'sleep 1; exit 3' });
    await waitFor('the container to exit', 20_000, async () => (await docker('inspect', '-f', '{{.State.Status}}', id)) === 'exited' || undefined);
    const [inspect] = JSON.parse(await docker('inspect', id));
    const info = await realContainerInfo(id).catch(() => undefined);
    assert.equal(info, undefined, 'an exited container has no cgroup to resolve');
    const { containerInfoFromInspect } = await import('../../src/discovery/inspect-mapper.js');
    const exited = containerInfoFromInspect(inspect);
    const { sampler } = newSampler();
    const samples = sampler.gather([exited]);
    assert.deepEqual(samples.find((s) => s.container?.id === id)?.rows.map((r) => r.measurement), ['docker_container_status']);
    const status = rowOf(samples, id, 'docker_container_status').fields;
    const started = Date.parse(inspect.State.StartedAt);
    const finished = Date.parse(inspect.State.FinishedAt);
    assert.deepEqual(status, {
      oomkilled: false, state: 'exited', pid: 0n, exitcode: 3n, restart_count: 0n,
      started_at: BigInt(started) * 1_000_000n, finished_at: BigInt(finished) * 1_000_000n, uptime_ns: BigInt(finished - started) * 1_000_000n,
    });
    // Docker stamps StartedAt once the process runs, so `sleep 1` can show 999 ms.
    assert.ok(finished - started >= 900, `lived ${finished - started} ms`);
  });

  test('a container removed between two ticks is dropped whole, counted, and its descriptors closed', async () => {
    const id = await start({});
    const info = await realContainerInfo(id);
    const keep = await start({});
    const keepInfo = await realContainerInfo(keep);
    const errors = new ReadErrors();
    const files = new KeptFiles(errors);
    const sampler = new Sampler(defaultConfig('test-host'), files, errors);
    assert.equal(sampler.gather([info, keepInfo]).filter((s) => s.container).length, 2);
    await removeContainer(id);
    // Discovery has not noticed yet: the stale ContainerInfo is still in the list.
    const samples = sampler.gather([info, keepInfo]);
    assert.deepEqual(samples.filter((s) => s.container).map((s) => s.container!.id), [keep]);
    assert.equal(sampler.droppedVanished, 1);
    const openWithKeep = files.openCount;
    sampler.gather([keepInfo]);
    assert.equal(files.openCount, openWithKeep);
    sampler.close();
    assert.equal(files.openCount, 0);
  });
});
