// Docker's stats API, called the way Telegraf's inputs.docker does: one
// `GET /containers/<id>/stats?stream=false` per container (no one-shot), every container of a
// round at once, and the JSON parsed. With stream=false and without one-shot, dockerd waits for
// a second collection so that precpu_stats is filled: about 1–2 s of wall time per call.
// Measured: CPU of dockerd + containerd + shims per call (minus what they spend idle over the same
// wall time), and separately the client's own CPU.
import { Agent, request } from 'node:http';
import { dockerProcesses, ticksToMicros, totalTicks } from './daemon-cpu.js';
import { cpuMicros, median } from '../lib/stats.js';

function statsOnce(socketPath: string, agent: Agent, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, agent, path: `/containers/${id}/stats?stream=false`, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`stats of ${id.slice(0, 12)}: HTTP ${res.statusCode}`));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { cpu_stats?: unknown };
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
  /** Per round: (daemon ticks → µs − idle rate × wall) ÷ calls. */
  netMicrosPerCall: number[];
  rawMicrosPerCall: number[];
  clientMicrosPerCall: number[];
  wallMsPerRound: number[];
  idleMicrosPerSecond: number;
  processes: { dockerd: number; containerd: number; shims: number };
  concurrency: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function measureStatsApi(socketPath: string, ids: readonly string[], rounds: number, idleMs: number): Promise<StatsApiResult> {
  const processes = dockerProcesses();
  const count = (c: string) => processes.filter((p) => p.comm === c).length;
  const agent = new Agent({ keepAlive: true, maxSockets: ids.length });

  // Docker's processes are never fully idle (shims poll, dockerd runs timers): measure that rate
  // first, to subtract it from the rounds.
  const idleStart = totalTicks(processes);
  const idleT0 = performance.now();
  await sleep(idleMs);
  const idleMicrosPerSecond = (ticksToMicros(totalTicks(processes) - idleStart) * 1000) / (performance.now() - idleT0);

  const result: StatsApiResult = {
    netMicrosPerCall: [],
    rawMicrosPerCall: [],
    clientMicrosPerCall: [],
    wallMsPerRound: [],
    idleMicrosPerSecond,
    processes: { dockerd: count('dockerd'), containerd: count('containerd'), shims: processes.length - count('dockerd') - count('containerd') },
    concurrency: `${ids.length} calls at once per round, keep-alive connections`,
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const ticks0 = totalTicks(processes);
      const cpu0 = cpuMicros();
      const t0 = performance.now();
      await Promise.all(ids.map((id) => statsOnce(socketPath, agent, id)));
      const wallMs = performance.now() - t0;
      const client = cpuMicros() - cpu0;
      const raw = ticksToMicros(totalTicks(processes) - ticks0);
      result.wallMsPerRound.push(wallMs);
      result.rawMicrosPerCall.push(raw / ids.length);
      result.netMicrosPerCall.push(Math.max(0, raw - (idleMicrosPerSecond * wallMs) / 1000) / ids.length);
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
    stats_api_client_us_per_container_sample: median(r.clientMicrosPerCall),
    stats_api_wall_ms_per_round: median(r.wallMsPerRound),
    stats_api_idle_us_per_s: r.idleMicrosPerSecond,
    stats_api_rounds: r.netMicrosPerCall.length,
    stats_api_processes: r.processes,
    stats_api_concurrency: r.concurrency,
  };
}
