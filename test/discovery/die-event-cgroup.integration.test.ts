// Why cgflux takes no last sample when a container dies (docs/metrics.md, docker_container_status):
// by the time dockerd's `die` event reaches discovery, the container's cgroup directory is already
// removed, so its final counters cannot be read. If Docker ever changes that, this test fails and
// a last sample on `die` becomes possible.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { defaultConfig } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import { KnownContainers } from '../../src/discovery/known-containers.js';
import { removeTestContainers, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';

const RUN_LABEL = 'io.cgflux.test.run';
const run = uniqueName('die');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const COUNT = 5;

before(requireDocker);
after(removeTestContainers);

test('when the die event arrives, the container cgroup directories are already gone', async () => {
  const config = defaultConfig('test-host');
  config.docker.socket = DOCKER_SOCKET;
  config.docker.include.labels = [`${RUN_LABEL}=${run}`];
  const registry = new KnownContainers(config, { log: quiet });
  const dirsOf = new Map<string, string[]>();
  const atDie: { id: string; present: string[] }[] = [];
  registry.on('added', (c) => dirsOf.set(c.id, Object.values(c.cgroup?.dirs ?? {})));
  registry.on('event', (e) => {
    if (e.action === 'die') atDie.push({ id: e.id, present: (dirsOf.get(e.id) ?? []).filter((d) => existsSync(d)) });
  });
  try {
    await registry.start();
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) ids.push(await startContainer({ labels: { [RUN_LABEL]: run }, script: 'sleep 2' }));
    await waitFor(`${COUNT} die events`, 60_000, () => atDie.length >= COUNT);
    for (const id of ids) assert.ok((dirsOf.get(id) ?? []).length > 0, `no cgroup dirs were resolved for ${id.slice(0, 12)} while it ran`);
    assert.deepEqual(atDie.filter((d) => d.present.length > 0), [], 'cgroup directories still present at die: a last sample could be taken');
  } finally {
    await registry.stop();
  }
});
