// dockerd restarted under a running registry: the events stream reconnects with backoff, the
// registry reconciles by re-listing and keeps following, without being recreated. Uses a private
// dockerd (test/discovery/private-dockerd.ts): the shared one serves other tests concurrently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import { KnownContainers, type LifecycleEvent } from '../../src/discovery/known-containers.js';
import { waitFor } from '../support/docker.js';
import { requireDocker, TEST_IMAGE } from '../support/services.js';
import { PrivateDockerd } from './private-dockerd.js';

const dockerd = new PrivateDockerd();
const logLines: string[] = [];
const capture: Logger = {
  debug() {},
  info: (m) => void logLines.push(`info ${m}`),
  warn: (m) => void logLines.push(`warn ${m}`),
  error: (m) => void logLines.push(`error ${m}`),
  child: () => capture,
};

before(async () => {
  await requireDocker();
  await dockerd.start();
  await dockerd.loadTestImage();
});

after(async () => {
  await dockerd.destroy();
});

// --stop-timeout 1: sh as pid 1 ignores SIGTERM, and a graceful dockerd stop would wait 10 s for it.
const runOn = (name: string) =>
  dockerd.docker('run', '-d', '--network', 'none', '--stop-timeout', '1', '--name', name, TEST_IMAGE, 'sh', '-c', 'sleep 600');

async function stateOf(id: string): Promise<{ running: boolean; pid: number }> {
  const [running, pid] = (await dockerd.docker('inspect', '-f', '{{.State.Running}} {{.State.Pid}}', id)).split(' ');
  return { running: running === 'true', pid: Number(pid) };
}

// SIGTERM: a graceful restart (`systemctl restart docker`); SIGKILL: dockerd crashes and comes back.
for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
test(`the registry survives dockerd stopped with ${signal} and restarted, and sees containers started after it`, async () => {
  logLines.length = 0;
  const config = defaultConfig('test-host');
  config.docker.socket = dockerd.host;
  config.docker.relist_interval_ms = 600_000;
  const registry = new KnownContainers(config, { log: capture, backoff: { initialMs: 100, maxMs: 2000 } });
  const events: LifecycleEvent[] = [];
  registry.on('event', (e) => events.push(e));
  try {
    await registry.start();
    const before = await runOn(`before-${signal}`);
    const first = await waitFor('container before the restart', 5000, () => registry.containers().find((c) => c.id === before));
    assert.equal(first.cgroup?.dirs.memory, `/sys/fs/cgroup/memory${dockerd.cgroupParent}/${before}`);
    assert.equal(first.cgroup?.driver, 'cgroupfs');
    assert.ok(existsSync(join(first.cgroup!.dirs.memory!, 'memory.usage_in_bytes')));
    assert.equal(registry.stats().reconnects, 0);

    const downAt = Date.now();
    await dockerd.stop(signal);
    await waitFor('registry to notice', 5000, () => registry.stats().connected === false);
    await new Promise((r) => setTimeout(r, 1500)); // down long enough for several failed reconnects
    await dockerd.start();

    await waitFor('reconnect', 15_000, () => registry.stats().reconnects >= 1);
    const reconnectMs = Date.now() - downAt;
    // After reconnecting, the re-list reconciles: the registry agrees with what dockerd now says.
    const now = await stateOf(before);
    console.log(`${signal}: reconnected ${reconnectMs} ms after dockerd went down; container from before: ${now.running ? 'running' : 'stopped'}`);
    await waitFor('reconciled container', 5000, () => {
      const c = registry.containers().find((x) => x.id === before);
      return now.running ? c?.pid === now.pid : c === undefined;
    });
    if (signal === 'SIGTERM') assert.equal(now.running, false, 'a graceful stop stops the containers');

    const after = await runOn(`after-${signal}`);
    const seen = await waitFor('container after the restart', 5000, () => registry.containers().find((c) => c.id === after));
    assert.equal(seen.name, `after-${signal}`);
    assert.ok(events.some((e) => e.id === after && e.action === 'start'), 'start event through the new stream');
    assert.equal(registry.stats().connected, true);

    // One line when it went down, at most one more when the reason changed, one when it came back.
    const warns = logLines.filter((l) => l.startsWith('warn'));
    assert.ok(warns.length >= 1 && warns.length <= 2, `warnings: ${JSON.stringify(warns)}`);
    assert.deepEqual(logLines.filter((l) => l.startsWith('info')), [`info connected to dockerd at ${dockerd.socket} again`]);
  } finally {
    await registry.stop();
  }
});
}
