// What listing a container's tasks costs, per container-sample, on real containers: the context-
// switch collector with the cgroup lists (cgflux in the host pid namespace) against the scan of
// the host /proc (cgflux in its own container), and the processes collector on each path. The
// scan's host-wide part (readdir of /proc, a stat per host process) is shared by every container
// of a tick, so the figure depends on how many processes the host runs: it is reported too.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Config } from '../../src/config/schema.js';
import type { ContainerInfo } from '../../src/model.js';
import type { Collector } from '../../src/sampler/collector.js';
import { createContextSwitchesCollector } from '../../src/sampler/collectors/context-switches.js';
import { createProcessesCollector } from '../../src/sampler/collectors/processes.js';
import { KeptFiles } from '../../src/sampler/kept-files.js';
import { ReadErrors } from '../../src/errors/read-errors.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { TaskLister } from '../../src/sampler/tasks/task-lister.js';
import type { TaskSource } from '../../src/sampler/tasks/pid-namespace.js';
import { BENCH_IMAGE, BENCH_LABEL, inspectContainers, removeBenchContainers } from '../real/containers.js';
import { cpuMicros, median, yieldToLoop } from '../lib/stats.js';

const run = promisify(execFile);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

export interface TasksResult {
  containers: number;
  host_processes: number;
  /** µs of CPU per container-sample, medians over ticks. */
  context_switches_cgroup_us: number;
  context_switches_scan_us: number;
  processes_cgroup_us: number;
  processes_scan_us: number;
  /** /proc/<pid>/cgroup reads per steady-state scan (new pids only). */
  scan_cgroup_reads_per_tick: number;
}

async function startContainers(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { stdout } = await run('docker', ['run', '-d', '--network', 'none', '--label', `${BENCH_LABEL}=${process.pid}`, '--name', `cgflux-bench-tasks-${process.pid}-${i}`,
      BENCH_IMAGE, 'sh', '-c', 'while :; do usleep 200000; done & sleep 3600 & sleep 3600 & wait' /* 4-5 processes */]);
    ids.push(stdout.trim());
  }
  return ids;
}

function measure(config: Config, containers: readonly ContainerInfo[], make: (tasks: TaskLister) => Collector, source: TaskSource, ticks: number): { us: number; reads: number } {
  const tasks = new TaskLister({ source, log: quiet });
  const errors = new ReadErrors();
  const sampler = new Sampler(config, new KeptFiles(errors), errors, [make(tasks)]);
  const per: number[] = [];
  let reads = 0;
  try {
    for (let i = 0; i < 3; i++) sampler.gather(containers);
    for (let i = 0; i < ticks; i++) {
      const before = tasks.scanStats?.cgroupReads ?? 0;
      const t0 = cpuMicros();
      sampler.gather(containers);
      per.push((cpuMicros() - t0) / containers.length);
      reads += (tasks.scanStats?.cgroupReads ?? 0) - before;
    }
  } finally {
    sampler.close();
  }
  return { us: median(per), reads: reads / ticks };
}

export async function runTasksStage(config: Config, opts: { containers: number; ticks: number }, log: (m: string) => void): Promise<TasksResult> {
  await removeBenchContainers();
  const ids = await startContainers(opts.containers);
  try {
    const containers = await inspectContainers(ids);
    await yieldToLoop();
    const hostProcesses = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
    log(`tasks: ${containers.length} containers, ${hostProcesses} host processes`);
    const cs = (tasks: TaskLister) => createContextSwitchesCollector({ tasks });
    const ps = (tasks: TaskLister) => createProcessesCollector({ tasks });
    const csList = measure(config, containers, cs, 'cgroup', opts.ticks);
    const csScan = measure(config, containers, cs, 'proc_scan', opts.ticks);
    const psList = measure(config, containers, ps, 'cgroup', opts.ticks);
    const psScan = measure(config, containers, ps, 'proc_scan', opts.ticks);
    return {
      containers: containers.length,
      host_processes: hostProcesses,
      context_switches_cgroup_us: csList.us,
      context_switches_scan_us: csScan.us,
      processes_cgroup_us: psList.us,
      processes_scan_us: psScan.us,
      scan_cgroup_reads_per_tick: csScan.reads,
    };
  } finally {
    await removeBenchContainers();
  }
}

/** The report's rows for this stage. */
export function tasksRows(r: TasksResult, num: (x: number | undefined, d?: number) => string): Array<[string, string]> {
  const at = `×${r.containers}, ${r.host_processes} host processes`;
  return [
    [`tasks ${at}: context_switches, cgroup lists / /proc scan`, `${num(r.context_switches_cgroup_us)} / ${num(r.context_switches_scan_us)} µs per container-sample`],
    [`tasks ${at}: processes (top 5), cgroup lists / /proc scan`, `${num(r.processes_cgroup_us)} / ${num(r.processes_scan_us)} µs per container-sample`],
    [`tasks: /proc/<pid>/cgroup reads per steady tick`, num(r.scan_cgroup_reads_per_tick, 1)],
  ];
}
