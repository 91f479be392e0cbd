// `cgflux top` against `docker stats`, each streaming for the same wall time with its output read
// and thrown away (both in their non-terminal mode, which prints every container every second).
// Both watch every running container: `docker stats` given a list of containers exits as soon as
// one of them answers late ("timeout waiting for stats"), which a loaded machine makes common.
// Counted: the client's CPU, and dockerd + containerd + the shims of the benchmark's containers
// (other containers' shims are left out, in docker stats' favour), minus what those spent in an
// idle window just before each (the machine is shared: dockerd also serves others). Clock ticks
// from /proc/<pid>/stat, hence the long windows.
import { spawn, type ChildProcess } from 'node:child_process';
import { dockerProcesses, processTicks, splitTicks, ticksToMicros } from './daemon-cpu.js';

export interface ClientRun {
  /** CPU of the client in its first WARMUP_MS (start-up), µs: not in the window. */
  client_startup_us: number;
  /** CPU of the client process over the window, µs. */
  client_us: number;
  /** dockerd + containerd + shims over the window, µs, before and after subtracting idle. */
  docker_raw_us: number;
  docker_net_us: number;
  /** client + docker_net, in % of one core. */
  total_percent_of_core: number;
  wall_s: number;
  /** Frames (lines) the client printed: shows that it did work during the window. */
  lines_out: number;
  /** Runs needed for one whole window (docker stats may give up on a loaded machine). */
  attempts: number;
}

export interface TopVsStatsResult {
  /** The benchmark's containers, and every running container both clients watched. */
  containers: number;
  containers_watched: number;
  seconds: number;
  idle_seconds: number;
  top: ClientRun;
  docker_stats: ClientRun;
  /** docker stats' total CPU ÷ cgflux top's. */
  ratio: number;
  /** The same with nothing subtracted (noise of other users counted on both sides). */
  ratio_raw: number;
}

const WARMUP_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function measureClient(command: string, args: readonly string[], ids: readonly string[], seconds: number, idleSeconds: number): Promise<ClientRun> {
  const docker = dockerProcesses(ids);
  const ticks = (): number => {
    const t = splitTicks(docker);
    return t.shims + t.daemons;
  };
  const i0 = ticks();
  const idleStart = performance.now();
  await sleep(idleSeconds * 1000);
  const idleWallS = (performance.now() - idleStart) / 1000;
  const idleTicks = ticks() - i0;

  // A client that exits early (dockerd unreachable for a moment) is started again, the failed
  // attempt not counted.
  let attempt = 0;
  let window: { clientTicks: number; startupTicks: number; dockerTicks: number; wallS: number; lines: number };
  for (;;) {
    attempt++;
    const run = await runWindow(command, args, seconds, ticks);
    if ('error' in run) {
      if (attempt >= 3) throw new Error(`${command} ${args[0]} exited before the window ended, ${attempt} times: ${run.error}`);
      continue;
    }
    window = run;
    break;
  }
  const { clientTicks, startupTicks, dockerTicks, wallS, lines } = window;
  const client = ticksToMicros(clientTicks);
  const raw = ticksToMicros(dockerTicks);
  const net = raw - ticksToMicros(idleTicks) * (wallS / idleWallS);
  return {
    client_startup_us: ticksToMicros(startupTicks),
    client_us: client,
    docker_raw_us: raw,
    docker_net_us: net,
    total_percent_of_core: ((client + Math.max(0, net)) / (wallS * 1e6)) * 100,
    wall_s: wallS,
    lines_out: lines,
    attempts: attempt,
  };
}

/** One run of the client for `seconds`; its CPU read just before it is stopped. */
async function runWindow(command: string, args: readonly string[], seconds: number, dockerTicks: () => number) {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const exitedWithin = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  const failed = () => ({ error: stderr.trim().split('\n')[0] || `exit code ${child.exitCode}` });
  // Start-up (Node loading its modules, the first list) is counted apart: a live view runs for
  // minutes, and the window measures what it costs while it runs.
  if (await exitedWithin(WARMUP_MS)) return failed();
  const startupTicks = processTicks(child.pid!);
  const d0 = dockerTicks();
  const start = performance.now();
  lines = 0;
  if (await exitedWithin(seconds * 1000)) return failed();
  const clientTicks = processTicks(child.pid!) - startupTicks;
  const wallS = (performance.now() - start) / 1000;
  const ticks = dockerTicks() - d0;
  // SIGTERM: a process started from a background job may ignore SIGINT.
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  return { clientTicks, startupTicks, dockerTicks: ticks, wallS, lines };
}

/**
 * Runs `cgflux top` (the built CLI at `cliPath`) then `docker stats`, each for `seconds` after an
 * idle window of `idleSeconds`; `ids` are the benchmark's containers (whose shims are counted),
 * `watched` how many containers were running in all.
 */
export async function measureTopVsStats(cliPath: string, dockerSocket: string, ids: readonly string[], watched: number, seconds: number, idleSeconds: number): Promise<TopVsStatsResult> {
  const top = await measureClient(process.execPath, [cliPath, 'top', '--interval', '1s', '--docker-socket', dockerSocket], ids, seconds, idleSeconds);
  const format = '{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
  const stats = await measureClient('docker', ['stats', '--format', format], ids, seconds, idleSeconds);
  const total = (r: ClientRun) => r.client_us + Math.max(0, r.docker_net_us);
  return {
    containers: ids.length,
    containers_watched: watched,
    seconds,
    idle_seconds: idleSeconds,
    top,
    docker_stats: stats,
    ratio: total(stats) / total(top),
    ratio_raw: (stats.client_us + stats.docker_raw_us) / (top.client_us + top.docker_raw_us),
  };
}
