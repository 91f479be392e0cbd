// The registry on the real dockerd under disruption: the events connection cut (through a unix
// socket relay this test controls) while a container lives and dies, pids that vanish, the
// periodic re-list, and a stop() that leaves nothing behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import { KnownContainers, type LifecycleEvent } from '../../src/discovery/known-containers.js';
import { docker, removeTestContainers, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';

const RUN_LABEL = 'io.cgflux.test.run';
const run = uniqueName('res');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'cgflux-res-'));

function configFor(tweak: (c: Config) => void = () => {}): Config {
  const config = defaultConfig('test-host');
  config.docker.socket = DOCKER_SOCKET;
  config.docker.include.labels = [`${RUN_LABEL}=${run}`];
  tweak(config);
  return config;
}

/** A unix socket that relays to dockerd until cut, like a socket that goes away and comes back. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly path: string) {}

  open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(DOCKER_SOCKET);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, resolve));
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

before(async () => {
  await requireDocker();
});

after(async () => {
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

test('events of a container that lived and died while the connection was cut are replayed (since)', async () => {
  const relay = new Relay(join(dir, 'relay.sock'));
  await relay.open();
  const config = configFor((c) => {
    c.docker.socket = relay.path;
    c.docker.relist_interval_ms = 600_000;
  });
  const registry = new KnownContainers(config, { log: quiet, backoff: { initialMs: 50, maxMs: 400 } });
  const events: LifecycleEvent[] = [];
  registry.on('event', (e) => events.push(e));
  try {
    await registry.start();
    const steady = await startContainer({ name: uniqueName('steady'), labels: { [RUN_LABEL]: run } });
    await waitFor('steady container', 5000, () => registry.get(steady));

    await relay.cut();
    await waitFor('disconnect noticed', 5000, () => registry.stats().connected === false);
    const blink = await startContainer({ name: uniqueName('gap'), labels: { [RUN_LABEL]: run }, script: 'exit 5' });
    await waitFor('gap container exited', 5000, async () => (await docker('inspect', '-f', '{{.State.Status}}', blink)) === 'exited');
    await sleep(300); // several failed reconnects
    await relay.open();

    const die = await waitFor('die event of the gap container', 10_000, () => events.find((e) => e.id === blink && e.action === 'die'));
    assert.equal(die.exitCode, 5);
    assert.ok(events.some((e) => e.id === blink && e.action === 'start'), 'its start event too');
    assert.equal(events.filter((e) => e.id === steady && e.action === 'start').length, 1, 'events seen before the cut are not repeated');
    assert.ok(registry.stats().reconnects >= 1);
    assert.ok(registry.get(steady), 'the steady container is still there');
    assert.equal(registry.get(blink), undefined);
  } finally {
    await registry.stop();
    await relay.cut();
  }
});

test('dockerd unreachable at start: the registry lists as soon as it can connect', async () => {
  const relay = new Relay(join(dir, 'late.sock'));
  const config = configFor((c) => {
    c.docker.socket = relay.path;
    c.docker.relist_interval_ms = 600_000;
  });
  const registry = new KnownContainers(config, { log: quiet, backoff: { initialMs: 50, maxMs: 200 } });
  try {
    await registry.start(); // resolves after the first failed attempt
    assert.equal(registry.stats().connected, false);
    const id = await startContainer({ name: uniqueName('early'), labels: { [RUN_LABEL]: run } });
    await relay.open();
    await waitFor('container listed after the first connection', 5000, () => registry.get(id));
    assert.equal(registry.stats().connected, true);
  } finally {
    await registry.stop();
    await relay.cut();
  }
});

test('a container whose pid cannot be read is skipped and counted, never added', async () => {
  const emptyProc = mkdtempSync(join(dir, 'proc-'));
  const config = configFor((c) => (c.host.proc_root = emptyProc));
  const registry = new KnownContainers(config, { log: quiet });
  try {
    await registry.start();
    const id = await startContainer({ name: uniqueName('vanish'), labels: { [RUN_LABEL]: run } });
    await waitFor('skip counted', 5000, () => registry.stats().skippedVanished >= 1);
    assert.equal(registry.get(id), undefined);
    assert.deepEqual(registry.containers(), []);
    assert.equal(registry.stats().errors, 0);
  } finally {
    await registry.stop();
  }
});

test('the periodic re-list runs every relist_interval_ms', async () => {
  const registry = new KnownContainers(configFor((c) => (c.docker.relist_interval_ms = 200)), { log: quiet });
  try {
    await registry.start();
    const first = registry.stats().listCalls;
    await sleep(1100);
    const lists = registry.stats().listCalls - first;
    assert.ok(lists >= 4 && lists <= 6, `${lists} re-lists in 1.1 s at 200 ms`);
  } finally {
    await registry.stop();
  }
});

test('stop() leaves no handle that would keep the process alive', async () => {
  await sleep(200); // let the sockets of the registries stopped above finish closing
  const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
  const baseline = handles();
  const registry = new KnownContainers(configFor(), { log: quiet });
  try {
    await registry.start();
    const id = await startContainer({ name: uniqueName('handles'), labels: { [RUN_LABEL]: run } });
    await waitFor('container', 5000, () => registry.get(id));
    assert.ok(handles().length > baseline.length, 'the events stream holds a handle while running');
  } finally {
    await registry.stop();
  }
  await sleep(100);
  assert.deepEqual(handles(), baseline);
});
