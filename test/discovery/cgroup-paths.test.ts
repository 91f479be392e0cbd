import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CgroupResolver, classifyDriver } from '../../src/discovery/cgroup-paths.js';
import { parseProcCgroup } from '../../src/discovery/proc-cgroup.js';
import { detectCgroupLayout } from '../../src/discovery/cgroup-layout.js';
import { ReadErrors } from '../../src/errors/read-errors.js';

const FIXTURES = resolve('test/fixtures/cgroup-paths');
const ID = '3f1c2a9be0d84c5b9a7e6f5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2910';
const OUTER = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c4ba';

function resolverFor(name: string, errors = new ReadErrors()) {
  const base = join(FIXTURES, name);
  const cgroupRoot = join(base, 'sys/fs/cgroup');
  return { resolver: new CgroupResolver({ proc_root: join(base, 'proc'), cgroup_root: cgroupRoot }, errors), cgroupRoot, errors };
}

describe('parseProcCgroup', () => {
  test('splits id, controllers and a path that itself contains a colon', () => {
    const parsed = parseProcCgroup('2:cpu,cpuacct:/docker/abc\n1:name=systemd:/a:b\n0::/x\n');
    assert.deepEqual(parsed.lines, [
      { hierarchyId: 2, controllers: ['cpu', 'cpuacct'], path: '/docker/abc' },
      { hierarchyId: 1, controllers: ['name=systemd'], path: '/a:b' },
      { hierarchyId: 0, controllers: [], path: '/x' },
    ]);
    assert.equal(parsed.malformed, 0);
  });

  test('counts malformed lines and keeps the good ones', () => {
    const parsed = parseProcCgroup('nonsense\nx:memory:/a\n4:memory:relative\n4:memory\n\n4:memory:/ok\n');
    assert.deepEqual(parsed.lines, [{ hierarchyId: 4, controllers: ['memory'], path: '/ok' }]);
    assert.equal(parsed.malformed, 4);
  });
});

describe('classifyDriver', () => {
  test('cgroupfs, systemd, nested, unknown', () => {
    assert.equal(classifyDriver(`/docker/${ID}`), 'cgroupfs');
    assert.equal(classifyDriver(`/system.slice/docker-${ID}.scope`), 'systemd');
    assert.equal(classifyDriver(`/docker/${OUTER}/docker/${ID}`), 'nested');
    assert.equal(classifyDriver(`/system.slice/docker-${OUTER}.scope/docker/${ID}`), 'nested');
    assert.equal(classifyDriver('/'), 'unknown');
    assert.equal(classifyDriver('/some/thing'), 'unknown');
  });
});

describe('detectCgroupLayout', () => {
  test('v1 with co-mounted cpu,cpuacct uses the controller-named symlinks', async () => {
    const root = join(FIXTURES, 'v1-cgroupfs/sys/fs/cgroup');
    const layout = await detectCgroupLayout(root);
    assert.equal(layout.version, 1);
    assert.equal(layout.unifiedMount, undefined);
    assert.equal(layout.v1Mounts.cpu, join(root, 'cpu'));
    assert.equal(layout.v1Mounts.memory, join(root, 'memory'));
  });

  test('hybrid keeps version 1 and finds the unified mount', async () => {
    const root = join(FIXTURES, 'v1-hybrid/sys/fs/cgroup');
    const layout = await detectCgroupLayout(root);
    assert.equal(layout.version, 1);
    assert.equal(layout.unifiedMount, join(root, 'unified'));
  });

  test('a root with cgroup.controllers is v2', async () => {
    const root = join(FIXTURES, 'v2-systemd/sys/fs/cgroup');
    assert.deepEqual(await detectCgroupLayout(root), { version: 2, unifiedMount: root, v1Mounts: {} });
  });

  test('a root that does not exist has no mounts', async () => {
    assert.deepEqual(await detectCgroupLayout('/nonexistent/cgflux'), { version: 1, v1Mounts: {} });
  });
});

