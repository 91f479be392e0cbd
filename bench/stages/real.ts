// Stage 1: 50 real busybox containers. cgflux's gather+encode and the raw-read floor in
// alternation, then Docker's stats API on the same containers. The containers are removed at the
// end whatever happens.
import type { Config } from '../../src/config/schema.js';
import { createPipeline } from '../lib/cgflux.js';
import { median } from '../lib/stats.js';
import { inspectContainers, removeBenchContainers, runningBenchContainers, startBenchContainers } from '../real/containers.js';
import { measureCost, type CostResult } from '../real/cgflux-cost.js';
import { sharedKernelSwitches } from '../../src/sampler/kernel-switches/shared.js';
import type { MethodSetting } from '../../src/sampler/kernel-switches/kernel-switches.js';
import { measureStatsApi, summarizeStatsApi } from '../real/stats-api.js';
import { measurePerCollector, type CollectorCost } from '../real/per-collector.js';
import { BENCH_LABEL } from '../real/containers.js';
import { measureDaemonCpu, type DaemonCpuResult } from '../real/daemon-process.js';
import { buildDist } from '../lib/build.js';

export interface RealOptions {
  containers: number;
  ticks: number;
  perCollectorTicks: number;
  statsRounds: number;
  idleMs: number;
  dockerSocket: string;
  /** Runs of the real daemon process: interval, warm-up before the window, ticks in the window. */
  daemonRuns: Array<{ intervalMs: number; warmupMs: number; ticks: number }>;
}

export type RealResult = CostResult &
  ReturnType<typeof summarizeStatsApi> & {
    containers: number;
    ratio_vs_floor: number;
    /** Hot path ÷ the compiled pread floor (undefined without cc). */
    ratio_vs_compiled_floor?: number;
    ratio_vs_stats_api: number;
    stats_api_per_round_us: number[];
    per_collector: CollectorCost[];
    /** The real daemon process, keyed by interval ("10s", "1s"). */
    daemon: Record<string, DaemonCpuResult>;
    /** Stats API CPU per call ÷ the daemon process's CPU per container-sample, by interval. */
    daemon_ratio_vs_stats_api: Record<string, number>;
    /** The daemon's CPU per tick at each interval ÷ its CPU per tick at the shortest one. */
    daemon_tick_cost_vs_shortest: Record<string, number>;
  };

export async function runRealStage(config: Config, o: RealOptions, log: (msg: string) => void): Promise<RealResult> {
  try {
    log(`starting ${o.containers} busybox containers (--network none)`);
    const ids = await startBenchContainers(o.containers);
    const containers = await inspectContainers(ids);
    // Let the starts settle (dockerd and the shims are busy right after) before anything is timed.
    await new Promise((r) => setTimeout(r, 2000));

    log('building dist/ (npm run build) for the daemon process');
    buildDist();
    const daemon: Record<string, DaemonCpuResult> = {};
    for (const run of o.daemonRuns) {
      const key = `${run.intervalMs / 1000}s`;
      log(`cgflux run at ${key}: ${run.warmupMs / 1000} s warm-up, then CPU of all its threads over ${run.ticks} ticks`);
      daemon[key] = await measureDaemonCpu({ ...run, label: `${BENCH_LABEL}=${process.pid}`, containers: o.containers });
      for (const line of daemon[key].complaints.slice(0, 5)) log(`  cgflux said: ${line}`);
    }

    log(`cgflux gather+encode vs raw-read floor: ${o.ticks} alternating rounds`);
    const pipeline = await createPipeline(config);
    let cost: CostResult;
    try {
      cost = await measureCost(pipeline, containers, o.ticks, () => sharedKernelSwitches(config.collectors.context_switches.method as MethodSetting).start());
    } finally {
      pipeline.close();
    }

    log(`per-collector breakdown: ${o.perCollectorTicks} rounds each`);
    const perCollector = await measurePerCollector(config, containers, o.perCollectorTicks);

    log(`Docker stats API: ${o.statsRounds} rounds of ${o.containers} concurrent calls, each after ${o.idleMs} ms idle`);
    const stats = await measureStatsApi(o.dockerSocket, ids, o.statsRounds, o.idleMs);
    const summary = summarizeStatsApi(stats);
    const running = await runningBenchContainers();
    if (running !== o.containers) throw new Error(`only ${running} of the ${o.containers} benchmark containers still run: something removed them during the measurement`);
    const statsApi = median(stats.netMicrosPerCall);
    const shortest = Object.values(daemon).sort((a, b) => a.interval_ms - b.interval_ms)[0];
    return {
      containers: o.containers,
      daemon,
      daemon_ratio_vs_stats_api: Object.fromEntries(Object.entries(daemon).map(([k, d]) => [k, statsApi / d.us_per_container_sample])),
      daemon_tick_cost_vs_shortest: Object.fromEntries(Object.entries(daemon).map(([k, d]) => [k, d.per_tick_ms / shortest.per_tick_ms])),
      ...cost,
      ...summary,
      stats_api_per_round_us: stats.netMicrosPerCall,
      per_collector: perCollector,
      ratio_vs_floor: cost.us_per_container_sample / cost.floor_us_per_container_sample,
      ratio_vs_compiled_floor: cost.compiled_floor_us_per_container_sample === undefined ? undefined : cost.us_per_container_sample / cost.compiled_floor_us_per_container_sample,
      ratio_vs_stats_api: statsApi / cost.us_per_container_sample,
    };
  } finally {
    log('removing the benchmark containers');
    await removeBenchContainers().catch((err: Error) => log(`could not remove the benchmark containers: ${err.message}`));
  }
}
