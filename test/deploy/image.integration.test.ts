// The cgflux image, built as docs/deploy.md tells people without registry access (the shared build
// of test/support/cgflux-image.ts), run with docker-compose.yml's mounts: it reports OTHER running
// containers, and a deployment mistake (socket group, proc root) is one clear line, no crash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOCKER_SOCKET, requireDocker } from '../support/services.js';
import { docker, removeContainer, startContainer, uniqueName, waitFor } from '../support/docker.js';
import { ensureCgfluxImage, sh } from '../support/cgflux-image.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';
import { REPO_ROOT } from '../grafana/queries.js';

const run = promisify(execFile);

/** What docker-compose.yml gives the cgflux service (pid, init, read-only, the host read-only
 *  under /host and told where), as `docker run` flags; the socket group comes per test. */
const COMPOSE_SHAPE = [
  '--init', '--pid', 'host', '--network', 'none', '--read-only',
  '-v', '/proc:/host/proc:ro', '-v', '/sys/fs/cgroup:/host/sys/fs/cgroup:ro', '-v', '/sys:/host/sys:ro',
  '-v', `${DOCKER_SOCKET}:/var/run/docker.sock:ro`,
  '-e', 'CGFLUX_HOST_PROC_ROOT=/host/proc', '-e', 'CGFLUX_HOST_CGROUP_ROOT=/host/sys/fs/cgroup', '-e', 'CGFLUX_HOST_SYS_ROOT=/host/sys',
];

