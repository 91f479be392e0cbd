import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/schema.js';
import { runContainersCommand } from '../../src/discovery/containers-command.js';
import { removeTestContainers, startContainer, uniqueName } from '../support/docker.js';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';

before(async () => {
  await requireDocker();
});

after(async () => {
  await removeTestContainers();
});

test('`cgflux containers` lists a running container with its cgroup dirs, exit code 0', async () => {
  const name = uniqueName('cmd');
  const id = await startContainer({
    name,
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  });
  const config = defaultConfig('test-host');
  config.docker.socket = DOCKER_SOCKET;
  config.docker.include.names = [name];
  let out = '';
  let err = '';
  const code = await runContainersCommand(config, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  assert.equal(code, 0);
  assert.equal(err, '');
  const lines = out.split('\n');
  assert.match(lines[0], /^NAME\s+ID\s+IMAGE\s+STATE\s+PID\s+COMPOSE\s+CGROUP$/);
  const row = lines[1].split(/\s{2,}/);
  assert.deepEqual(row.slice(1), [id.slice(0, 12), 'cgflux-test/busybox:latest', 'running', row[4], 'shop/web', 'v1 cgroupfs']);
  assert.ok(Number(row[4]) > 1, `pid ${row[4]}`);
  assert.ok(name.startsWith(row[0].replace(/…$/, '')), `name column ${row[0]}`);
  assert.ok(lines.includes(`    memory   /sys/fs/cgroup/memory/docker/${id}`), out);
  assert.ok(lines.includes(`    unified  /sys/fs/cgroup/unified/docker/${id}`), out);
  assert.equal(lines.filter((l) => l.startsWith('    ')).length, 7, 'cpu cpuacct cpuset memory blkio pids unified');
  for (const line of lines) assert.ok(line.length <= 120, `${line.length} columns`);
  console.log(out);
});
