// The real containers of the benchmark: busybox, no network, labelled with the run's pid so that
// they are always found and removed (a crashed run's leftovers by the next run).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ContainerInfo } from '../../src/model.js';
import { containerInfoFromInspect, type InspectLike } from '../../src/discovery/inspect-mapper.js';
import { CgroupResolver } from '../../src/discovery/cgroup-paths.js';

const run = promisify(execFile);
export const BENCH_IMAGE = 'cgflux-test/busybox:latest';
export const BENCH_LABEL = 'io.cgflux.bench';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes this run's containers, and those a crashed earlier run left (their label names a pid
 * that is gone). Containers of another benchmark running at the same time are left alone.
 */
export async function removeBenchContainers(): Promise<void> {
  const listing = await docker('ps', '-a', '--filter', `label=${BENCH_LABEL}`, '--format', `{{.ID}} {{.Label "${BENCH_LABEL}"}}`);
  const ids: string[] = [];
  for (const line of listing.split('\n').filter(Boolean)) {
    const [id, owner] = line.split(' ');
    const pid = Number(owner);
    if (pid === process.pid || !Number.isInteger(pid) || pid <= 0 || !alive(pid)) ids.push(id);
  }
  if (ids.length) await docker('rm', '-f', ...ids);
}

/** Starts `count` containers (a few at a time: dockerd serializes much of a start anyway). */
export async function startBenchContainers(count: number): Promise<string[]> {
  await removeBenchContainers();
  const ids: string[] = [];
  const batch = 8;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const started = await Promise.all(
      Array.from({ length: n }, (_, k) =>
        docker('run', '-d', '--network', 'none', '--label', `${BENCH_LABEL}=${process.pid}`, '--name', `cgflux-bench-${process.pid}-${i + k}`,
          BENCH_IMAGE, 'sh', '-c', 'sleep 3600'),
      ),
    );
    ids.push(...started);
  }
  return ids;
}

/** How many of this run's containers are still running (another process may have removed some). */
export async function runningBenchContainers(): Promise<number> {
  const ids = await docker('ps', '-q', '--filter', `label=${BENCH_LABEL}=${process.pid}`, '--filter', 'status=running');
  return ids.split(/\s+/).filter(Boolean).length;
}

/** ContainerInfos with resolved cgroup dirs, as discovery would hand them to the sampler. */
export async function inspectContainers(ids: readonly string[]): Promise<ContainerInfo[]> {
  const inspected = JSON.parse(await docker('inspect', ...ids)) as InspectLike[];
  const resolver = new CgroupResolver({ proc_root: '/proc', cgroup_root: '/sys/fs/cgroup' });
  const infos: ContainerInfo[] = [];
  for (const raw of inspected) {
    const info = containerInfoFromInspect(raw);
    info.cgroup = await resolver.resolve(info.pid, info.id);
    if (!info.cgroup) throw new Error(`cannot resolve the cgroup dirs of container ${info.name} (pid ${info.pid})`);
    infos.push(info);
  }
  return infos;
}
