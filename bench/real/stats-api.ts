// Docker's stats API, called the way Telegraf's inputs.docker does: one
// `GET /containers/<id>/stats?stream=false` per container (no one-shot), every container of a
// round at once, and the JSON parsed. With stream=false and without one-shot, dockerd waits for
// a second collection so that precpu_stats is filled: about 1–2 s of wall time per call.
// Measured per round: CPU of dockerd + containerd + the shims of these containers, minus what the
// same processes spent in an idle window of the same length just before (on a shared machine
// dockerd and containerd also serve others); separately the shims alone, and the client's CPU.
import { Agent, request } from 'node:http';
import { dockerProcesses, splitTicks, ticksToMicros } from './daemon-cpu.js';
import { cpuMicros, median } from '../lib/stats.js';

function statsOnce(socketPath: string, agent: Agent, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, agent, path: `/containers/${id}/stats?stream=false`, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`stats of ${id.slice(0, 12)}: HTTP ${res.statusCode}`));
        let body: { cpu_stats?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          // dockerd ends the answer empty when the container went away during the call.
          return reject(new Error(`stats of ${id.slice(0, 12)}: empty or cut answer (was the container removed during the run?)`));
        }
        if (!body.cpu_stats) return reject(new Error(`stats of ${id.slice(0, 12)}: no cpu_stats in the answer`));
        resolve();
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`stats of ${id.slice(0, 12)}: no answer in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

export interface StatsApiResult {
  /** Per round, µs per call: all processes minus the idle window scaled to the round's wall time. */
  netMicrosPerCall: number[];
  /** Per round, µs per call, without subtracting anything. */
  rawMicrosPerCall: number[];
  /** Per round, µs per call, the shims of these containers only (minus their idle). */
  shimMicrosPerCall: number[];
  clientMicrosPerCall: number[];
  wallMsPerRound: number[];
  idleMicrosPerSecond: number[];
  processes: { dockerd: number; containerd: number; shims: number };
  concurrency: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function measureStatsApi(socketPath: string, ids: readonly string[], rounds: number, idleMs: number): Promise<StatsApiResult> {
  const processes = dockerProcesses(ids);
  const count = (c: string) => processes.filter((p) => p.comm === c).length;
  const agent = new Agent({ keepAlive: true, maxSockets: ids.length });
  const result: StatsApiResult = {
    netMicrosPerCall: [],
    rawMicrosPerCall: [],
    shimMicrosPerCall: [],
    clientMicrosPerCall: [],
    wallMsPerRound: [],
    idleMicrosPerSecond: [],
    processes: { dockerd: count('dockerd'), containerd: count('containerd'), shims: processes.length - count('dockerd') - count('containerd') },
    concurrency: `${ids.length} calls at once per round (keep-alive connections); each round follows an idle window of ${idleMs} ms`,
  };
  if (result.processes.shims !== ids.length) throw new Error(`found ${result.processes.shims} shims for ${ids.length} containers`);
  try {
    // One call per container first: connections, dockerd's collector, JIT — not timed.
    await Promise.all(ids.map((id) => statsOnce(socketPath, agent, id)));
    for (let r = 0; r < rounds; r++) {
      const idle0 = splitTicks(processes);
      const i0 = performance.now();
      await sleep(idleMs);
      const idleWall = performance.now() - i0;
      const idle1 = splitTicks(processes);

      const cpu0 = cpuMicros();
      const t0 = performance.now();
      await Promise.all(ids.map((id) => statsOnce(socketPath, agent, id)));
      const wallMs = performance.now() - t0;
      const client = cpuMicros() - cpu0;
      const busy = splitTicks(processes);

      const scale = wallMs / idleWall;
      const idleAll = ticksToMicros(idle1.shims - idle0.shims + idle1.daemons - idle0.daemons);
      const idleShims = ticksToMicros(idle1.shims - idle0.shims);
      const raw = ticksToMicros(busy.shims - idle1.shims + busy.daemons - idle1.daemons);
      const shims = ticksToMicros(busy.shims - idle1.shims);
      result.wallMsPerRound.push(wallMs);
      result.idleMicrosPerSecond.push((idleAll * 1000) / idleWall);
      result.rawMicrosPerCall.push(raw / ids.length);
      result.netMicrosPerCall.push((raw - idleAll * scale) / ids.length);
      result.shimMicrosPerCall.push((shims - idleShims * scale) / ids.length);
      result.clientMicrosPerCall.push(client / ids.length);
    }
  } finally {
    agent.destroy();
  }
  return result;
}

export function summarizeStatsApi(r: StatsApiResult) {
  return {
    stats_api_us_per_container_sample: median(r.netMicrosPerCall),
    stats_api_raw_us_per_container_sample: median(r.rawMicrosPerCall),
    stats_api_shims_us_per_container_sample: median(r.shimMicrosPerCall),
    stats_api_client_us_per_container_sample: median(r.clientMicrosPerCall),
    stats_api_wall_ms_per_round: median(r.wallMsPerRound),
    stats_api_idle_us_per_s: median(r.idleMicrosPerSecond),
    stats_api_rounds: r.netMicrosPerCall.length,
    stats_api_processes: r.processes,
    stats_api_concurrency: r.concurrency,
  };
}
