// The two ways of counting context switches side by side on the same real containers: /proc
// (today's per-thread reads of /proc/<tid>/status) and the kernel counter (one read of the BPF
// map per tick for every container, no per-thread reads). CPU per container-sample of a streamed
// tick with only that collector, ticks alternated so both see the same noise. The kernel method
// also pays in its helper (its CPU is added) and in the kernel on every switch (the program's run
// time per switch, from bpf_stats, reported apart: it grows with the switch rate, not the samples).
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/log.js';
import { createContextSwitchesCollector } from '../../src/sampler/collectors/context-switches.js';
import { KernelSwitches } from '../../src/sampler/kernel-switches/kernel-switches.js';
import { createPipeline } from '../lib/cgflux.js';
import { cpuMicros, median, yieldToLoop } from '../lib/stats.js';
import { BENCH_IMAGE, BENCH_LABEL, inspectContainers, removeBenchContainers } from '../real/containers.js';

const run = promisify(execFile);

export interface ContextSwitchesResult {
  containers: number;
  threads_per_container: number;
  ticks: number;
  proc_us_per_container_sample: number;
  /** cgflux's side plus the helper's CPU (the map read), per container-sample. */
  kernel_us_per_container_sample: number;
  kernel_helper_us_per_container_sample: number;
  /** The BPF program's run time per context switch (any task, any cgroup), ns. */
  kernel_ns_per_switch?: number;
  method: string;
  reason: string;
}

/** CPU time of the helper, µs: /proc/<pid>/schedstat's first field is its time on a CPU in ns. */
function helperCpuMicros(pid: number | undefined): number {
  if (!pid) return 0;
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

/** run_time_ns and run_cnt of the helper's BPF program (zero unless kernel.bpf_stats_enabled). */
function programStats(pid: number | undefined): { ns: number; runs: number } {
  if (!pid) return { ns: 0, runs: 0 };
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    const ns = /^run_time_ns:\s+(\d+)$/m.exec(info);
    const runs = /^run_cnt:\s+(\d+)$/m.exec(info);
    if (ns && runs) return { ns: Number(ns[1]), runs: Number(runs[1]) };
  }
  return { ns: 0, runs: 0 };
}

export async function runContextSwitchesStage(config: Config, opts: { containers: number; ticks: number }, log: (m: string) => void): Promise<ContextSwitchesResult> {
  const quiet: Logger = { debug() {}, info() {}, warn: log, error: log, child: () => quiet };
  const kernel = new KernelSwitches({ setting: 'auto', log: quiet });
  const method = await kernel.start();
  log(`context switches: kernel method ${method} (${kernel.reason})`);
  const statsPath = '/proc/sys/kernel/bpf_stats_enabled';
  let statsBefore: string | undefined;
  try {
    statsBefore = readFileSync(statsPath, 'utf8').trim();
    writeFileSync(statsPath, '1');
  } catch {
    statsBefore = undefined;
  }
  const ids: string[] = [];
  try {
    await removeBenchContainers();
    for (let i = 0; i < opts.containers; i++) {
      const { stdout } = await run('docker', ['run', '-d', '--network', 'none', '--label', `${BENCH_LABEL}=${process.pid}`, '--name', `cgflux-bench-ctxsw-${process.pid}-${i}`,
        BENCH_IMAGE, 'sh', '-c', 'sleep 3600 & sleep 3600 & sleep 3600 & wait']);
      ids.push(stdout.trim());
    }
    const containers = await inspectContainers(ids);
    const proc = await createPipeline(config, [createContextSwitchesCollector()]);
    const exact = await createPipeline(config, [createContextSwitchesCollector({ kernel })]);
    const procUs: number[] = [];
    const kernelUs: number[] = [];
    const helperUs: number[] = [];
    const bpf0 = programStats(kernel.helperPid);
    try {
      for (let t = 0; t < opts.ticks + 3; t++) {
        let c0 = cpuMicros();
        proc.tick(containers, Date.now());
        const p = cpuMicros() - c0;
        const h0 = helperCpuMicros(kernel.helperPid);
        c0 = cpuMicros();
        exact.tick(containers, Date.now());
        const k = cpuMicros() - c0;
        const h = helperCpuMicros(kernel.helperPid) - h0;
        if (t >= 3) {
          procUs.push(p / containers.length);
          kernelUs.push(k / containers.length);
          helperUs.push(h / containers.length);
        }
        await yieldToLoop();
      }
    } finally {
      proc.close();
      exact.close();
    }
    const bpf1 = programStats(kernel.helperPid);
    let threads = 0;
    for (const c of containers) threads += readFileSync(`${c.cgroup!.dirs.unified}/cgroup.threads`, 'utf8').trim().split('\n').length;
    const helperMean = median(helperUs);
    return {
      containers: containers.length,
      threads_per_container: threads / Math.max(containers.length, 1),
      ticks: procUs.length,
      proc_us_per_container_sample: median(procUs),
      kernel_us_per_container_sample: median(kernelUs) + helperMean,
      kernel_helper_us_per_container_sample: helperMean,
      kernel_ns_per_switch: bpf1.runs > bpf0.runs ? (bpf1.ns - bpf0.ns) / (bpf1.runs - bpf0.runs) : undefined,
      method,
      reason: kernel.reason,
    };
  } finally {
    kernel.close();
    if (statsBefore !== undefined) writeFileSync(statsPath, statsBefore);
    if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
  }
}

/** The report's rows for this stage. */
export function contextSwitchesRows(c: ContextSwitchesResult, num: (value: number | undefined, digits?: number) => string): Array<[string, string]> {
  const kernel = c.method === 'kernel'
    ? ` (helper ${num(c.kernel_helper_us_per_container_sample)} µs; BPF ${num(c.kernel_ns_per_switch, 0)} ns per switch)`
    : ` (kernel method unavailable: ${c.reason})`;
  return [[`context switches ×${c.containers} (${num(c.threads_per_container, 1)} threads): /proc / kernel per container-sample`, `${num(c.proc_us_per_container_sample)} / ${num(c.kernel_us_per_container_sample)} µs${kernel}`]];
}
