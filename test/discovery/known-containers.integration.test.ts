// The registry against the real dockerd on /var/run/docker.sock. Other tests run containers on the
// same daemon at the same time, so every registry here only admits this run's containers (label).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import type { ContainerInfo } from '../../src/model.js';
import { KnownContainers, type LifecycleEvent } from '../../src/discovery/known-containers.js';
import { containerPid, docker, removeTestContainers, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { DOCKER_SOCKET, TEST_IMAGE, requireDocker } from '../support/services.js';

const RUN_LABEL = 'io.cgflux.test.run';
const run = uniqueName('reg');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function configFor(tweak: (c: Config) => void = () => {}): Config {
  const config = defaultConfig('test-host');
  config.docker.socket = DOCKER_SOCKET;
  config.docker.include.labels = [`${RUN_LABEL}=${run}`];
  tweak(config);
  return config;
}

async function withRegistry<T>(config: Config, body: (r: KnownContainers, events: LifecycleEvent[]) => Promise<T>): Promise<T> {
  const registry = new KnownContainers(config, { log: quiet });
  const events: LifecycleEvent[] = [];
  registry.on('event', (e) => events.push(e));
  try {
    await registry.start();
    return await body(registry, events);
  } finally {
    await registry.stop();
  }
}

const has = (r: KnownContainers, id: string): ContainerInfo | undefined => r.containers().find((c) => c.id === id);

before(async () => {
  await requireDocker();
});

after(async () => {
  await removeTestContainers();
});

describe('registry on the real dockerd', () => {
  test('a started container appears within 1 s with its cgroup dirs, and leaves within 1 s of stopping', async () => {
    await withRegistry(configFor(), async (registry) => {
      const name = uniqueName('appear');
      // Measured from when `docker run -d` returns, i.e. the container is running.
      const t0 = Date.now();
      const id = await startContainer({ name, labels: { [RUN_LABEL]: run } });
      const runningAt = Date.now();
      const info = await waitFor('container in the registry', 5000, () => has(registry, id));
      const appearMs = Date.now() - runningAt;
      assert.ok(appearMs < 1000, `appeared ${appearMs} ms after docker run returned`);

      assert.equal(info.name, name);
      assert.equal(info.image, 'cgflux-test/busybox');
      assert.equal(info.imageTag, 'latest');
      assert.equal(info.state, 'running');
      assert.equal(info.pid, await containerPid(id));
      assert.equal(info.restartCount, 0);
      assert.equal(info.oomKilled, false);
      assert.ok(info.startedAt! >= t0 - 1000 && info.startedAt! <= Date.now(), `startedAt ${info.startedAt}`);
      assert.equal(info.labels[RUN_LABEL], run);

      assert.equal(info.cgroup?.version, 1);
      assert.equal(info.cgroup?.driver, 'cgroupfs');
      assert.equal(info.cgroup?.dirs.memory, `/sys/fs/cgroup/memory/docker/${id}`);
      assert.ok(existsSync(join(info.cgroup!.dirs.memory!, 'memory.usage_in_bytes')));
      assert.ok(existsSync(join(info.cgroup!.dirs.cpuacct!, 'cpuacct.usage')));
      assert.ok(existsSync(join(info.cgroup!.dirs.cpu!, 'cpu.cfs_quota_us')));
      assert.ok(existsSync(join(info.cgroup!.dirs.pids!, 'pids.current')));
      assert.ok(existsSync(join(info.cgroup!.dirs.blkio!, 'blkio.throttle.io_service_bytes')));
      assert.ok(existsSync(join(info.cgroup!.dirs.unified!, 'cgroup.procs')));
      const procs = readFileSync(join(info.cgroup!.dirs.memory!, 'cgroup.procs'), 'utf8').split('\n');
      assert.ok(procs.includes(String(info.pid)), 'the container pid is in the resolved memory cgroup');

      const killedAt = Date.now();
      await docker('kill', id);
      await waitFor('container to leave the registry', 5000, () => !has(registry, id));
      const leaveMs = Date.now() - killedAt;
      assert.ok(leaveMs < 1000, `left ${leaveMs} ms after docker kill was issued`);
      assert.equal(registry.get(id), undefined);
      console.log(`appear ${appearMs} ms after docker run returned (${runningAt - t0} ms for docker run itself), leave ${leaveMs} ms after docker kill was issued`);
    });
  });

  test('a container that starts and exits between two re-lists is recorded through events', async () => {
    const config = configFor((c) => (c.docker.relist_interval_ms = 600_000));
    await withRegistry(config, async (registry, events) => {
      const statsBefore = registry.stats();
      const died: ContainerInfo[] = [];
      registry.on('died', (c) => died.push(c));
      const name = uniqueName('blink');
      const compose = { 'com.docker.compose.project': 'blinkproj', 'com.docker.compose.service': 'blinker' };
      const id = await startContainer({ name, labels: { [RUN_LABEL]: run, ...compose }, script: 'exit 7' });
      const die = await waitFor('die event', 5000, () => events.find((e) => e.id === id && e.action === 'die'));
      assert.equal(die.exitCode, 7);
      // It may have exited before any inspect saw it running: 'died' still tells enough to tag its rows.
      assert.equal(died.length, 1);
      assert.equal(died[0].id, id);
      assert.equal(died[0].name, name);
      assert.equal(`${died[0].image}:${died[0].imageTag}`, TEST_IMAGE);
      assert.equal(died[0].labels[RUN_LABEL], run);
      assert.equal(died[0].composeProject, 'blinkproj');
      assert.equal(died[0].composeService, 'blinker');
      const start = events.find((e) => e.id === id && e.action === 'start');
      assert.ok(start, 'start event recorded');
      assert.ok(start.time <= die.time && die.time - start.time < 5000, `start ${start.time} die ${die.time}`);
      assert.ok(Math.abs(die.time - Date.now()) < 5000, 'event time is ms since the epoch');
      await docker('rm', id);
      await waitFor('destroy event', 5000, () => events.find((e) => e.id === id && e.action === 'destroy'));
      assert.equal(registry.stats().listCalls, statsBefore.listCalls, 'no re-list happened in between');
      assert.equal(has(registry, id), undefined);
    });
  });

  test('with docker.states admitting stopped states, a stopped container stays to be sampled (status only), a running one keeps its cgroup', async () => {
    const config = configFor((c) => (c.docker.states = ['running', 'exited', 'created']));
    await withRegistry(config, async (registry) => {
      const quitter = await startContainer({ name: uniqueName('quit'), labels: { [RUN_LABEL]: run }, script: 'sleep 1; exit 4' });
      const stayer = await startContainer({ name: uniqueName('stay'), labels: { [RUN_LABEL]: run } });
      const created = await docker('create', '--network', 'none', '--label', `${RUN_LABEL}=${run}`, '--label', `io.cgflux.test=${process.pid}`, 'cgflux-test/busybox:latest', 'true');
      const exited = await waitFor('the exited container, still listed', 15_000, () => {
        const c = has(registry, quitter);
        return c?.state === 'exited' ? c : undefined;
      });
      assert.equal(exited.pid, 0);
      assert.equal(exited.cgroup, undefined);
      assert.equal(exited.exitCode, 4);
      const made = await waitFor('the created container', 15_000, () => has(registry, created));
      assert.equal(made.state, 'created');
      assert.ok(has(registry, stayer)?.cgroup, 'the running container has its cgroup dirs');

      // Through the sampler: status rows for the stopped ones, nothing counted as unreadable.
      const { Sampler } = await import('../../src/sampler/sampler.js');
      const { KeptFiles } = await import('../../src/sampler/kept-files.js');
      const { ReadErrors } = await import('../../src/errors/read-errors.js');
      const errors = new ReadErrors();
      const sampler = new Sampler(config, new KeptFiles(errors), errors);
      try {
        const samples = sampler.gather(registry.containers());
        const rowsOf = (id: string) => samples.find((x) => x.container?.id === id)?.rows ?? [];
        assert.deepEqual(rowsOf(quitter).map((r) => [r.measurement, r.fields.state, r.fields.exitcode]), [['docker_container_status', 'exited', 4n]]);
        assert.deepEqual(rowsOf(created).map((r) => [r.measurement, r.fields.state]), [['docker_container_status', 'created']]);
        assert.ok(rowsOf(stayer).some((r) => r.measurement === 'docker_container_cpu'));
        assert.equal(rowsOf(stayer).find((r) => r.measurement === 'docker_container_status')?.fields.state, 'running');
        assert.equal(errors.total(), 0, JSON.stringify(errors));
      } finally {
        sampler.close();
      }
    });
  });

  test('include/exclude by name and label; excluded containers and their events never show', async () => {
    const prefix = uniqueName('flt');
    const config = configFor((c) => {
      c.docker.include = { names: [`${prefix}-web-*`], labels: [`io.cgflux.test.team=pay*`] };
      c.docker.exclude = { names: ['*-debug'], labels: ['io.cgflux.test.skip'] };
    });
    await withRegistry(config, async (registry, events) => {
      const start = (suffix: string, labels: Record<string, string> = {}) =>
        startContainer({ name: `${prefix}-${suffix}`, labels: { [RUN_LABEL]: run, ...labels } });
      const web = await start('web-1');
      const payments = await start('api', { 'io.cgflux.test.team': 'payments' });
      const debug = await start('web-debug');
      const search = await start('search', { 'io.cgflux.test.team': 'search' });
      const skipped = await start('web-2', { 'io.cgflux.test.skip': '' });
      await waitFor('admitted containers', 5000, () => has(registry, web) && has(registry, payments));
      // A container started last that is admitted proves the excluded ones had time to be processed.
      const last = await start('web-3');
      await waitFor('last container', 5000, () => has(registry, last));
      const ids = registry.containers().map((c) => c.id).sort();
      assert.deepEqual(ids, [web, payments, last].sort());
      for (const excluded of [debug, search, skipped]) assert.ok(!events.some((e) => e.id === excluded), 'no events of excluded containers');
      assert.ok(events.some((e) => e.id === web && e.action === 'start'));
    });
  });

  test('compose project and service come from the compose labels', async () => {
    await withRegistry(configFor(), async (registry) => {
      const id = await startContainer({
        name: uniqueName('compose'),
        labels: { [RUN_LABEL]: run, 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      });
      const info = await waitFor('compose container', 5000, () => has(registry, id));
      assert.equal(info.composeProject, 'shop');
      assert.equal(info.composeService, 'web');
    });
  });

  test('containers already running before start are listed, and the cached array is reused until a change', async () => {
    const id = await startContainer({ name: uniqueName('pre'), labels: { [RUN_LABEL]: run } });
    await withRegistry(configFor(), async (registry) => {
      const first = registry.containers();
      assert.ok(first.some((c) => c.id === id), 'listed at start');
      assert.equal(registry.stats().listCalls, 1, 'one list at start');
      assert.equal(registry.containers(), first, 'same array while nothing changed');
      await docker('rm', '-f', id);
      await waitFor('removal', 5000, () => !has(registry, id));
      assert.notEqual(registry.containers(), first);
    });
  });

  test('`docker rename` and restart are followed', async () => {
    await withRegistry(configFor(), async (registry, events) => {
      const id = await startContainer({ name: uniqueName('ren'), labels: { [RUN_LABEL]: run } });
      const before = await waitFor('container', 5000, () => has(registry, id));
      const renamed = uniqueName('renamed');
      await docker('rename', id, renamed);
      await waitFor('new name', 5000, () => has(registry, id)?.name === renamed);
      await docker('restart', '-t', '0', id);
      const after = await waitFor('new pid', 5000, () => {
        const c = has(registry, id);
        return c && c.pid !== before.pid && c.state === 'running' ? c : undefined;
      });
      assert.equal(after.pid, await containerPid(id));
      assert.equal(after.cgroup?.dirs.memory, before.cgroup?.dirs.memory);
      assert.ok(events.some((e) => e.id === id && e.action === 'rename' && e.message?.includes('renamed from')));
      await waitFor('restart event', 5000, () => events.find((e) => e.id === id && e.action === 'restart'));
    });
  });

  test('health status and failing streak follow health_status events', async () => {
    await withRegistry(configFor(), async (registry, events) => {
      const id = await startContainer({
        name: uniqueName('health'),
        labels: { [RUN_LABEL]: run },
        flags: ['--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1', '--health-start-period', '0s'],
      });
      const initial = await waitFor('container', 5000, () => has(registry, id));
      assert.equal(initial.health, 'starting');
      const unhealthy = await waitFor('unhealthy', 10_000, () => (has(registry, id)?.health === 'unhealthy' ? has(registry, id) : undefined));
      assert.ok(unhealthy.failingStreak! >= 1, `failing streak ${unhealthy.failingStreak}`);
      const event = events.find((e) => e.id === id && e.action === 'health_status');
      assert.equal(event?.message, 'unhealthy');
      assert.ok(!events.some((e) => e.action.startsWith('exec')), 'healthcheck exec events are not reported');
    });
  });
});
