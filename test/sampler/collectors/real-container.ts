// Helpers for the blkio / network / context-switch integration tests on real containers.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { CgroupResolver } from '../../../src/discovery/cgroup-paths.js';
import { containerPid, docker, waitFor } from '../../support/docker.js';
import { DOCKER_SOCKET } from '../../support/services.js';
import { container, harness, type Harness } from './fixture-context.js';

/** A real running container seen through the host's /proc, /sys and /sys/fs/cgroup. */
export async function realHarness(id: string): Promise<Harness & { pid: number }> {
  const pid = await containerPid(id);
  const cgroup = await new CgroupResolver({ proc_root: '/proc', cgroup_root: '/sys/fs/cgroup' }).resolve(pid, id);
  if (!cgroup) throw new Error(`cannot resolve the cgroup dirs of container ${id} (pid ${pid})`);
  return { ...harness({ container: container(id, pid), cgroup, procRoot: '/proc', sysRoot: '/sys' }), pid };
}

function uevent(majMin: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/sys/dev/block/${majMin}/uevent`, 'latin1').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** The whole disk holding Docker's data dir (a partition's parent disk): throttle rules apply to disks. */
export async function dockerDataDisk(): Promise<{ majMin: string; name: string; devPath: string }> {
  const root = await docker('info', '-f', '{{.DockerRootDir}}');
  const dev = statSync(root).dev;
  let majMin = `${(dev >> 8) & 0xfff}:${(dev & 0xff) | ((dev >> 12) & 0xfff00)}`;
  let info = uevent(majMin);
  if (info.DEVTYPE === 'partition') {
    const parent = dirname(realpathSync(`/sys/dev/block/${majMin}`));
    majMin = readFileSync(`${parent}/dev`, 'latin1').trim();
    info = uevent(majMin);
  }
  if (!info.DEVNAME) throw new Error(`Docker's data dir ${root} is on ${majMin}, which is not a block device in /sys`);
  return { majMin, name: info.DEVNAME, devPath: `/dev/${info.DEVNAME}` };
}

/** GET on the Docker API over its unix socket (the stats API cgflux replaces), parsed JSON. */
export function dockerApi<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: DOCKER_SOCKET, path, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        else resolve(JSON.parse(body) as T);
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.end();
  });
}

/** Waits until the container printed `marker` on its output. */
export async function waitForOutput(id: string, marker: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`"${marker}" in the output of ${id.slice(0, 12)}`, timeoutMs, async () => {
    const logs = await docker('logs', id);
    await new Promise((r) => setTimeout(r, 100));
    return logs.includes(marker) || undefined;
  });
}
