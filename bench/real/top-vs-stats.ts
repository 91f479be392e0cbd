// `cgflux top` against `docker stats`, each streaming with its output read and thrown away (both in
// their non-terminal mode, which prints every container every second). Both watch every running
// container: `docker stats` given a list of containers exits as soon as one of them answers late
// ("timeout waiting for stats"), which a loaded machine makes common.
// Counted: the client's CPU (with its live children: cgflux top's kernel-counter helper), and
// dockerd + containerd + the shims of the benchmark's containers (other containers' shims are
// left out, in docker stats' favour), minus Docker's idle CPU over the same wall time. Docker's
// idle is bursty (each shim's Go runtime collects its garbage on its own clock: 0 to 400 ms per
// 10 s for 50 shims here), so it is measured in idle windows as long as the clients' — one
// before each client window: idle, top, idle, docker stats, then the next round the other way
// round, so that what one client leaves behind does not always land before the same other — and
// subtracted at the rate of all of them together. The ratio is of the totals over all rounds
// (the same seconds for each client); the rounds' own ratios show the spread. A live view runs
// for minutes: each client is measured once warm. V8 optimises top's per-frame code after enough
// frames: its CPU per second fell from 700 µs per container in its first 30 s to 220 (30–60 s),
// 150 (60–90 s) and 130–145 after, so it runs 90 s first. docker stats (Go) costs the same from
// its first 10 s on (190–230 ms per second in 10 s windows), so 10 s. Start-up and warm-up are
// reported apart. Each client is stopped before the other's window: a top kept
// alive would leave its kernel program attached to Docker's threads.
import { spawn, type ChildProcess } from 'node:child_process';
import { median } from '../lib/stats.js';
import { dockerProcesses, processTreeTicks, splitTicks, ticksToMicros, type DaemonProcess } from './daemon-cpu.js';
import { NODE_FLAGS } from '../../src/runtime-flags.js';

export interface ClientRun {
  /** CPU of the client in its start-up and warm-up (not in the window), µs. */
  client_startup_us: number;
  /** CPU of the client process over the window, µs. */
  client_us: number;
  /** dockerd + containerd + shims over the window, µs, before and after subtracting idle. */
  docker_raw_us: number;
  docker_net_us: number;
  /** Docker's CPU in the idle window before this one, and that window's length. */
  idle_us: number;
  idle_wall_s: number;
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
  /** Seconds each client ran before its window (start-up, then warm-up). */
  warmup_s: { top: number; docker_stats: number };
  /** Per client, summed over the rounds; `percent_of_core` = (client + docker net) ÷ wall. */
  top: ClientRun & { percent_of_core: number };
  docker_stats: ClientRun & { percent_of_core: number };
  /** Docker's idle CPU, µs per second, over every idle window of the stage. */
  docker_idle_us_per_s: number;
  /** docker stats' CPU ÷ cgflux top's over all rounds (client + Docker net of idle, each). */
  ratio: number;
  /** The same per round, with the stage's idle rate. */
  ratio_per_round: number[];
  /** The sums' ratio with nothing subtracted (other users' noise counted on both sides). */
  ratio_raw: number;
}

export interface TopVsStatsOptions {
  rounds: number;
  windowSeconds: number;
  idleSeconds: number;
  /** Seconds cgflux top runs before its window: until V8 has optimised its per-frame code. */
  warmupSeconds: number;
  /** Seconds docker stats runs before its window (compiled Go: its cost is flat after start-up). */
  statsWarmupSeconds: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function dockerTicks(processes: readonly DaemonProcess[]): number {
  const t = splitTicks(processes);
  return t.shims + t.daemons;
}

/** One window of one client: idle first, then the client started, warmed up and measured. */
async function window(command: string, args: readonly string[], docker: readonly DaemonProcess[], o: TopVsStatsOptions, warmupSeconds: number): Promise<ClientRun> {
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
    if (await exitedWithin(warmupSeconds * 1000)) fail();
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
      docker_net_us: raw, // minus idle once every idle window is in (withIdle)
      idle_us: ticksToMicros(idleTicks),
      idle_wall_s: idleWallS,
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

/** The window with Docker's idle CPU over its wall time subtracted at `idleRate` (µs/s). */
function withIdle(r: ClientRun, idleRate: number): ClientRun {
  return { ...r, docker_net_us: r.docker_raw_us - idleRate * r.wall_s };
}

function sum(runs: readonly ClientRun[]): ClientRun & { percent_of_core: number } {
  const add = (k: keyof ClientRun) => runs.reduce((s, r) => s + r[k], 0);
  const out: ClientRun = {
    client_startup_us: median(runs.map((r) => r.client_startup_us)),
    client_us: add('client_us'),
    docker_raw_us: add('docker_raw_us'),
    docker_net_us: add('docker_net_us'),
    idle_us: add('idle_us'),
    idle_wall_s: add('idle_wall_s'),
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
  const runTop = async () => tops.push(await window(process.execPath, [...NODE_FLAGS, cliPath, 'top', '--interval', '1s', '--docker-socket', dockerSocket], docker, o, o.warmupSeconds));
  const runStats = async () => stats.push(await window('docker', ['stats', '--format', format], docker, o, o.statsWarmupSeconds));
  for (let r = 0; r < o.rounds; r++) {
    // The order alternates: Docker's CPU after one client (the idle window before the next) must
    // not always fall on the same side.
    if (r % 2 === 0) {
      await runTop();
      await runStats();
    } else {
      await runStats();
      await runTop();
    }
    const ms = (us: number) => (us / 1000).toFixed(0);
    log(`round ${r + 1}/${o.rounds}: client CPU top ${ms(tops[r].client_us)} ms, docker stats ${ms(stats[r].client_us)} ms; ` +
      `Docker's CPU ${ms(tops[r].docker_raw_us)} / ${ms(stats[r].docker_raw_us)} ms (idle before each: ${ms(tops[r].idle_us)} / ${ms(stats[r].idle_us)} ms)`);
  }
  const all = [...tops, ...stats];
  const idleRate = all.reduce((t, r) => t + r.idle_us, 0) / all.reduce((t, r) => t + r.idle_wall_s, 0);
  const topNet = tops.map((r) => withIdle(r, idleRate));
  const statsNet = stats.map((r) => withIdle(r, idleRate));
  const top = sum(topNet);
  const dockerStats = sum(statsNet);
  return {
    containers: ids.length,
    containers_watched: watched,
    rounds: o.rounds,
    seconds: o.rounds * o.windowSeconds,
    warmup_s: { top: o.warmupSeconds, docker_stats: o.statsWarmupSeconds },
    top,
    docker_stats: dockerStats,
    docker_idle_us_per_s: idleRate,
    ratio: total(dockerStats) / total(top),
    ratio_per_round: topNet.map((t, i) => total(statsNet[i]) / total(t)),
    ratio_raw: (dockerStats.client_us + dockerStats.docker_raw_us) / (top.client_us + top.docker_raw_us),
  };
}
