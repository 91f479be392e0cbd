// `cgflux top` against `docker stats`, each streaming with its output read and thrown away (both in
// their non-terminal mode, which prints every container every second). Both watch every running
// container: `docker stats` given a list of containers exits as soon as one of them answers late
// ("timeout waiting for stats"), which a loaded machine makes common.
// Counted: the client's CPU (with its live children: cgflux top's kernel-counter helper), and
// dockerd + containerd + the shims of the benchmark's containers (other containers' shims are
// left out, in docker stats' favour), minus what those spent in an idle window just before
// (dockerd also serves others on a shared machine). The machine's noise comes and goes, so the
// windows alternate round by round — idle, top, idle, docker stats — and the ratio is the median
// of the rounds'. Start-up is counted apart: a live view runs for minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { median } from '../lib/stats.js';
import { dockerProcesses, processTreeTicks, splitTicks, ticksToMicros, type DaemonProcess } from './daemon-cpu.js';

export interface ClientRun {
  /** CPU of the client in its start-up (not in the window), µs. */
  client_startup_us: number;
  /** CPU of the client process over the window, µs. */
  client_us: number;
  /** dockerd + containerd + shims over the window, µs, before and after subtracting idle. */
  docker_raw_us: number;
  docker_net_us: number;
  wall_s: number;
  /** Lines the client printed: shows that it did work during the window. */
  lines_out: number;
}

export interface TopVsStatsResult {
  /** The benchmark's containers, and every running container both clients watched. */
  containers: number;
  containers_watched: number;
  rounds: number;
  /** Measured seconds per client: rounds × window. */
  seconds: number;
  /** Per client, summed over the rounds; `percent_of_core` = (client + docker net) ÷ wall. */
  top: ClientRun & { percent_of_core: number };
  docker_stats: ClientRun & { percent_of_core: number };
  /** Median over the rounds of docker stats' CPU ÷ cgflux top's (client + docker net each). */
  ratio: number;
  ratio_per_round: number[];
  /** The sums' ratio with nothing subtracted (other users' noise counted on both sides). */
  ratio_raw: number;
}

export interface TopVsStatsOptions {
  rounds: number;
  windowSeconds: number;
  idleSeconds: number;
  warmupSeconds: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function dockerTicks(processes: readonly DaemonProcess[]): number {
  const t = splitTicks(processes);
  return t.shims + t.daemons;
}

/** One window of one client: idle first, then the client started, warmed up and measured. */
async function window(command: string, args: readonly string[], docker: readonly DaemonProcess[], o: TopVsStatsOptions): Promise<ClientRun> {
  const i0 = dockerTicks(docker);
  const idleStart = performance.now();
  await sleep(o.idleSeconds * 1000);
  const idleWallS = (performance.now() - idleStart) / 1000;
  const idleTicks = dockerTicks(docker) - i0;

  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const exitedWithin = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  const fail = (): never => {
    throw new Error(`${command} ${args[0] ?? ''} exited during its window: ${stderr.trim().split('\n')[0] || `exit code ${child.exitCode}`}`);
  };
  try {
    if (await exitedWithin(o.warmupSeconds * 1000)) fail();
    const startup = processTreeTicks(child.pid!);
    const d0 = dockerTicks(docker);
    const start = performance.now();
    lines = 0;
    if (await exitedWithin(o.windowSeconds * 1000)) fail();
    const client = processTreeTicks(child.pid!) - startup;
    const wallS = (performance.now() - start) / 1000;
    const raw = ticksToMicros(dockerTicks(docker) - d0);
    return {
      client_startup_us: ticksToMicros(startup),
      client_us: ticksToMicros(client),
      docker_raw_us: raw,
      docker_net_us: raw - ticksToMicros(idleTicks) * (wallS / idleWallS),
      wall_s: wallS,
      lines_out: lines,
    };
  } finally {
    // SIGTERM: a process started from a background job may ignore SIGINT.
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  }
}

const total = (r: ClientRun) => r.client_us + Math.max(0, r.docker_net_us);

function sum(runs: readonly ClientRun[]): ClientRun & { percent_of_core: number } {
  const add = (k: keyof ClientRun) => runs.reduce((s, r) => s + r[k], 0);
  const out: ClientRun = {
    client_startup_us: median(runs.map((r) => r.client_startup_us)),
    client_us: add('client_us'),
    docker_raw_us: add('docker_raw_us'),
    docker_net_us: runs.reduce((s, r) => s + Math.max(0, r.docker_net_us), 0),
    wall_s: add('wall_s'),
    lines_out: add('lines_out'),
  };
  return { ...out, percent_of_core: (total(out) / (out.wall_s * 1e6)) * 100 };
}

/**
 * `cgflux top` (the built CLI at `cliPath`) and `docker stats`, round by round; `ids` are the
 * benchmark's containers (whose shims are counted), `watched` how many were running in all.
 */
export async function measureTopVsStats(cliPath: string, dockerSocket: string, ids: readonly string[], watched: number, o: TopVsStatsOptions, log: (msg: string) => void): Promise<TopVsStatsResult> {
  const docker = dockerProcesses(ids);
  const format = '{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
  const tops: ClientRun[] = [];
  const stats: ClientRun[] = [];
  for (let r = 0; r < o.rounds; r++) {
    tops.push(await window(process.execPath, [cliPath, 'top', '--interval', '1s', '--docker-socket', dockerSocket], docker, o));
    stats.push(await window('docker', ['stats', '--format', format], docker, o));
    log(`round ${r + 1}/${o.rounds}: docker stats ÷ cgflux top = ${(total(stats[r]) / total(tops[r])).toFixed(1)}×`);
  }
  const top = sum(tops);
  const dockerStats = sum(stats);
  const perRound = tops.map((t, i) => total(stats[i]) / total(t));
  return {
    containers: ids.length,
    containers_watched: watched,
    rounds: o.rounds,
    seconds: o.rounds * o.windowSeconds,
    top,
    docker_stats: dockerStats,
    ratio: median(perRound),
    ratio_per_round: perRound,
    ratio_raw: (dockerStats.client_us + dockerStats.docker_raw_us) / (top.client_us + top.docker_raw_us),
  };
}