describe('CgroupResolver on fixture trees', () => {
  test('v1 cgroupfs with cpu,cpuacct co-mounted', async () => {
    const { resolver, cgroupRoot } = resolverFor('v1-cgroupfs');
    const paths = await resolver.resolve(4242, ID);
    assert.deepEqual(paths, {
      version: 1,
      driver: 'cgroupfs',
      dirs: {
        pids: join(cgroupRoot, 'pids/docker', ID),
        blkio: join(cgroupRoot, 'blkio/docker', ID),
        memory: join(cgroupRoot, 'memory/docker', ID),
        cpuset: join(cgroupRoot, 'cpuset/docker', ID),
        cpu: join(cgroupRoot, 'cpu/docker', ID),
        cpuacct: join(cgroupRoot, 'cpuacct/docker', ID),
      },
    });
    assert.ok(existsSync(join(paths!.dirs.memory!, 'memory.usage_in_bytes')));
  });

  test('hybrid: separate cpu and cpuacct mounts plus the unified hierarchy, version stays 1', async () => {
    const { resolver, cgroupRoot } = resolverFor('v1-hybrid');
    const paths = await resolver.resolve(4242, ID);
    assert.equal(paths?.version, 1);
    assert.equal(paths?.driver, 'cgroupfs');
    assert.equal(paths?.dirs.cpu, join(cgroupRoot, 'cpu/docker', ID));
    assert.equal(paths?.dirs.cpuacct, join(cgroupRoot, 'cpuacct/docker', ID));
    assert.equal(paths?.dirs.unified, join(cgroupRoot, 'unified/docker', ID));
    assert.deepEqual(Object.keys(paths!.dirs).sort(), ['blkio', 'cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'unified']);
  });

  test('v1 systemd driver', async () => {
    const { resolver, cgroupRoot } = resolverFor('v1-systemd');
    const paths = await resolver.resolve(777, ID);
    assert.equal(paths?.driver, 'systemd');
    assert.equal(paths?.dirs.memory, join(cgroupRoot, `memory/system.slice/docker-${ID}.scope`));
    assert.equal(paths?.dirs.cpuacct, join(cgroupRoot, `cpuacct/system.slice/docker-${ID}.scope`));
    assert.equal(paths?.dirs.unified, undefined);
  });

  test('v2 systemd driver', async () => {
    const { resolver, cgroupRoot } = resolverFor('v2-systemd');
    assert.deepEqual(await resolver.resolve(900, ID), {
      version: 2,
      driver: 'systemd',
      dirs: { unified: join(cgroupRoot, `system.slice/docker-${ID}.scope`) },
    });
  });

  test('v2 cgroupfs driver', async () => {
    const { resolver, cgroupRoot } = resolverFor('v2-cgroupfs');
    assert.deepEqual(await resolver.resolve(901, ID), { version: 2, driver: 'cgroupfs', dirs: { unified: join(cgroupRoot, 'docker', ID) } });
  });

  test('rootless, systemd and cgroupfs drivers below the user service', async () => {
    const { resolver, cgroupRoot } = resolverFor('rootless');
    const user = 'user.slice/user-1000.slice/user@1000.service';
    const systemd = await resolver.resolve(1000, ID);
    assert.equal(systemd?.dirs.unified, join(cgroupRoot, user, `docker-${ID}.scope`));
    assert.equal(systemd?.driver, 'systemd');
    const cgroupfs = await resolver.resolve(1001, OUTER);
    assert.equal(cgroupfs?.dirs.unified, join(cgroupRoot, user, 'docker', OUTER));
    assert.equal(cgroupfs?.driver, 'cgroupfs');
  });

  test('nested docker-in-docker path', async () => {
    const { resolver, cgroupRoot } = resolverFor('nested');
    const expected = { version: 2, driver: 'nested', dirs: { unified: join(cgroupRoot, 'docker', OUTER, 'docker', ID) } };
    assert.deepEqual(await resolver.resolve(2000, ID), expected);
  });

  test('reader in a cgroup namespace: `/`, `/../..`-relative and namespace-relative paths are found by id', async () => {
    const { resolver, errors } = resolverFor('nested');
    const expected = await resolver.resolve(2000, ID);
    assert.deepEqual(await resolver.resolve(2001, ID), expected);
    assert.deepEqual(await resolver.resolve(2002, ID), expected);
    assert.deepEqual(await resolver.resolve(2003, ID), expected);
    assert.equal(errors.total(), 0);
  });

  test('a `/` path is never taken as the container directory when the id is not found', async () => {
    const { resolver, errors } = resolverFor('nested');
    assert.equal(await resolver.resolve(2001, 'f'.repeat(64)), undefined);
    assert.deepEqual(errors.entries(), [['discovery', 'missing', 1]]);
  });
});

describe('CgroupResolver on bad input never throws, returns undefined and counts', () => {
  test('empty file', async () => {
    const { resolver, errors } = resolverFor('garbage');
    assert.deepEqual(await resolver.resolveDetailed(3000, ID), { ok: false, reason: 'empty' });
    assert.deepEqual(errors.entries(), [['discovery', 'empty', 1]]);
  });

  test('only malformed lines', async () => {
    const { resolver, errors } = resolverFor('garbage');
    assert.equal(await resolver.resolve(3001, ID), undefined);
    assert.deepEqual(errors.entries(), [['discovery', 'malformed', 3]]);
  });

  test('a malformed line next to a good one: resolved, the bad line counted', async () => {
    const { resolver, errors, cgroupRoot } = resolverFor('garbage');
    const paths = await resolver.resolve(3002, ID);
    assert.equal(paths?.dirs.unified, join(cgroupRoot, 'docker', ID));
    assert.deepEqual(errors.entries(), [['discovery', 'malformed', 1]]);
  });

  test('a path whose directory does not exist', async () => {
    const { resolver } = resolverFor('garbage');
    assert.deepEqual(await resolver.resolveDetailed(3003, '0'.repeat(64)), { ok: false, reason: 'missing' });
  });

  test('no trailing newline is fine', async () => {
    const { resolver, cgroupRoot } = resolverFor('garbage');
    assert.equal((await resolver.resolve(3004, ID))?.dirs.unified, join(cgroupRoot, 'docker', ID));
  });

  test('pid gone, pid 0 and negative pid', async () => {
    const { resolver, errors } = resolverFor('garbage');
    assert.deepEqual(await resolver.resolveDetailed(99999, ID), { ok: false, reason: 'pid_gone' });
    assert.equal(await resolver.resolve(0, ID), undefined);
    assert.equal(await resolver.resolve(-5, ID), undefined);
    assert.deepEqual(errors.entries(), [['discovery', 'pid_gone', 3]]);
  });

  test('a cgroup root that does not exist', async () => {
    const errors = new ReadErrors();
    const resolver = new CgroupResolver({ proc_root: join(FIXTURES, 'v2-cgroupfs/proc'), cgroup_root: '/nonexistent/cgflux' }, errors);
    assert.equal(await resolver.resolve(901, ID), undefined);
    assert.deepEqual(errors.entries(), [['discovery', 'missing', 1]]);
  });
});
