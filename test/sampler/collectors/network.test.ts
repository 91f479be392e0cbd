import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetworkCollector } from '../../../src/sampler/collectors/network.js';
import { FIXTURES, V1_ID, V2_ID, container, harness, view } from './fixture-context.js';

const V1 = join(FIXTURES, 'cgroup-v1');
const V2 = join(FIXTURES, 'cgroup-v2');
const M = 'docker_container_net';

function f(rb: bigint, rp: bigint, re: bigint, rd: bigint, tb: bigint, tp: bigint, te: bigint, td: bigint) {
  return { rx_bytes: rb, rx_packets: rp, rx_errors: re, rx_dropped: rd, tx_bytes: tb, tx_packets: tp, tx_errors: te, tx_dropped: td };
}
const LO = f(5000n, 50n, 0n, 0n, 5000n, 50n, 0n, 0n);
const ETH0 = f(123456789012n, 900000n, 1n, 2n, 98765432n, 700000n, 4n, 5n);
const ETH1 = f(100n, 1n, 0n, 0n, 200n, 2n, 0n, 1n);

function v1(pid = 4100) {
  return harness({
    container: container(V1_ID, pid),
    cgroup: { version: 1, driver: 'cgroupfs', dirs: {} },
    procRoot: `${V1}/proc`, sysRoot: `${V1}/sys`,
  });
}

test('v1: interfaces without lo, and a total of those', () => {
  const h = v1();
  const rows = h.collect(createNetworkCollector({ include_loopback: false }));
  assert.ok(rows.every((r) => r.measurement === M));
  assert.deepEqual(view(rows), [
    [{ network: 'eth0' }, ETH0],
    [{ network: 'eth1' }, ETH1],
    [{ network: 'total' }, f(123456789112n, 900001n, 1n, 2n, 98765632n, 700002n, 4n, 6n)],
  ]);
  assert.equal(h.errors.total(), 0);
});

test('v2 (systemd or cgroupfs does not matter: net/dev is per pid): include_loopback adds lo, to the total too', () => {
  const h = harness({
    container: container(V2_ID, 5100),
    cgroup: { version: 2, driver: 'systemd', dirs: { unified: `${V2}/sys/fs/cgroup/system.slice/docker-${V2_ID}.scope` } },
    procRoot: `${V2}/proc`, sysRoot: `${V2}/sys`,
  });
  assert.deepEqual(view(h.collect(createNetworkCollector({ include_loopback: true }))), [
    [{ network: 'lo' }, LO],
    [{ network: 'eth0' }, ETH0],
    [{ network: 'eth1' }, ETH1],
    [{ network: 'total' }, f(123456794112n, 900051n, 1n, 2n, 98770632n, 700052n, 4n, 6n)],
  ]);
});

test('descriptors are kept between ticks in KeptFiles, owned by the container (released by the sampler)', () => {
  const collector = createNetworkCollector({ include_loopback: false });
  const h = v1();
  h.collect(collector);
  h.collect(collector);
  assert.equal(h.files.openCount, 2); // /proc/<pid>/stat (liveness: no oom_score_adj in the fixture) and /proc/<pid>/net/dev
  h.files.release(V1_ID);
  assert.equal(h.files.openCount, 0);
});

test('pid gone (no /proc/<pid>) or pid 0: no rows, counted', () => {
  const collector = createNetworkCollector({ include_loopback: false });
  const gone = v1(4999);
  assert.deepEqual(gone.collect(collector), []);
  const zero = v1(0);
  assert.deepEqual(zero.collect(collector), []);
  assert.deepEqual(gone.errors.entries(), [['network', 'missing', 1]]);
  assert.deepEqual(zero.errors.entries(), [['network', 'pid_gone', 1]]);
});

test('liveness is read on /proc/<pid>/oom_score_adj when the proc tree has it (the cheapest /proc/<pid> file)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-net-'));
  try {
    mkdirSync(join(root, '4100', 'net'), { recursive: true });
    copyFileSync(join(V1, 'proc', '4100', 'net', 'dev'), join(root, '4100', 'net', 'dev'));
    writeFileSync(join(root, '4100', 'oom_score_adj'), '0\n');
    const h = harness({ container: container(V1_ID, 4100), cgroup: { version: 1, driver: 'cgroupfs', dirs: {} }, procRoot: root, sysRoot: `${V1}/sys` });
    const collector = createNetworkCollector({ include_loopback: false });
    assert.equal(h.collect(collector).length, 3);
    assert.equal(h.collect(collector).length, 3);
    assert.equal(h.files.openCount, 2);
    assert.equal(h.errors.total(), 0); // no /proc/4100/stat here: it was never tried
    // the liveness file is gone (as when the process exits): no rows, counted
    rmSync(join(root, '4100', 'oom_score_adj'));
    h.files.release(V1_ID);
    assert.deepEqual(h.collect(collector), []);
    assert.deepEqual(h.errors.entries(), [['network', 'missing', 1]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a net/dev that reads the same gives the same frozen rows; new counters, new rows; an exited process none', () => {
  const root = mkdtempSync(join(tmpdir(), 'cgflux-net-'));
  try {
    mkdirSync(join(root, '4100', 'net'), { recursive: true });
    const dev = join(root, '4100', 'net', 'dev');
    copyFileSync(join(V1, 'proc', '4100', 'net', 'dev'), dev);
    writeFileSync(join(root, '4100', 'oom_score_adj'), '0\n');
    const h = harness({ container: container(V1_ID, 4100), cgroup: { version: 1, driver: 'cgroupfs', dirs: {} }, procRoot: root, sysRoot: `${V1}/sys` });
    const collector = createNetworkCollector({ include_loopback: false });
    const first = h.collect(collector);
    const second = h.collect(collector);
    assert.equal(second.length, 3);
    second.forEach((r, i) => assert.equal(r, first[i], `row ${i} reused`));
    assert.ok(second.every((r) => Object.isFrozen(r)));
    const text = readFileSync(dev, 'latin1');
    writeFileSync(dev, text.replace('123456789012', '123456789999'));
    const third = h.collect(collector);
    assert.notEqual(third[0], first[0]);
    assert.equal(third[0].fields.rx_bytes, 123456789999n);
    rmSync(join(root, '4100', 'oom_score_adj'));
    h.files.release(V1_ID);
    assert.deepEqual(h.collect(collector), [], 'liveness is still read first: a cached text is no proof of life');
    assert.equal(h.errors.total(), 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
