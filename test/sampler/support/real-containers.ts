// Real containers as the sampler sees them (ContainerInfo with resolved cgroup dirs, through the
// discovery code), and Docker's own stats API answer for the same container, to compare with.
import { request } from 'node:http';
import type { ContainerInfo, Row, Sample } from '../../../src/model.js';
import { containerInfoFromInspect } from '../../../src/discovery/inspect-mapper.js';
import { CgroupResolver } from '../../../src/discovery/cgroup-paths.js';
import { docker } from '../../support/docker.js';
import { DOCKER_SOCKET } from '../../support/services.js';

const resolver = new CgroupResolver({ proc_root: '/proc', cgroup_root: '/sys/fs/cgroup' });

export async function realContainerInfo(id: string): Promise<ContainerInfo> {
  const [inspect] = JSON.parse(await docker('inspect', id));
  const info = containerInfoFromInspect(inspect);
  const cgroup = await resolver.resolve(info.pid, id);
  if (!cgroup) throw new Error(`no cgroup dirs found for container ${id} (pid ${info.pid})`);
  info.cgroup = cgroup;
  return info;
}

/** The parts of GET /containers/<id>/stats that the tests compare with. */
export interface DockerStats {
  read: string;
  pids_stats: { current?: number; limit?: number };
  cpu_stats: {
    cpu_usage: { total_usage: number; usage_in_usermode: number; usage_in_kernelmode: number; percpu_usage?: number[] };
    system_cpu_usage: number;
    online_cpus: number;
    throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
  };
  memory_stats: { usage: number; limit: number; stats: Record<string, number> };
}

/** One quick sample (`one-shot=true`: no second sample a second later). */
export function dockerStats(id: string): Promise<DockerStats> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: DOCKER_SOCKET, path: `/containers/${id}/stats?stream=false&one-shot=true`, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`stats API answered ${res.statusCode}: ${body}`));
        else resolve(JSON.parse(body) as DockerStats);
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('stats API timed out')));
    req.end();
  });
}

/** The one row of `measurement` (with `tags` when given) in the container's sample. */
export function rowOf(samples: Sample[], id: string, measurement: string, tags?: Record<string, string>): Row {
  const sample = samples.find((s) => s.container?.id === id);
  if (!sample) throw new Error(`no sample for container ${id.slice(0, 12)} (samples: ${samples.length})`);
  const row = sample.rows.find((r) => r.measurement === measurement && (!tags || Object.entries(tags).every(([k, v]) => r.tags?.[k] === v)));
  if (!row) throw new Error(`no ${measurement} row for ${id.slice(0, 12)}: ${sample.rows.map((r) => r.measurement).join(', ')}`);
  return row;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
