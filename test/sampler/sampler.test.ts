import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/schema.js';
import type { ContainerInfo } from '../../src/model.js';
import type { Collector } from '../../src/sampler/collector.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { V1_ID, V1_OLD_ID, V1_ROOT, V2_ID, V2_ROOT, containerInfo, errorList, v1Paths, v2CgroupfsPaths } from './support/fixture-trees.js';

function setup(root: string, tweak: (c: ReturnType<typeof defaultConfig>) => void = () => undefined, collectors?: Collector[]) {
  const config = defaultConfig('test-host');
  config.host.proc_root = `${root}/proc`;
  config.host.sys_root = `${root}/sys`;
  config.host.cgroup_root = `${root}/sys/fs/cgroup`;
  tweak(config);
  const errors = new ReadErrors();
  const files = new KeptFiles(errors);
  return { sampler: new Sampler(config, files, errors, collectors), files, errors };
}

const measurements = (rows: Array<{ measurement: string }>) => rows.map((r) => r.measurement);
// Collectors of the other families (blkio, net, context switches) are exercised in their own tests.
const MINE = (c: ReturnType<typeof defaultConfig>) => {
  c.collectors.blkio.enabled = false;
  c.collectors.network.enabled = false;
  c.collectors.context_switches.enabled = false;
};

