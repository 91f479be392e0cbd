// docker-compose.yml is valid for docker-compose v1 (and so the Compose spec v2 reads), mounts
// what cgflux needs read-only, keeps secrets in .env, and its cgflux config loads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);
const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');

async function composeConfig(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('docker-compose', [...extra, '-f', COMPOSE_FILE, 'config'], {
      cwd: REPO_ROOT,
      // No variables from the caller's environment may leak into the check.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('docker-compose is not installed: run `bash scripts/test-env.sh` (as root)');
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('docker-compose.yml', async () => {
  const resolved = await composeConfig('--env-file', '.env.example');
  const stack = resolved.code === 0 ? parse(resolved.stdout) : undefined;

  test('`docker-compose config` accepts it with the variables of .env.example', () => {
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.deepEqual(Object.keys(stack.services).sort(), ['cgflux', 'grafana', 'influxdb']);
  });

  test('without an .env it refuses to start, naming the missing secret and .env.example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-compose-'));
    writeFileSync(join(dir, 'empty.env'), '');
    const bare = await composeConfig('--env-file', join(dir, 'empty.env')).finally(() => rmSync(dir, { recursive: true, force: true }));
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /copy \.env\.example to \.env and set (INFLUXDB_ADMIN_PASSWORD|INFLUXDB_TOKEN|GRAFANA_ADMIN_PASSWORD)/);
  });

  test('every variable the compose file requires is defined in .env.example', () => {
    const required = new Set([...readFileSync(COMPOSE_FILE, 'utf8').matchAll(/\$\{(\w+):\?/g)].map((m) => m[1] as string));
    const example = new Set([...readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').matchAll(/^(\w+)=/gm)].map((m) => m[1] as string));
    assert.deepEqual([...required].sort(), ['GRAFANA_ADMIN_PASSWORD', 'INFLUXDB_ADMIN_PASSWORD', 'INFLUXDB_TOKEN']);
    for (const v of required) assert.ok(example.has(v), `${v} missing from .env.example`);
  });

  test('images are pinned: InfluxDB 2.7 (latest is InfluxDB 3) and an exact Grafana version', () => {
    assert.equal(stack.services.influxdb.image, 'influxdb:2.7');
    assert.match(stack.services.grafana.image, /^grafana\/grafana:11\.\d+\.\d+$/);
    assert.equal(stack.services.cgflux.build.args.NODE_IMAGE, 'node:20-bookworm-slim');
  });

  test('every service has a healthcheck, and the others wait for a healthy InfluxDB', () => {
    for (const [name, svc] of Object.entries<any>(stack.services)) {
      assert.ok(Array.isArray(svc.healthcheck?.test) && svc.healthcheck.test.length > 1, `${name} has no healthcheck`);
    }
    for (const name of ['grafana', 'cgflux']) {
      assert.deepEqual(stack.services[name].depends_on, { influxdb: { condition: 'service_healthy' } });
    }
  });

  test('cgflux sees the host read-only through /host, reads the socket as its group, and spools to a volume', () => {
    const cg = stack.services.cgflux;
    const volumes: string[] = cg.volumes;
    for (const mount of ['/proc:/host/proc:ro', '/sys/fs/cgroup:/host/sys/fs/cgroup:ro', '/sys:/host/sys:ro', '/var/run/docker.sock:/var/run/docker.sock:ro']) {
      assert.ok(volumes.includes(mount), `missing ${mount} in ${volumes.join(', ')}`);
    }
    assert.ok(volumes.includes('cgflux-spool:/var/lib/cgflux:rw'), volumes.join(', '));
    assert.ok(volumes.includes(`${join(REPO_ROOT, 'config', 'compose.yaml')}:/etc/cgflux/compose.yaml:ro`), volumes.join(', '));
    assert.equal(cg.pid, 'host', 'cgroup.procs lists pids of the reader\'s namespace: without the host\'s, no task of any container is found');
    assert.equal(cg.init, true);
    assert.equal(cg.read_only, true);
    assert.deepEqual(cg.group_add, ['999']);
    assert.deepEqual(cg.command, ['run', '--config', '/etc/cgflux/compose.yaml']);
    assert.equal(cg.environment.CGFLUX_HOST_PROC_ROOT, '/host/proc');
    assert.equal(cg.environment.CGFLUX_HOST_CGROUP_ROOT, '/host/sys/fs/cgroup');
    assert.equal(cg.environment.CGFLUX_HOST_SYS_ROOT, '/host/sys');
    assert.equal(cg.environment.CGFLUX_OUTPUTS_INFLUXDB_TOKEN, stack.services.influxdb.environment.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
    assert.equal(stack.services.grafana.environment.INFLUXDB_TOKEN, stack.services.influxdb.environment.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
  });

  test('config/compose.yaml loads with the environment compose gives cgflux', () => {
    const env = stack.services.cgflux.environment as Record<string, string>;
    const config = loadConfig({ file: join(REPO_ROOT, 'config', 'compose.yaml'), env, flags: {} });
    assert.equal(config.host.proc_root, '/host/proc');
    assert.equal(config.host.cgroup_root, '/host/sys/fs/cgroup');
    assert.equal(config.host.sys_root, '/host/sys');
    assert.equal(config.host.hostname, 'docker-host-1');
    assert.equal(config.spool.dir, '/var/lib/cgflux/spool');
    assert.equal(config.http.listen, '127.0.0.1:9273');
    assert.equal(config.outputs.length, 1);
    const out = config.outputs[0];
    assert.ok(out && out.type === 'influxdb_v2');
    assert.equal(out.url, 'http://influxdb:8086');
    assert.equal(out.token, 'change-me-0123456789abcdef0123456789abcdef');
    assert.equal(out.org, 'cgflux');
    assert.equal(out.bucket, 'cgflux');
  });

  test('what the stack mounts exists in the repository, where Grafana and InfluxDB look for it', () => {
    const mounts = Object.values<any>(stack.services).flatMap((s) => (s.volumes ?? []) as string[]);
    for (const m of mounts) {
      const source = m.split(':')[0] as string;
      if (source.startsWith(REPO_ROOT)) assert.ok(existsSync(source), `${m}: ${source} does not exist`);
    }
    assert.ok(mounts.includes(`${join(REPO_ROOT, 'grafana', 'dashboards')}:/var/lib/grafana/dashboards:ro`));
    const provider = parse(readFileSync(join(REPO_ROOT, 'grafana', 'provisioning', 'dashboards', 'cgflux.yaml'), 'utf8'));
    assert.equal(provider.providers[0].options.path, '/var/lib/grafana/dashboards');
    const home = stack.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    assert.ok(existsSync(join(REPO_ROOT, 'grafana', 'dashboards', home.replace('/var/lib/grafana/dashboards/', ''))), home);
    assert.ok(existsSync(join(REPO_ROOT, 'deploy', 'influxdb', 'init', 'cgflux-setup.sh')));
    assert.ok(existsSync(join(REPO_ROOT, 'deploy', 'influxdb', 'tasks', 'downsample-5m.flux')));
  });

  test('the `docker run` line of docs/deploy.md gives the container what the compose service has', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    const block = /```sh\n(docker run [^`]*?)\n```/.exec(docs)?.[1]?.replace(/\\\n\s*/g, ' ') ?? '';
    assert.ok(block, 'no docker run block in docs/deploy.md');
    const cg = stack.services.cgflux;
    assert.equal(cg.pid, 'host');
    assert.match(block, / --pid host /);
    assert.match(block, / --init /);
    assert.match(block, / --group-add \$\(stat -L -c %g \/var\/run\/docker\.sock\) /);
    for (const mount of (cg.volumes as string[]).filter((v) => v.startsWith('/'))) {
      if (mount.includes('/etc/cgflux/')) continue;
      assert.ok(block.includes(` -v ${mount} `), `docs docker run lacks -v ${mount}`);
    }
    for (const name of ['CGFLUX_HOST_PROC_ROOT', 'CGFLUX_HOST_CGROUP_ROOT', 'CGFLUX_HOST_SYS_ROOT']) {
      assert.ok(block.includes(` -e ${name}=${cg.environment[name]} `), `docs docker run lacks -e ${name}`);
    }
    assert.match(block, / -e CGFLUX_HOST_HOSTNAME=\$\(hostname\) /);
  });

  test('the README\'s first command makes .env for this host: a socket group that is not 999, the host name, new secrets', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.match(readme, /^sh scripts\/init-env\.sh && docker-compose up -d --build$/m);
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-initenv-'));
    // A Docker socket of its own, in group 4242 (never the shared socket's group changed).
    const socket = join(dir, 'docker.sock');
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      chownSync(socket, process.getuid?.() ?? 0, 4242);
      chmodSync(socket, 0o660);
      const envFile = join(dir, '.env');
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: `unix://${socket}` };
      const first = await run('sh', ['-c', `sh scripts/init-env.sh ${envFile}`], { cwd: REPO_ROOT, env });
      assert.match(first.stdout, /DOCKER_GID=4242, CGFLUX_HOSTNAME=/);
      const text = readFileSync(envFile, 'utf8');
      assert.match(text, /^DOCKER_GID=4242$/m);
      assert.match(text, new RegExp(`^CGFLUX_HOSTNAME=${hostname()}$`, 'm'));
      for (const secret of ['INFLUXDB_ADMIN_PASSWORD', 'INFLUXDB_TOKEN', 'GRAFANA_ADMIN_PASSWORD']) {
        const value = new RegExp(`^${secret}=(.*)$`, 'm').exec(text)?.[1] ?? '';
        assert.match(value, /^[0-9a-f]{32,64}$/, `${secret} is not a fresh random value: ${value}`);
      }
      assert.equal(statSync(envFile).mode & 0o777, 0o600, 'secrets readable by the owner only');
      // compose resolves the cgflux service with that group and name, no hand edit.
      const resolved = await composeConfig('--env-file', envFile);
      assert.equal(resolved.code, 0, resolved.stderr);
      const cg = parse(resolved.stdout).services.cgflux;
      assert.deepEqual(cg.group_add, ['4242']);
      assert.equal(cg.environment.CGFLUX_HOST_HOSTNAME, hostname());
      // A second run keeps what is there (the command runs before every `up`).
      const again = await run('sh', ['scripts/init-env.sh', envFile], { cwd: REPO_ROOT, env });
      assert.match(again.stderr, /exists; leaving it as it is/);
      assert.equal(readFileSync(envFile, 'utf8'), text);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
