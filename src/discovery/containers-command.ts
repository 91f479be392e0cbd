// `cgflux containers`: what discovery sees right now, for a human checking a deployment.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ContainerInfo, Controller } from '../model.js';
import { KnownContainers } from './known-containers.js';

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

const CONTROLLER_ORDER: Controller[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids', 'unified'];

function clip(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}

interface Column {
  title: string;
  max: number;
  value(c: ContainerInfo): string;
}

const COLUMNS: Column[] = [
  { title: 'NAME', max: 28, value: (c) => c.name },
  { title: 'ID', max: 12, value: (c) => c.id.slice(0, 12) },
  { title: 'IMAGE', max: 30, value: (c) => `${c.image}:${c.imageTag}` },
  { title: 'STATE', max: 10, value: (c) => c.state },
  { title: 'PID', max: 8, value: (c) => (c.pid > 0 ? String(c.pid) : '-') },
  { title: 'COMPOSE', max: 20, value: (c) => (c.composeProject ? `${c.composeProject}/${c.composeService ?? '-'}` : '-') },
  { title: 'CGROUP', max: 14, value: (c) => (c.cgroup ? `v${c.cgroup.version} ${c.cgroup.driver}` : 'unresolved') },
];

/** A table (one row per container, its cgroup directories on indented lines below it). */
export function formatContainersTable(containers: ContainerInfo[]): string {
  const widths = COLUMNS.map((col) => Math.min(col.max, Math.max(col.title.length, ...containers.map((c) => col.value(c).length))));
  const row = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? clip(cell, widths[i]) : clip(cell, widths[i]).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [row(COLUMNS.map((c) => c.title))];
  if (containers.length === 0) lines.push('(no containers matched)');
  for (const c of containers) {
    lines.push(row(COLUMNS.map((col) => col.value(c))));
    const dirs = c.cgroup?.dirs ?? {};
    for (const controller of CONTROLLER_ORDER) {
      const dir = dirs[controller];
      if (dir) lines.push(`    ${controller.padEnd(8)} ${dir}`);
    }
  }
  return lines.join('\n') + '\n';
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** One list through KnownContainers, printed. Exit code 0, or 1 when dockerd cannot be reached. */
export async function runContainersCommand(config: Config, io: CommandIO): Promise<number> {
  const known = new KnownContainers(config, { log: quiet });
  try {
    const ok = await known.refresh();
    if (!ok) {
      io.stderr(
        `cgflux: cannot reach dockerd at ${config.docker.socket}: ${known.connectionProblem() ?? 'unknown error'}\n` +
          `(set docker.socket in the configuration, or CGFLUX_DOCKER_SOCKET, to where the Docker socket is)\n`,
      );
      return 1;
    }
    const containers = known.allContainers();
    io.stdout(formatContainersTable(containers));
    const unresolved = containers.filter((c) => c.pid > 0 && !c.cgroup).length;
    if (unresolved > 0) {
      io.stderr(
        `cgflux: ${unresolved} running container(s) without resolved cgroup directories: are host.proc_root ` +
          `(${config.host.proc_root}) and host.cgroup_root (${config.host.cgroup_root}) the host's?\n`,
      );
    }
    return 0;
  } finally {
    await known.stop();
  }
}