describe('Sampler.gather', () => {
  test('host rows first (container null), then each container with its collectors in registry order', () => {
    const { sampler } = setup(V1_ROOT, MINE);
    const v1 = containerInfo(V1_ID, { cgroup: v1Paths(V1_ROOT, V1_ID) });
    const v2 = containerInfo(V2_ID, { pid: 5100, cgroup: v2CgroupfsPaths(V2_ROOT) });
    const samples = sampler.gather([v1, v2]);
    assert.equal(samples.length, 3);
    assert.equal(samples[0].container, null);
    assert.deepEqual(measurements(samples[0].rows), ['host_cpu', 'host_mem']);
    assert.equal(samples[1].container, v1);
    assert.deepEqual(measurements(samples[1].rows), ['docker_container_cpu', 'docker_container_mem', 'docker_container_pids', 'docker_container_status']);
    assert.equal(samples[2].container, v2);
    assert.deepEqual(measurements(samples[2].rows), [
      'docker_container_cpu', 'docker_container_mem', 'docker_container_pids',
      'docker_container_psi', 'docker_container_psi', 'docker_container_psi', 'docker_container_status',
    ]);
    // The host snapshot reached the collectors: 8 online CPUs from the fixture's proc/stat.
    assert.equal(samples[1].rows[0].fields.online_cpus, 8n);
    assert.equal(samples[1].rows[0].fields.usage_system, 100494890000000n);
  });

  test('gatherEach hands each sample over as it is read, in the order gather() returns them', () => {
    const v1 = containerInfo(V1_ID, { cgroup: v1Paths(V1_ROOT, V1_ID) });
    const v2 = containerInfo(V2_ID, { pid: 5100, cgroup: v2CgroupfsPaths(V2_ROOT) });
    const whole = setup(V1_ROOT, MINE).sampler.gather([v1, v2]);
    const streamed: Array<{ container: ContainerInfo | null; measurements: string[] }> = [];
    setup(V1_ROOT, MINE).sampler.gatherEach([v1, v2], (s) => streamed.push({ container: s.container, measurements: measurements(s.rows) }));
    assert.deepEqual(streamed, whole.map((s) => ({ container: s.container, measurements: measurements(s.rows) })));
    assert.deepEqual(streamed.map((s) => s.container?.id ?? null), [null, V1_ID, V2_ID]);
  });

  test('collectors.host disabled: no host sample; a disabled collector is not run', () => {
    const { sampler } = setup(V1_ROOT, (c) => {
      MINE(c);
      c.collectors.host.enabled = false;
      c.collectors.memory.enabled = false;
    });
    const samples = sampler.gather([containerInfo(V1_ID, { cgroup: v1Paths(V1_ROOT, V1_ID) })]);
    assert.equal(samples.length, 1);
    assert.deepEqual(measurements(samples[0].rows), ['docker_container_cpu', 'docker_container_pids', 'docker_container_status']);
  });

  test('CPU percentages appear from the second gather on', () => {
    const { sampler } = setup(V1_ROOT, MINE);
    const c = containerInfo(V1_ID, { cgroup: v1Paths(V1_ROOT, V1_ID) });
    assert.equal('usage_percent_of_limit' in sampler.gather([c])[1].rows[0].fields, false);
    // Fixture counters do not move: 0 % of the limit, and no host delta so no usage_percent.
    const fields = sampler.gather([c])[1].rows[0].fields;
    assert.equal(fields.usage_percent_of_limit, 0);
    assert.equal('usage_percent' in fields, false);
  });

  test('a container that left releases its descriptors', () => {
    const { sampler, files } = setup(V1_ROOT, MINE);
    const a = containerInfo(V1_ID, { cgroup: v1Paths(V1_ROOT, V1_ID) });
    const b = containerInfo(V1_OLD_ID, { cgroup: v1Paths(V1_ROOT, V1_OLD_ID) });
    sampler.gather([a, b]);
    const both = files.openCount;
    sampler.gather([a]);
    assert.equal(sampler.trackedCount, 1);
    assert.ok(files.openCount < both, `${files.openCount} < ${both}`);
    sampler.gather([]);
    assert.equal(files.openCount, 2, 'only the host files stay open');
    sampler.close();
    assert.equal(files.openCount, 0);
  });

  describe('a container whose cgroup vanished', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-sampler-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(V1_ROOT, dir, { recursive: true });

    test('is dropped whole (no half sample) and counted; the other containers ship', () => {
      const { sampler, errors } = setup(dir, MINE);
      const gone = containerInfo(V1_ID, { pid: 4100, cgroup: v1Paths(dir, V1_ID) });
      const stays = containerInfo(V1_OLD_ID, { pid: 4100, cgroup: v1Paths(dir, V1_OLD_ID) });
      // Its memory cgroup is removed before the tick reads it: cpu already read, memory fails.
      rmSync(`${dir}/sys/fs/cgroup/memory/docker/${V1_ID}`, { recursive: true });
      const samples = sampler.gather([gone, stays]);
      assert.deepEqual(samples.map((s) => s.container?.id ?? null), [null, V1_OLD_ID]);
      assert.equal(sampler.droppedVanished, 1);
      assert.deepEqual(errorList(errors).filter(([c]) => c === 'sampler'), [['sampler', 'vanished', 1]]);
    });

    test('is not read again while still listed (no error counted per tick), and is read again after a restart', () => {
      const { sampler, errors } = setup(dir, MINE);
      rmSync(`${dir}/sys/fs/cgroup/memory/docker/${V1_ID}`, { recursive: true, force: true });
      const gone = containerInfo(V1_ID, { pid: 4100, cgroup: v1Paths(dir, V1_ID) });
      sampler.gather([gone]);
      const counted = errors.total();
      assert.deepEqual(sampler.gather([gone]).map((s) => s.container?.id ?? null), [null]);
      assert.deepEqual(sampler.gather([gone]).map((s) => s.container?.id ?? null), [null]);
      assert.equal(errors.total(), counted);
      assert.equal(sampler.droppedVanished, 3);
      // Restarted: new pid, its cgroup is back.
      cpSync(`${V1_ROOT}/sys/fs/cgroup/memory/docker/${V1_ID}`, `${dir}/sys/fs/cgroup/memory/docker/${V1_ID}`, { recursive: true });
      const back = sampler.gather([{ ...gone, pid: 4101 }]);
      assert.deepEqual(back.map((s) => s.container?.id ?? null), [null, V1_ID]);
      assert.equal(back[1].rows[1].measurement, 'docker_container_mem');
      rmSync(`${dir}/sys/fs/cgroup/memory/docker/${V1_ID}`, { recursive: true });
    });

    test('its pid gone counts as vanished too', () => {
      const { sampler } = setup(dir, MINE);
      // Cgroup dir present but the file is missing and the process is gone (no proc/999999).
      const c = containerInfo(V1_OLD_ID, { pid: 999999, cgroup: v1Paths(dir, V1_OLD_ID) });
      assert.deepEqual(sampler.gather([c]).map((s) => s.container?.id ?? null), [null]);
      assert.equal(sampler.droppedVanished, 1);
    });

    test('a file missing on this kernel (dir and pid alive) is not a vanished container', () => {
      const { sampler } = setup(dir, MINE);
      const c = containerInfo(V1_OLD_ID, { pid: 4100, cgroup: v1Paths(dir, V1_OLD_ID) });
      assert.equal(sampler.gather([c]).length, 2);
      assert.equal(sampler.droppedVanished, 0);
    });
  });

  test('a restart (new pid) starts the container over: no percentage across the two cgroups', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgflux-restart-'));
    try {
      cpSync(V1_ROOT, dir, { recursive: true });
      const { sampler } = setup(dir, MINE);
      const first = containerInfo(V1_ID, { pid: 4100, cgroup: v1Paths(dir, V1_ID) });
      sampler.gather([first]);
      writeFileSync(`${dir}/proc/stat`, 'cpu  200000 0 0 0 0 0 0 0 0 0\ncpu0 1 0 0 0\n');
      const fields = sampler.gather([{ ...first, pid: 4101 }])[1].rows[0].fields;
      assert.equal('usage_percent' in fields, false);
      assert.equal('usage_percent_of_limit' in fields, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a collector that throws loses only its own rows, counted and logged once', () => {
    const broken: Collector<undefined> = {
      name: 'broken',
      createState: () => undefined,
      collect(_ctx, _state, out) {
        out.push({ measurement: 'half', fields: { a: 1 } });
        throw new Error('bug');
      },
    };
    const pids: Collector<undefined> = { name: 'ok', createState: () => undefined, collect: (_ctx, _state, out) => void out.push({ measurement: 'fine', fields: { b: 2n } }) };
    const { sampler, errors } = setup(V1_ROOT, (c) => (c.collectors.host.enabled = false), [broken, pids]);
    const samples = sampler.gather([containerInfo(V1_ID), containerInfo(V1_OLD_ID)]);
    assert.deepEqual(samples.map((s) => measurements(s.rows)), [['fine'], ['fine']]);
    assert.deepEqual(errorList(errors), [['broken', 'malformed', 2]]);
  });

  test('a container without a process (exited, created) gets its status row only, and no read error is counted', () => {
    const { sampler, errors } = setup(V1_ROOT, MINE);
    const exited = containerInfo(V1_ID, { pid: 0, state: 'exited', exitCode: 2 });
    const created = containerInfo(V1_OLD_ID, { pid: 0, state: 'created' });
    for (let tick = 0; tick < 3; tick++) {
      const samples = sampler.gather([exited, created]);
      assert.deepEqual(samples.filter((s) => s.container).map((s) => [s.container?.id, measurements(s.rows), s.rows[0].fields.state]), [
        [V1_ID, ['docker_container_status'], 'exited'],
        [V1_OLD_ID, ['docker_container_status'], 'created'],
      ]);
    }
    assert.deepEqual(errorList(errors), []);
  });

  test('bad input never throws: no cgroup, junk dirs, duplicates, holes in the list', () => {
    const { sampler } = setup(V1_ROOT, MINE);
    const noCgroup = containerInfo(V1_ID, { pid: 0, state: 'exited' });
    const junk = containerInfo(V1_OLD_ID, { pid: 4100, cgroup: { version: 2, driver: 'unknown', dirs: { unified: '/nonexistent/cgroup' } } });
    const stopped = containerInfo(V2_ID, { pid: 0, state: 'exited', cgroup: v2CgroupfsPaths(V2_ROOT) });
    const list = [noCgroup, noCgroup, junk, undefined as unknown as ContainerInfo, {} as ContainerInfo, stopped];
    const samples = sampler.gather(list);
    // Exited containers ship their status only (no process, no cgroup to read, even a stale one);
    // the one whose cgroup points nowhere is dropped as vanished.
    assert.deepEqual(samples.map((s) => [s.container?.id ?? null, measurements(s.rows)]), [
      [null, ['host_cpu', 'host_mem']],
      [V1_ID, ['docker_container_status']],
      [V2_ID, ['docker_container_status']],
    ]);
  });

  test('a departed container: the collector gets its state, then its last rows come after the live ones and the forgetting', () => {
    const order: string[] = [];
    const departed: [string, unknown][] = [];
    const lasting: Collector<{ id: string }> = {
      name: 'lasting',
      createState: () => ({ id: '' }),
      collect(ctx, state, out) {
        state.id = ctx.container.id;
        out.push({ measurement: 'live', fields: { a: 1n } });
      },
      release: (state) => void order.push(`release ${state.id.slice(0, 4)}`),
      departed: (c, state) => void departed.push([c.id, state]),
      final(_ns, runningPid, out) {
        order.push(`final ${runningPid(V1_ID)} ${runningPid(V2_ID)}`);
        for (const [id] of departed.splice(0)) out.push({ container: containerInfo(id, { pid: 0, state: 'exited' }), rows: [{ measurement: 'last', fields: { a: 2n } }] });
      },
    };
    const { sampler } = setup(V1_ROOT, (c) => (c.collectors.host.enabled = false), [lasting]);
    const v1 = containerInfo(V1_ID, { pid: 4100 });
    const v2 = containerInfo(V2_ID, { pid: 5100 });
    sampler.gather([v1, v2]);
    sampler.departed(v1);
    sampler.departed(containerInfo(V1_OLD_ID, { pid: 0 })); // never read by the sampler
    assert.deepEqual(departed.map(([id, state]) => [id, (state as { id?: string } | undefined)?.id]), [[V1_ID, V1_ID], [V1_OLD_ID, undefined]]);
    order.length = 0;
    const live: string[] = [];
    const last: string[] = [];
    sampler.gatherEach([v2], (s) => live.push(s.container!.id), (s) => last.push(s.container!.id));
    assert.deepEqual(order, [`release ${V1_ID.slice(0, 4)}`, 'final undefined 5100']);
    assert.deepEqual(live, [V2_ID]);
    assert.deepEqual(last, [V1_ID, V1_OLD_ID]);
  });
  test('an OOM Docker reports reaches the collectors that have the hook, with that container\'s state; an unknown container is ignored', () => {
    const reported: string[] = [];
    const watching: Collector<{ id: string }> = {
      name: 'watching',
      createState: () => ({ id: '' }),
      collect(ctx, state, out) {
        state.id = ctx.container.id;
        out.push({ measurement: 'live', fields: { a: 1n } });
      },
      oomReported: (state) => void reported.push(state.id),
    };
    const { sampler } = setup(V1_ROOT, (c) => (c.collectors.host.enabled = false), [watching]);
    sampler.gather([containerInfo(V1_ID, { pid: 4100 }), containerInfo(V2_ID, { pid: 5100 })]);
    sampler.oomReported(V2_ID);
    sampler.oomReported(V1_OLD_ID);
    assert.deepEqual(reported, [V2_ID]);
  });
});
