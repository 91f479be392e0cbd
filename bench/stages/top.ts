// Stage `top`: `cgflux top` against `docker stats` with 50 real busybox containers (--network none)
// running, 60 s each in alternating windows. cgflux is run as shipped: the CLI `npm run build` makes.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/compile.js';
import { docker, removeBenchContainers, runningBenchContainers, startBenchContainers } from '../real/containers.js';
import { measureTopVsStats, type TopVsStatsOptions, type TopVsStatsResult } from '../real/top-vs-stats.js';

export interface TopStageOptions extends TopVsStatsOptions {
  containers: number;
  dockerSocket: string;
}

export async function runTopStage(o: TopStageOptions, log: (msg: string) => void): Promise<TopVsStatsResult> {
  try {
    log('building the CLI (npm run build)');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json')], { cwd: REPO_ROOT, stdio: 'pipe' });
    log(`starting ${o.containers} busybox containers (--network none)`);
    const ids = await startBenchContainers(o.containers);
    await new Promise((r) => setTimeout(r, 2000));
    log(`cgflux top and docker stats in turn: ${o.rounds} rounds of ${o.windowSeconds} s each (after ${o.warmupSeconds} s of start-up and warm-up for top, ${o.statsWarmupSeconds} s for docker stats), each after ${o.idleSeconds} s idle`);
    const watched = (await docker('ps', '-q')).split(/\s+/).filter(Boolean).length;
    const result = await measureTopVsStats(join(REPO_ROOT, 'dist/src/cli.js'), o.dockerSocket, ids, watched, o, log);
    const running = await runningBenchContainers();
    if (running !== o.containers) throw new Error(`only ${running} of the ${o.containers} benchmark containers still run: something removed them during the measurement`);
    if (result.top.lines_out < result.seconds * o.containers) throw new Error(`cgflux top printed only ${result.top.lines_out} lines in ${result.seconds} s`);
    return result;
  } finally {
    log('removing the benchmark containers');
    await removeBenchContainers().catch((err: Error) => log(`could not remove the benchmark containers: ${err.message}`));
  }
}
