import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerInfoFromEvent, containerInfoFromInspect, parseDockerTime } from '../../src/discovery/inspect-mapper.js';

const ID = 'c'.repeat(64);

test('maps a running compose container with a healthcheck', () => {
  const info = containerInfoFromInspect({
    Id: ID,
    Name: '/shop-web-1',
    Image: 'sha256:' + 'f'.repeat(64),
    Config: {
      Image: 'localhost:5000/shop/web:2.1',
      Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', team: 'pay' },
    },
    RestartCount: 3,
    State: {
      Status: 'running',
      Pid: 4242,
      ExitCode: 0,
      OOMKilled: false,
      StartedAt: '2026-11-22T04:44:35.193877608Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'unhealthy', FailingStreak: 4 },
    },
  });
  assert.deepEqual(info, {
    id: ID,
    name: 'shop-web-1',
    image: 'localhost:5000/shop/web',
    imageTag: '2.1',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', team: 'pay' },
    composeProject: 'shop',
    composeService: 'web',
    state: 'running',
    pid: 4242,
    restartCount: 3,
    oomKilled: false,
    exitCode: 0,
    startedAt: Date.parse('2026-11-22T04:44:35.193Z'),
    health: 'unhealthy',
    failingStreak: 4,
  });
});

test('an exited OOM-killed container without labels, health or name', () => {
  const info = containerInfoFromInspect({
    Id: ID,
    Config: { Image: 'redis', Labels: null },
    State: { Status: 'exited', Pid: 0, ExitCode: 137, OOMKilled: true, StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '2026-01-01T00:00:05Z' },
  });
  assert.equal(info.name, ID.slice(0, 12));
  assert.equal(info.imageTag, 'unknown');
  assert.deepEqual(info.labels, {});
  assert.equal(info.composeProject, undefined);
  assert.equal(info.health, undefined);
  assert.equal(info.oomKilled, true);
  assert.equal(info.exitCode, 137);
  assert.equal(info.finishedAt! - info.startedAt!, 5000);
});

test('docker times', () => {
  assert.equal(parseDockerTime('0001-01-01T00:00:00Z'), undefined);
  assert.equal(parseDockerTime(''), undefined);
  assert.equal(parseDockerTime('garbage'), undefined);
  assert.equal(parseDockerTime('1970-01-01T00:00:01.5Z'), 1500);
});

test('a die event alone tags a container never inspected: name, image, tag and compose labels', () => {
  const labels = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'worker', team: 'pay' };
  const info = containerInfoFromEvent({ id: 'e'.repeat(64), name: 'shop-worker-1', image: 'ghcr.io/org/app:1.2', labels, exitCode: 137 });
  assert.deepEqual(info, {
    id: 'e'.repeat(64),
    name: 'shop-worker-1',
    image: 'ghcr.io/org/app',
    imageTag: '1.2',
    labels,
    composeProject: 'shop',
    composeService: 'worker',
    state: 'exited',
    pid: 0,
    restartCount: 0,
    oomKilled: false,
    exitCode: 137,
  });
  assert.notEqual(info.labels, labels, 'its own copy of the labels');
  assert.equal(containerInfoFromEvent({ id: 'f'.repeat(64), name: '', image: '', labels: {} }).name, 'ffffffffffff');
});
