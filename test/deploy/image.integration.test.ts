// Builds the cgflux image exactly as docs/deploy.md tells people without registry access
// (scripts/build-base-image.sh, then the Dockerfile with cgflux-deps.tar in the context), runs it
// with docker-compose.yml's mounts, and checks it reports OTHER running containers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';
import { docker, removeContainer, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);
const BASE_IMAGE = 'cgflux-base/node:20';
const IMAGE = `cgflux-test/cgflux:${process.pid}`;
/** What the Dockerfile COPYs; the rest of the repository stays out of the context. */
const CONTEXT_FILES = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'config'];

async function sh(cmd: string, args: string[], opts: { cwd?: string; timeout?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeout ?? 300_000, cwd: opts.cwd });
  } catch (err) {
    // The end of the output holds the cause (a tsc error, a failed RUN step): show that.
    const e = err as { code?: number; stdout?: string; stderr?: string };
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`\`${cmd} ${args.join(' ')}\` exited with ${e.code}:\n${tail}`);
  }
}

describe('cgflux container image', () => {
  let context = '';
  let baseExisted = true;
  const containers: Array<{ id: string; name: string }> = [];

  before(async () => {
    await requireDocker();
    baseExisted = await docker('image', 'inspect', BASE_IMAGE).then(() => true, () => false);
    await sh('bash', [join(REPO_ROOT, 'scripts', 'build-base-image.sh'), BASE_IMAGE]);
    context = mkdtempSync(join(tmpdir(), 'cgflux-image-'));
    for (const f of CONTEXT_FILES) cpSync(join(REPO_ROOT, f), join(context, f), { recursive: true });
    // Offline build: the dependencies installed here travel in the context instead of `npm ci`.
    await sh('tar', ['-C', REPO_ROOT, '-cf', join(context, 'cgflux-deps.tar'), 'node_modules']);
    await sh('docker', ['build', '--force-rm', '--network', 'none', '--build-arg', `NODE_IMAGE=${BASE_IMAGE}`, '-t', IMAGE, context], { timeout: 600_000 });
    for (const [prefix, flags] of [['plain', []], ['limited', ['--memory', '64m', '--cpus', '0.5']]] as const) {
      const name = uniqueName(`image-${prefix}`);
      containers.push({ id: await startContainer({ name, flags: [...flags] }), name });
    }
  });

  after(async () => {
    for (const c of containers) await removeContainer(c.id);
    await docker('rmi', '-f', IMAGE).catch(() => undefined);
    // The legacy builder keeps the untagged build stage; it is labelled in the Dockerfile.
    await docker('image', 'prune', '-f', '--filter', 'label=io.cgflux.stage=build').catch(() => undefined);
    if (!baseExisted) await docker('rmi', BASE_IMAGE).catch(() => undefined);
    if (context) rmSync(context, { recursive: true, force: true });
  });

  test('the image runs as the non-root user cgflux with production dependencies only', async () => {
    const inspect = JSON.parse(await docker('image', 'inspect', IMAGE))[0];
    assert.equal(inspect.Config.User, '10001:10001');
    assert.deepEqual(inspect.Config.Entrypoint, ['node', '/app/dist/src/cli.js']);
    assert.deepEqual(inspect.Config.Cmd, ['run', '--config', '/etc/cgflux/cgflux.yaml']);
    assert.match(inspect.Config.Healthcheck.Test.join(' '), /fetch\('http:\/\/127\.0\.0\.1:9273\/healthz'\)/);
    const { stdout } = await sh('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c',
      'id -un; ls /app/node_modules; test -f /app/dist/src/log.js && echo built; stat -c %u /var/lib/cgflux']);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'cgflux');
    assert.ok(lines.includes('dockerode') && lines.includes('yaml') && lines.includes('@influxdata'), stdout);
    for (const dev of ['typescript', 'tsx', 'fast-check', 'esbuild']) assert.ok(!lines.includes(dev), `dev dependency ${dev} in the image`);
    assert.ok(lines.includes('built'));
    assert.equal(lines.at(-1), '10001', 'the spool directory belongs to cgflux');
  });

  test('`--once --output stdout` with the compose mounts prints line protocol for the other containers', async () => {
    const socketGroup = String(statSync(DOCKER_SOCKET).gid);
    const { stdout, stderr } = await run('docker', [
      'run', '--rm', '--init', '--network', 'none', '--read-only', '--group-add', socketGroup,
      '-v', '/proc:/host/proc:ro', '-v', '/sys/fs/cgroup:/host/sys/fs/cgroup:ro', '-v', '/sys:/host/sys:ro',
      '-v', `${DOCKER_SOCKET}:/var/run/docker.sock:ro`,
      '-e', 'CGFLUX_HOST_PROC_ROOT=/host/proc', '-e', 'CGFLUX_HOST_CGROUP_ROOT=/host/sys/fs/cgroup',
      '-e', 'CGFLUX_HOST_SYS_ROOT=/host/sys', '-e', 'CGFLUX_HOST_HOSTNAME=image-test',
      IMAGE, '--once', '--output', 'stdout',
    ], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }).catch((err) => ({ stdout: String(err.stdout ?? ''), stderr: `${err.message}\n${err.stderr ?? ''}` }));
    const lines = stdout.split('\n');
    const about = `\n--- stdout (${lines.length} lines) ---\n${stdout.slice(0, 3000)}\n--- stderr ---\n${stderr.slice(0, 3000)}`;
    for (const c of containers) {
      const cpu = lines.find((l) => l.startsWith('docker_container_cpu,') && l.includes(`container_name=${c.name}`) && l.includes('cpu=cpu-total'));
      assert.ok(cpu, `no docker_container_cpu line for ${c.name}${about}`);
      assert.match(cpu, new RegExp(`container_id="${c.id}"`), about);
      assert.match(cpu, /,host=image-test[, ]/, about);
      const mem = lines.find((l) => l.startsWith('docker_container_mem,') && l.includes(`container_name=${c.name}`));
      assert.ok(mem, `no docker_container_mem line for ${c.name}${about}`);
      if (c.name.includes('limited')) {
        assert.match(mem, /[ ,]limit=67108864i/, about);
        assert.match(cpu, /[ ,]limit_cpus=0\.5[ ,]/, about);
      }
    }
    assert.ok(lines.some((l) => l.startsWith('host_cpu,') && l.includes('host=image-test')), `no host_cpu line${about}`);
  });
  test('as a daemon it turns healthy through its HEALTHCHECK and stops cleanly on docker stop', async () => {
    const socketGroup = String(statSync(DOCKER_SOCKET).gid);
    const name = uniqueName('image-daemon');
    const id = await docker('run', '-d', '--name', name, '--label', 'io.cgflux.test=1', '--init', '--network', 'none', '--read-only',
      '--group-add', socketGroup, '--health-interval', '1s', '--health-start-period', '1s',
      '-v', '/proc:/host/proc:ro', '-v', '/sys/fs/cgroup:/host/sys/fs/cgroup:ro', '-v', '/sys:/host/sys:ro',
      '-v', `${DOCKER_SOCKET}:/var/run/docker.sock:ro`,
      '-e', 'CGFLUX_HOST_PROC_ROOT=/host/proc', '-e', 'CGFLUX_HOST_CGROUP_ROOT=/host/sys/fs/cgroup', '-e', 'CGFLUX_HOST_SYS_ROOT=/host/sys',
      IMAGE, 'run', '--config', '/etc/cgflux/cgflux.yaml', '--output', 'stdout', '--interval', '1s');
    try {
      // /healthz answers 503 until the first tick; on a loaded machine that can outlast the 1 s
      // start period and Docker says `unhealthy` for a while: what counts is that it turns healthy.
      let last = '';
      await waitFor('the cgflux container to turn healthy', 45_000, async () => {
        last = await docker('inspect', '-f', '{{.State.Health.Status}}', id);
        return last === 'healthy' ? last : undefined;
      }).catch(async (err: Error) => {
        assert.fail(`${err.message} (last status ${last})\n${await docker('logs', '--tail', '20', id).catch(() => '')}`);
      });
      await docker('stop', '-t', '20', id);
      const exitCode = await docker('inspect', '-f', '{{.State.ExitCode}}', id);
      assert.equal(exitCode, '0', `exit code after SIGTERM\n${await docker('logs', '--tail', '20', id).catch(() => '')}`);
    } finally {
      await docker('rm', '-f', '-v', id).catch(() => undefined);
    }
  });
});
