// `cgflux ps CONTAINER`: the container's processes read straight from the host's /proc and the
// cgroup (no InfluxDB, no docker exec, no daemon needed), two readings a gap apart for %CPU.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { KnownContainers } from '../discovery/known-containers.js';
import { findContainer } from '../discovery/container-ref.js';
import { byCpu, byRss } from '../sampler/processes/select.js';
import { processJson } from '../daemon/api/process-json.js';
import { formatPsTable, psHeader } from './ps-table.js';
import { sampleProcesses } from './sample-processes.js';

export interface PsOptions {
  container: string;
  sort: 'cpu' | 'mem';
  /** 0 = every process. */
  limit: number;
  json: boolean;
  gapMs: number;
  io: { stdout(s: string): void; stderr(s: string): void };
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

export async function runPsCommand(config: Config, o: PsOptions): Promise<number> {
  const registry = new KnownContainers(config, { log: quiet });
  try {
    if (!(await registry.refresh())) {
      o.io.stderr(`cgflux: cannot reach dockerd at ${config.docker.socket}: ${registry.connectionProblem() ?? 'unknown error'}\n`);
      return 1;
    }
    const found = findContainer(registry.allContainers(), o.container);
    if (!found.ok) {
      o.io.stderr(`cgflux: ${found.message}\n`);
      return 1;
    }
    const c = found.container;
    if (c.pid <= 0 || !c.cgroup) {
      o.io.stderr(`cgflux: container ${c.name} is ${c.state}${c.pid > 0 ? ' but its cgroup could not be found (see "cgflux containers")' : ''}: no processes to show\n`);
      return 1;
    }
    const now = await sampleProcesses(config, [c], o.gapMs);
    const snap = now.snapshots.get(c.id);
    if (!snap) {
      o.io.stderr(`cgflux: the processes of ${c.name} could not be read: ${now.errors.map(([, r, n]) => `${n} ${r}`).join(', ') || 'it stopped'}` +
        ` (is host.proc_root ${config.host.proc_root} the host's /proc?)\n`);
      return 1;
    }
    const ranked = snap.processes.map((p) => ({ p, pid: p.pid, cpuDelta: p.cpuDeltaNs, rss: p.rssBytes })).sort(o.sort === 'cpu' ? byCpu : byRss);
    const shown = (o.limit > 0 ? ranked.slice(0, o.limit) : ranked).map((r) => r.p);
    if (o.json) {
      o.io.stdout(JSON.stringify({
        container: { id: c.id, name: c.name }, sort: o.sort, interval_s: snap.intervalNs / 1e9, total_processes: snap.total,
        cpu_limit: snap.cpuLimit ?? null, memory_limit_bytes: snap.memoryLimitBytes ?? null, memory_basis_bytes: snap.memoryBasisBytes ?? null,
        processes: shown.map(processJson),
      }) + '\n');
    } else {
      o.io.stdout(psHeader(c.name, snap, shown.length) + formatPsTable(shown));
    }
    return 0;
  } finally {
    await registry.stop();
  }
}
