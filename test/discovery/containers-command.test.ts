import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatContainersTable } from '../../src/discovery/containers-command.js';
import type { ContainerInfo } from '../../src/model.js';

const ID = '3f1c2a9be0d84c5b9a7e6f5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2910';

const web: ContainerInfo = {
  id: ID,
  name: 'shop-web-1',
  image: 'localhost:5000/shop/web',
  imageTag: '2.1',
  labels: {},
  composeProject: 'shop',
  composeService: 'web',
  state: 'running',
  pid: 4242,
  restartCount: 0,
  oomKilled: false,
  exitCode: 0,
  cgroup: {
    version: 2,
    driver: 'systemd',
    dirs: { unified: `/sys/fs/cgroup/system.slice/docker-${ID}.scope` },
  },
};

const stopped: ContainerInfo = {
  ...web,
  id: 'a'.repeat(64),
  name: 'a-very-long-container-name-that-goes-on-and-on',
  composeProject: undefined,
  composeService: undefined,
  state: 'exited',
  pid: 0,
  cgroup: undefined,
};

test('one row per container, cgroup dirs on indented lines, fits 120 columns', () => {
  const text = formatContainersTable([web, stopped]);
  assert.equal(
    text,
    [
      'NAME                          ID            IMAGE                        STATE    PID   COMPOSE   CGROUP',
      'shop-web-1                    3f1c2a9be0d8  localhost:5000/shop/web:2.1  running  4242  shop/web  v2 systemd',
      `    unified  /sys/fs/cgroup/system.slice/docker-${ID}.scope`,
      'a-very-long-container-name-…  aaaaaaaaaaaa  localhost:5000/shop/web:2.1  exited   -     -         unresolved',
      '',
    ].join('\n'),
  );
  for (const line of text.split('\n')) assert.ok(line.length <= 120, `${line.length} columns: ${line}`);
});

test('v1 dirs are listed per controller in a fixed order', () => {
  const v1: ContainerInfo = {
    ...web,
    cgroup: { version: 1, driver: 'cgroupfs', dirs: { memory: '/m', cpu: '/c', cpuacct: '/a', unified: '/u' } },
  };
  const lines = formatContainersTable([v1]).split('\n');
  assert.deepEqual(lines.slice(2, 6), ['    cpu      /c', '    cpuacct  /a', '    memory   /m', '    unified  /u']);
});

test('no containers says so', () => {
  assert.equal(formatContainersTable([]).split('\n')[1], '(no containers matched)');
});
