// The daemon as deployed: `cgflux run` as its own process (the build in dist/, shipped defaults,
// output to /dev/null, no HTTP), sampling the benchmark's real containers at a given interval.
// What users pay is every thread of that process (main, libuv pool, V8 workers and GC), between
// ticks too, so the CPU is read from /proc/<pid>/task/*/schedstat over a window of whole
// intervals after a warm-up. The window starts half an interval after a slot, so it holds
// exactly `ticks` ticks, and it spans whole minutes: the 30 s and 60 s refreshes fall into it as
// often as they do in a user's day, so the mean over it is what a tick costs on average. The
// warm-up is counted in ticks, not seconds: V8 optimises a function after so many calls, so at
// 10 s the code is still warming for minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../lib/compile.js';
import { median } from '../lib/stats.js';
import { childPids } from './daemon-cpu.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

export interface DaemonCpuResult {
  interval_ms: number;
  ticks: number;
  containers: number;
  window_s: number;
  /** CPU of all threads over the window, ms. */
  cpu_ms: number;
  /** The window's CPU ÷ its ticks over whole minutes: what a user pays, and the figure the ratios use. */
  per_tick_ms: number;
  /** Median of the per-interval CPU: a typical tick, without the 30 s and 60 s refreshes. */
  per_tick_median_ms: number;
  /** CPU of all threads in each interval of the window, in order: how far the warm-up had gone. */
  per_tick_series_ms: number[];
  /** per_tick_ms ÷ containers (the mean). */
  us_per_container_sample: number;
  /** The same window from /proc/<pid>/stat (10 ms resolution): user and system time, a cross-check. */
  stat_user_ms: number;
  stat_sys_ms: number;
  /** Minor page faults per tick: memory the process gave back between ticks and touched again. */
  minor_faults_per_tick: number;
  /** CPU per tick of the main thread ("main") and of all the others ("other"), ms. */
  per_tick_ms_by_thread: Record<string, number>;
  rss_mb: number;
  threads: number;
  /** Lines the daemon wrote on stderr that are not its routine info lines (warnings, errors). */
  complaints: string[];
}