describe('cgflux container image', () => {
  let image = '';
  const containers: Array<{ id: string; name: string }> = [];

  before(async () => {
    await requireDocker();
    // Built once per content and left for the stack test (test/support/cgflux-image.ts).
    image = await ensureCgfluxImage();
    for (const [prefix, flags] of [['plain', []], ['limited', ['--memory', '64m', '--cpus', '0.5']]] as const) {
      const name = uniqueName(`image-${prefix}`);
      containers.push({ id: await startContainer({ name, flags: [...flags] }), name });
    }
  });

  after(async () => {
    for (const c of containers) await removeContainer(c.id);
  });

  test('the image runs as the non-root user cgflux with production dependencies only', async () => {
    const inspect = JSON.parse(await docker('image', 'inspect', image))[0];
    assert.equal(inspect.Config.User, '10001:10001');
    assert.deepEqual(inspect.Config.Entrypoint, ['node', ...NODE_FLAGS, '/app/dist/src/cli.js']);
    assert.deepEqual(inspect.Config.Cmd, ['run', '--config', '/etc/cgflux/cgflux.yaml']);
    assert.match(inspect.Config.Healthcheck.Test.join(' '), /fetch\('http:\/\/127\.0\.0\.1:9273\/healthz'\)/);
    const { stdout } = await sh('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c',
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
      'run', '--rm', ...COMPOSE_SHAPE, '--group-add', socketGroup, '-e', 'CGFLUX_HOST_HOSTNAME=image-test',
      image, '--once', '--output', 'stdout',
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
    const id = await docker('run', '-d', '--name', name, '--label', 'io.cgflux.test=1', ...COMPOSE_SHAPE,
      '--group-add', socketGroup, '--health-interval', '1s', '--health-start-period', '1s', image, 'run', '--config', '/etc/cgflux/cgflux.yaml', '--output', 'stdout', '--interval', '1s');
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
      // The ENTRYPOINT's node flags reach the daemon: it does not ask for them.
      const { stderr } = await sh('docker', ['logs', id]);
      assert.match(stderr, /cgflux started/);
      assert.doesNotMatch(stderr, /node runs with /);
      await docker('stop', '-t', '20', id);
      const exitCode = await docker('inspect', '-f', '{{.State.ExitCode}}', id);
      assert.equal(exitCode, '0', `exit code after SIGTERM\n${await docker('logs', '--tail', '20', id).catch(() => '')}`);
    } finally {
      await docker('rm', '-f', '-v', id).catch(() => undefined);
    }
  });

  test('without the socket\'s group: one line naming the group, retries, /healthz degraded, still running', async () => {
    const socketGroup = String(statSync(DOCKER_SOCKET).gid);
    const name = uniqueName('image-nogroup');
    // The same shape without --group-add: the mistake a hand-made deployment makes.
    const id = await docker('run', '-d', '--name', name, '--label', 'io.cgflux.test=1', ...COMPOSE_SHAPE, image, 'run', '--config', '/etc/cgflux/cgflux.yaml', '--output', 'stdout', '--interval', '1s');
    try {
      const health = await waitFor('/healthz to answer', 30_000, async () => {
        const r = await sh('docker', ['exec', id, 'node', '-e', "fetch('http://127.0.0.1:9273/healthz').then(async (r) => console.log(r.status, await r.text()))"]).catch(() => undefined);
        return r && /^200 /.test(r.stdout) ? r.stdout : undefined;
      });
      const body = JSON.parse(health.slice(4));
      assert.equal(body.status, 'degraded', health);
      assert.match(body.reasons.join('\n'), new RegExp(`permission denied: the socket belongs to group ${socketGroup} `));
      // Several retries later: still one line, and the container still runs.
      await new Promise((r) => setTimeout(r, 3000));
      const { stdout, stderr } = await sh('docker', ['logs', id]);
      const warnings = `${stdout}${stderr}`.split('\n').filter((l) => l.includes('cannot reach dockerd'));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', new RegExp(`add group ${socketGroup}: compose DOCKER_GID=${socketGroup} in \\.env .*docker run --group-add ${socketGroup}`));
      assert.equal(await docker('inspect', '-f', '{{.State.Running}}', id), 'true');
    } finally {
      await docker('rm', '-f', '-v', id).catch(() => undefined);
    }
  });

  test('a proc root that is the container\'s own /proc: a clear line at start', async () => {
    const socketGroup = String(statSync(DOCKER_SOCKET).gid);
    const { stderr } = await run('docker', ['run', '--rm', '--init', '--network', 'none', '--read-only', '--group-add', socketGroup,
      '-v', `${DOCKER_SOCKET}:/var/run/docker.sock:ro`, '-e', 'CGFLUX_HOST_PROC_ROOT=/proc', image, '--once', '--output', 'stdout', '--gap', '0'],
    { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }).catch((err) => ({ stderr: String(err.stderr ?? err.message) }));
    assert.match(stderr, /^cgflux: host\.proc_root \/proc is not the host's \/proc: it shows \d+ processes and no kernel threads/m);
  });
  // The native helper is in the image when scripts/build-native.sh ran; test-env.sh runs it, so
  // here its absence is a set-up failure, not a reason to skip.
  test('context switches: counted by the kernel with CAP_SYS_ADMIN (the helper\'s only), from /proc without, the log says why', async () => {
    assert.ok(existsSync(join(REPO_ROOT, 'native/switches/build/cgflux-switches')), 'no native helper: run bash scripts/test-env.sh (it builds it with scripts/build-native.sh)');
    const socketGroup = String(statSync(DOCKER_SOCKET).gid);
    for (const [caps, method] of [[[], 'proc'], [['--cap-add', 'SYS_ADMIN'], 'kernel']] as const) {
      const { stdout, stderr } = await run('docker', ['run', '--rm', ...COMPOSE_SHAPE, ...caps, '--group-add', socketGroup, image, '--once', '--output', 'stdout'],
        { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
      const rows = stdout.split('\n').filter((l) => l.startsWith('docker_container_context_switches,'));
      assert.ok(rows.length > 0, stderr);
      for (const row of rows) assert.match(row, new RegExp(`,method=${method} `));
      const said = stderr.split('\n').filter((l) => l.includes('[context-switches]'));
      assert.equal(said.length, 1, stderr);
      assert.match(said[0], method === 'kernel' ? /counted by the kernel/ : /counted from \/proc.*Operation not permitted/);
    }
  });
});
