// One synthetic-host measurement in a fresh process (so that RSS belongs to this size alone):
//   node --import tsx bench/synthetic/child.ts <root> <v1|v2> <containers> <ticks> <warmup>
// Prints one line `RESULT {json}` on stdout.
import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { procStat } from './contents.js';
import { benchConfig, createPipeline } from '../lib/cgflux.js';
import { cpuMicros, median, percentile } from '../lib/stats.js';
import { syntheticContainers, treeRoots, type Layout } from './tree.js';

export interface SyntheticChildResult {
  layout: Layout;
  containers: number;
  ticks: number;
  /** Wall time of one tick as the daemon runs it (gatherEach streaming into the encoder). */
  gather_median_ms: number;
  gather_p99_ms: number;
  /** CPU (user+system) of one tick, per container-sample, median over ticks. */
  us_per_container_sample: number;
  /** Median of the RSS read after each measured tick, MB (V8 collects lazily: one reading is noisy). */
  rss_mb: number;
  rss_max_mb: number;
  /** RSS after the first and the last measured tick: a steady rise would be a leak. */
  rss_first_mb: number;
  rss_last_mb: number;
  heap_used_mb: number;
  open_fds: number;
  /** Descriptors the sampler keeps open per container (capped by the descriptor budget). */
  fds_per_container: number;
  fd_limit: string;
  kept_open: number;
  kept_open_limit: number;
  /** Reads done with open/read/close per tick because the budget was spent, median over ticks. */
  fallback_reads_per_tick: number;
  /** Containers that had at least one such read in the last tick. */
  fallback_containers: number;
  lines_per_tick: number;
  /** Values the sampler could not read, per tick (a complete tree under a sufficient fd limit: 0). */
  read_errors_per_tick: number;
  /** RSS of the bare process before the sampler existed, MB (node itself). */
  rss_before_mb: number;
  /** Live heap after a full collection at the end: what the sampler and encoder really retain. */
  heap_live_mb: number;
}

function fdLimit(): string {
  const line = readFileSync('/proc/self/limits', 'latin1').split('\n').find((l) => l.startsWith('Max open files'));
  return line ? line.replace(/\s+/g, ' ').replace('Max open files ', '').replace(' files', '').trim() : 'unknown';
}

function totalErrors(entries: Array<[string, string, number]>): number {
  return entries.reduce((sum, e) => sum + e[2], 0);
}

async function main(): Promise<void> {
  const [root, layoutArg, countArg, ticksArg, warmupArg] = process.argv.slice(2);
  const layout = layoutArg as Layout;
  const count = Number(countArg);
  const ticks = Number(ticksArg);
  const warmup = Number(warmupArg);
  const rssBefore = process.memoryUsage().rss;
  const fdsBefore = readdirSync('/proc/self/fd').length;
  // Kept in reserve and closed before the final readings: when the sampler runs out of descriptors
  // (limit too low), reading RSS or listing /proc/self/fd would fail for lack of one.
  const reserve = Array.from({ length: 16 }, () => openSync('/dev/null', 'r'));
  const statmFd = openSync('/proc/self/statm', 'r');
  const statmBuffer = Buffer.alloc(256);
  const residentPages = () => Number(statmBuffer.toString('latin1', 0, readSync(statmFd, statmBuffer, 0, statmBuffer.length, 0)).split(' ')[1]);
  // statm counts pages: 4 KiB on x86-64, 16 or 64 KiB on some arm64 kernels.
  const pageGuess = process.memoryUsage().rss / residentPages();
  const pageSize = [4096, 16384, 65536].reduce((best, p) => (Math.abs(p - pageGuess) < Math.abs(best - pageGuess) ? p : best));
  /** RSS through a descriptor opened up front: works even when the sampler took every other one. */
  const rssMb = () => (residentPages() * pageSize) / (1024 * 1024);
  const rssSeries: number[] = [];
  const containers = syntheticContainers(root, layout, count);
  const pipeline = await createPipeline(benchConfig(treeRoots(root)));

  const gatherMs: number[] = [];
  const cpuUs: number[] = [];
  const fallbackReads: number[] = [];
  let lines = 0;
  let errorsAfterWarmup = 0;
  const roots = treeRoots(root);
  // Opened before the sampler takes descriptors, so that it works even when the sampler used them all.
  const procStatFd = openSync(join(roots.procRoot, 'stat'), 'r+');
  for (let t = 0; t < warmup + ticks; t++) {
    // Host CPU time moves between ticks as on a live host, so percentages are computed and encoded
    // (outside the timed part: the kernel, not cgflux, would do this).
    const text = procStat(2, t);
    ftruncateSync(procStatFd, 0);
    writeSync(procStatFd, text, 0, 'latin1');
    const cpu0 = cpuMicros();
    const fallback0 = pipeline.descriptors().fallbackReads;
    const t0 = performance.now();
    lines = pipeline.tick(containers, Date.now());
    const t1 = performance.now();
    const cpu = cpuMicros() - cpu0;
    if (t === warmup - 1) errorsAfterWarmup = totalErrors(pipeline.readErrors());
    if (t >= warmup) {
      gatherMs.push(t1 - t0);
      cpuUs.push(cpu);
      fallbackReads.push(pipeline.descriptors().fallbackReads - fallback0);
      rssSeries.push(rssMb());
    }
    // A daemon tick ends here; let the event loop breathe as it would between ticks.
    await new Promise((r) => setImmediate(r));
  }
  for (const fd of reserve) closeSync(fd);
  const mem = process.memoryUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const heapLive = process.memoryUsage().heapUsed;
  const openFds = readdirSync('/proc/self/fd').length;
  const descriptors = pipeline.descriptors();
  const result: SyntheticChildResult = {
    layout,
    containers: count,
    ticks,
    gather_median_ms: median(gatherMs),
    gather_p99_ms: percentile(gatherMs, 99),
    us_per_container_sample: median(cpuUs) / count,
    rss_mb: median(rssSeries),
    rss_max_mb: Math.max(...rssSeries),
    rss_first_mb: rssSeries[0],
    rss_last_mb: rssSeries[rssSeries.length - 1],
    heap_used_mb: mem.heapUsed / (1024 * 1024),
    open_fds: openFds,
    fds_per_container: (openFds - fdsBefore) / count,
    fd_limit: fdLimit(),
    kept_open: descriptors.keptOpen,
    kept_open_limit: descriptors.keptOpenLimit,
    fallback_reads_per_tick: median(fallbackReads),
    fallback_containers: descriptors.fallbackContainers,
    lines_per_tick: lines,
    read_errors_per_tick: (totalErrors(pipeline.readErrors()) - errorsAfterWarmup) / ticks,
    rss_before_mb: rssBefore / (1024 * 1024),
    heap_live_mb: heapLive / (1024 * 1024),
  };
  pipeline.close();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`synthetic child failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