export interface DaemonCpuOptions {
  intervalMs: number;
  warmupMs: number;
  /** Rounded up to whole minutes when the interval divides one. */
  ticks: number;
  /** Only containers with this label (key=value) are sampled: others on a shared host are not ours. */
  label: string;
  containers: number;
  /** Arguments of `node`; the shipped NODE_FLAGS (as the image runs it) when not given. */
  nodeArgs?: string[];
  /** Another build's cli.js (a before/after comparison); default this tree's dist/src/cli.js. */
  cli?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest refresh period of the collectors (blkio's full read): a window spans whole ones. */
const REFRESH_CYCLE_MS = 60_000;

/** `ticks` rounded up to a whole number of refresh cycles, when the interval divides one. */
export function wholeCycleTicks(intervalMs: number, ticks: number): number {
  if (REFRESH_CYCLE_MS % intervalMs !== 0) return ticks;
  const perCycle = REFRESH_CYCLE_MS / intervalMs;
  return Math.ceil(ticks / perCycle) * perCycle;
}

/**
 * ns on CPU of every thread of `pid`: the main thread (tid = pid) as "main", the others (libuv
 * pool, V8 platform workers that also run GC) as "other", its live children's (the kernel
 * counter's helper) as "helper". Threads that exited are lost (Node keeps its pools for the life
 * of the process).
 */
export function threadCpuNs(pid: number, procRoot = '/proc'): Map<string, number> {
  const byName = new Map<string, number>([['main', 0], ['other', 0]]);
  const add = (owner: number, name: (tid: number) => string): void => {
    let tids: string[];
    try {
      tids = readdirSync(`${procRoot}/${owner}/task`);
    } catch {
      return; // exited
    }
    for (const tid of tids) {
      try {
        const ns = Number(readFileSync(`${procRoot}/${owner}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
        const key = name(Number(tid));
        byName.set(key, (byName.get(key) ?? 0) + ns);
      } catch {
        /* the thread exited while listing */
      }
    }
  };
  add(pid, (tid) => (tid === pid ? 'main' : 'other'));
  // The daemon's children are part of it: the kernel counter's helper answers every tick.
  for (const child of childPids(pid, procRoot)) add(child, () => 'helper');
  return byName;
}

/** utime, stime (ms, 10 ms resolution) and minor page faults of the process, from /proc/<pid>/stat. */
function procStat(pid: number): { userMs: number; sysMs: number; minorFaults: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command (which may hold spaces): state is field 3, minflt 10, utime 14, stime 15.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { userMs: Number(rest[11]) * 10, sysMs: Number(rest[12]) * 10, minorFaults: Number(rest[7]) };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export function sum(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

function configFile(dir: string, label: string): string {
  const path = join(dir, 'cgflux.yaml');
  writeFileSync(path, `docker:\n  include:\n    labels: [${JSON.stringify(label)}]\nspool:\n  dir: ${JSON.stringify(join(dir, 'spool'))}\n`);
  return path;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A running `cgflux run` of the benchmark. */
export interface BenchDaemon {
  pid: number;
  /** Lines it wrote on stderr that are not its routine info lines. */
  complaints: string[];
  /** Set when it exited before stop(). */
  exitedEarly(): string | undefined;
  stop(): Promise<void>;
}

/** Starts `cgflux run` from dist/ (built by the caller) on the labelled containers, output to /dev/null, no HTTP. */
export function startDaemon(o: Pick<DaemonCpuOptions, 'intervalMs' | 'label' | 'nodeArgs' | 'cli'>): BenchDaemon {
  const dir = mkdtempSync(join(tmpdir(), 'cgflux-bench-daemon-'));
  const args = [...(o.nodeArgs ?? NODE_FLAGS), o.cli ? resolve(o.cli) : join(REPO_ROOT, 'dist/src/cli.js'), 'run', '--config', configFile(dir, o.label),
    '--output', 'file:/dev/null', '--no-http', '--interval', `${o.intervalMs}ms`];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const complaints: string[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const lines = stderr.split('\n');
    stderr = lines.pop() ?? '';
    for (const line of lines) if (line.trim() && !/\bINFO\b/.test(line)) complaints.push(line);
  });
  let exitedEarly: string | undefined;
  child.once('exit', (code, signal) => (exitedEarly = `cgflux run exited early (${signal ?? `exit ${code}`}): ${complaints.slice(-3).join(' | ')}`));
  return {
    pid: child.pid!,
    complaints,
    exitedEarly: () => exitedEarly,
    async stop() {
      child.removeAllListeners('exit');
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `cgflux run` from dist/ (built by the caller) and measures one window of whole ticks. */
export async function measureDaemonCpu(options: DaemonCpuOptions): Promise<DaemonCpuResult> {
  const o = { ...options, ticks: wholeCycleTicks(options.intervalMs, options.ticks) };
  const daemon = startDaemon(o);
  const { complaints } = daemon;
  try {
    await sleep(o.warmupMs);
    // Half an interval past a slot: the window then holds exactly `ticks` ticks.
    const now = Date.now();
    const start = Math.floor(now / o.intervalMs) * o.intervalMs + o.intervalMs / 2;
    await sleep(start > now ? start - now : start + o.intervalMs - now);
    if (daemon.exitedEarly()) throw new Error(daemon.exitedEarly());
    const pid = daemon.pid;
    const t0 = performance.now();
    const before = threadCpuNs(pid);
    const stat0 = procStat(pid);
    const series: number[] = [];
    let previous = sum(before);
    for (let t = 1; t <= o.ticks; t++) {
      await sleep(Math.max(0, t * o.intervalMs - (performance.now() - t0)));
      if (daemon.exitedEarly()) throw new Error(daemon.exitedEarly());
      const now = sum(threadCpuNs(pid));
      series.push((now - previous) / 1e6);
      previous = now;
    }
    const after = threadCpuNs(pid);
    const stat1 = procStat(pid);
    const windowS = (performance.now() - t0) / 1000;
    const cpuMs = (sum(after) - sum(before)) / 1e6;
    const byThread: Record<string, number> = {};
    for (const [name, ns] of after) byThread[name] = (ns - (before.get(name) ?? 0)) / 1e6 / o.ticks;
    return {
      interval_ms: o.intervalMs,
      ticks: o.ticks,
      containers: o.containers,
      window_s: windowS,
      cpu_ms: cpuMs,
      per_tick_ms: cpuMs / o.ticks,
      per_tick_median_ms: median(series),
      per_tick_series_ms: series,
      us_per_container_sample: (cpuMs * 1000) / o.ticks / o.containers,
      stat_user_ms: stat1.userMs - stat0.userMs,
      stat_sys_ms: stat1.sysMs - stat0.sysMs,
      minor_faults_per_tick: (stat1.minorFaults - stat0.minorFaults) / o.ticks,
      per_tick_ms_by_thread: Object.fromEntries(Object.entries(byThread).sort((a, b) => b[1] - a[1])),
      rss_mb: rssMb(pid),
      threads: readdirSync(`/proc/${pid}/task`).length,
      complaints,
    };
  } finally {
    await daemon.stop();
  }
}
