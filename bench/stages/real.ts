// Stage 1: 50 real busybox containers. cgflux's gather+encode and the raw-read floor in
// alternation, then Docker's stats API on the same containers. The containers are removed at the
// end whatever happens.
import type { Config } from '../../src/config/schema.js';
import { createPipeline } from '../lib/cgflux.js';
import { median } from '../lib/stats.js';
import { inspectContainers, removeBenchContainers, runningBenchContainers, startBenchContainers } from '../real/containers.js';
import { measureCost, type CostResult } from '../real/cgflux-cost.js';
import { measureStatsApi, summarizeStatsApi } from '../real/stats-api.js';
import { measurePerCollector, type CollectorCost } from '../real/per-collector.js';

export interface RealOptions {
  containers: number;
  ticks: number;
  perCollectorTicks: number;
  statsRounds: number;
  idleMs: number;
  dockerSocket: string;
}

export type RealResult = CostResult &
  ReturnType<typeof summarizeStatsApi> & {
    containers: number;
    ratio_vs_floor: number;
    ratio_vs_stats_api: number;
    stats_api_per_round_us: number[];
    per_collector: CollectorCost[];
  };

export async function runRealStage(config: Config, o: RealOptions, log: (msg: string) => void): Promise<RealResult> {
  try {
    log(`starting ${o.containers} busybox containers (--network none)`);
    const ids = await startBenchContainers(o.containers);
    const containers = await inspectContainers(ids);
    // Let the starts settle (dockerd and the shims are busy right after) before anything is timed.
    await new Promise((r) => setTimeout(r, 2000));

    log(`cgflux gather+encode vs raw-read floor: ${o.ticks} alternating rounds`);
    const pipeline = await createPipeline(config);
    let cost: CostResult;
    try {
      cost = await measureCost(pipeline, containers, o.ticks);
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
    return {
      containers: o.containers,
      ...cost,
      ...summary,
      stats_api_per_round_us: stats.netMicrosPerCall,
      per_collector: perCollector,
      ratio_vs_floor: cost.us_per_container_sample / cost.floor_us_per_container_sample,
      ratio_vs_stats_api: median(stats.netMicrosPerCall) / cost.us_per_container_sample,
    };
  } finally {
    log('removing the benchmark containers');
    await removeBenchContainers().catch((err: Error) => log(`could not remove the benchmark containers: ${err.message}`));
  }
}
