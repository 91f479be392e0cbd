// cgroup v2 has no real host here: this runs the v2 fixture trees (kernel formats of
// Documentation/admin-guide/cgroup-v2.rst, cgroupfs and systemd layouts) through the same code a
// v2 host runs — /proc/<pid>/cgroup → CgroupResolver → Sampler (every collector) → LineEncoder —
// and checks the line protocol that comes out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/schema.js';
import { CgroupResolver } from '../../src/discovery/cgroup-paths.js';
import { LineEncoder } from '../../src/encode/index.js';
import type { ContainerInfo } from '../../src/model.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'cgroup-v2');
const ID = 'decade00'.repeat(8);
const PID = 5100;

/** A v2 host root: the fixture tree plus what the resolver reads (root cgroup.controllers, /proc/<pid>/cgroup). */
function hostTree(layout: 'cgroupfs' | 'systemd'): string {
  const root = mkdtempSync(join(tmpdir(), `cgflux-v2-${layout}-`));
  cpSync(FIXTURE, root, { recursive: true });
  writeFileSync(join(root, 'sys/fs/cgroup/cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  const path = layout === 'cgroupfs' ? `/docker/${ID}` : `/system.slice/docker-${ID}.scope`;
  mkdirSync(join(root, 'proc', String(PID)), { recursive: true });
  writeFileSync(join(root, 'proc', String(PID), 'cgroup'), `0::${path}\n`);
  return root;
}

async function linesFor(layout: 'cgroupfs' | 'systemd'): Promise<{ lines: string[]; info: ContainerInfo; errors: ReadErrors }> {
  const root = hostTree(layout);
  try {
    const config = defaultConfig('v2host');
    config.host = { proc_root: join(root, 'proc'), cgroup_root: join(root, 'sys/fs/cgroup'), sys_root: join(root, 'sys'), hostname: 'v2host' };
    config.collectors.network.include_loopback = true;
    const errors = new ReadErrors();
    const cgroup = await new CgroupResolver(config.host, errors).resolve(PID, ID);
    assert.ok(cgroup, `${layout}: the container's cgroup resolves`);
    const info: ContainerInfo = {
      id: ID, name: `web-${layout}`, image: 'nginx', imageTag: '1.27', labels: { 'com.docker.compose.project': 'shop' },
      composeProject: 'shop', composeService: 'web', state: 'running', pid: PID, restartCount: 0,
      startedAt: Date.parse('2026-11-22T00:00:00Z'), oomKilled: false, exitCode: 0, cgroup,
    };
    const files = new KeptFiles(errors);
    const sampler = new Sampler(config, files, errors);
    const samples = sampler.gather([info]);
    const bodies = new LineEncoder({ hostname: 'v2host', tags: config.tags }).encode(samples);
    sampler.close();
    return { lines: bodies.map((b) => `${b} 1795000000000000000`), info, errors };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The one line of `measurement` whose tag set is exactly `tags` (none of these values need escaping). */
function line(lines: string[], measurement: string, tags: Record<string, string>): string {
  const want = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  const found = lines.filter((l) => l.slice(0, l.indexOf(' ')) === `${measurement},${want}`);
  assert.equal(found.length, 1, `exactly one ${measurement},${want}\n${lines.join('\n')}`);
  return found[0].slice(found[0].indexOf(' '));
}

function containerTags(layout: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    host: 'v2host', container_name: `web-${layout}`, container_image: 'nginx', container_version: '1.27',
    compose_project: 'shop', compose_service: 'web', ...extra,
  };
}

test('cgroup v2, cgroupfs layout (/sys/fs/cgroup/docker/<id>): every family down to line protocol', async () => {
  const { lines, info } = await linesFor('cgroupfs');
  assert.equal(info.cgroup?.version, 2);
  assert.equal(info.cgroup?.driver, 'cgroupfs');
  assert.match(info.cgroup?.dirs.unified ?? '', new RegExp(`/sys/fs/cgroup/docker/${ID}$`));
  const t = (extra: Record<string, string> = {}) => containerTags('cgroupfs', extra);

  const cpu = line(lines, 'docker_container_cpu', t({ cpu: 'cpu-total' }));
  assert.match(cpu, / usage_total=2500000000i,usage_in_usermode=2000000000i,usage_in_kernelmode=500000000i,/);
  assert.match(cpu, /throttling_periods=400i,throttling_throttled_periods=40i,throttling_throttled_time=800000000i/);
  assert.match(cpu, /limit_cpus=1\.5[,\s]/);
  assert.match(cpu, new RegExp(`container_id="${ID}"`));

  const mem = line(lines, 'docker_container_mem', t());
  assert.match(mem, /[ ,]limit=536870912i/);
  assert.match(mem, /[ ,]oom_events=2i/);
  assert.match(mem, /[ ,]oom_kill=1i/);
  assert.match(mem, /[ ,]fail_count=12i/);
  assert.match(mem, /[ ,]usage_percent=/);

  assert.match(line(lines, 'docker_container_pids', t()), /^ current=12i,limit=4096i,/);
  const io = line(lines, 'docker_container_blkio', t({ device: '8:0', device_name: 'sda' }));
  assert.match(io, /io_service_bytes_recursive_read=1048576i,io_service_bytes_recursive_write=10485760i/);
  assert.match(line(lines, 'docker_container_blkio', t({ device: 'total' })), /io_service_bytes_recursive_read=1052672i,io_service_bytes_recursive_write=10493952i/);
  for (const resource of ['cpu', 'io', 'memory']) line(lines, 'docker_container_psi', t({ resource }));
  line(lines, 'docker_container_net', t({ network: 'total' }));
  line(lines, 'docker_container_context_switches', t({ method: 'proc' }));
  line(lines, 'docker_container_status', t());
  line(lines, 'host_cpu', { host: 'v2host' });
  line(lines, 'host_mem', { host: 'v2host' });
});

test('cgroup v2, systemd layout (system.slice/docker-<id>.scope): `max` limits are absent, u64 beyond int64 clamps', async () => {
  const { lines, info } = await linesFor('systemd');
  assert.equal(info.cgroup?.version, 2);
  assert.equal(info.cgroup?.driver, 'systemd');
  assert.match(info.cgroup?.dirs.unified ?? '', new RegExp(`/system\\.slice/docker-${ID}\\.scope$`));
  const t = (extra: Record<string, string> = {}) => containerTags('systemd', extra);

  const mem = line(lines, 'docker_container_mem', t());
  assert.doesNotMatch(mem, /[ ,]limit=/, 'memory.max "max" → no limit field');
  assert.doesNotMatch(mem, /usage_percent=/, 'no limit → no percentage');
  assert.doesNotMatch(line(lines, 'docker_container_pids', t()), /limit=/);
  // io.stat 259:0 rbytes=2^64-1 wbytes=2^63: clamped to the int64 maximum by the encoder.
  const dev = line(lines, 'docker_container_blkio', t({ device: '259:0', device_name: 'nvme0n1' }));
  assert.match(dev, /io_service_bytes_recursive_read=9223372036854775807i,io_service_bytes_recursive_write=9223372036854775807i/);
});

test('cgroup v2, systemd layout: the families that do not depend on limits are all there', async () => {
  const { lines } = await linesFor('systemd');
  const t = (extra: Record<string, string> = {}) => containerTags('systemd', extra);
  // cgroup.threads lists 5200 (voluntary 2^64-1, involuntary 0) and 5300 (1 and 2): the sum is
  // clamped to the int64 maximum, the involuntary sum is exact.
  assert.match(line(lines, 'docker_container_context_switches', t({ method: 'proc' })), /^ voluntary=9223372036854775807i,involuntary=2i,threads=2i,/);
  line(lines, 'docker_container_net', t({ network: 'total' }));
  line(lines, 'docker_container_blkio', t({ device: 'total' }));
  line(lines, 'docker_container_status', t());
});
