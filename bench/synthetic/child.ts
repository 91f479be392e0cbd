// One synthetic-host measurement in a fresh process (so that RSS belongs to this size alone):
//   node --import tsx bench/synthetic/child.ts <root> <v1|v2> <containers> <ticks> <warmup>
// Prints one line `RESULT {json}` on stdout.
import { readdirSync, readFileSync } from 'node:fs';
import { benchConfig, createPipeline } from '../lib/cgflux.js';
import { cpuMicros, median, percentile } from '../lib/stats.js';
import { syntheticContainers, treeRoots, type Layout } from './tree.js';

export interface SyntheticChildResult {
  layout: Layout;
  containers: number;
  ticks: number;
  gather_median_ms: number;
  gather_p99_ms: number;
  encode_median_ms: number;
  /** CPU (user+system) of gather + encode, per container-sample, median over ticks. */
  us_per_container_sample: number;
  rss_mb: number;
  heap_used_mb: number;
  open_fds: number;
  fd_limit: string;
  lines_per_tick: number;
  containers_with_rows: number;
}

function fdLimit(): string {
  const line = readFileSync('/proc/self/limits', 'latin1').split('\n').find((l) => l.startsWith('Max open files'));
  return line ? line.replace(/\s+/g, ' ').replace('Max open files ', '').replace(' files', '').trim() : 'unknown';
}

async function main(): Promise<void> {
  const [root, layoutArg, countArg, ticksArg, warmupArg] = process.argv.slice(2);
  const layout = layoutArg as Layout;
  const count = Number(countArg);
  const ticks = Number(ticksArg);
  const warmup = Number(warmupArg);
  const containers = syntheticContainers(root, layout, count);
  const pipeline = await createPipeline(benchConfig(treeRoots(root)));

  const gatherMs: number[] = [];
  const encodeMs: number[] = [];
  const cpuUs: number[] = [];
  let lines = 0;
  let withRows = 0;
  for (let t = 0; t < warmup + ticks; t++) {
    const cpu0 = cpuMicros();
    const t0 = performance.now();
    const samples = pipeline.gather(containers);
    const t1 = performance.now();
    const encoded = pipeline.encode(samples, Date.now());
    const t2 = performance.now();
    const cpu = cpuMicros() - cpu0;
    if (t >= warmup) {
      gatherMs.push(t1 - t0);
      encodeMs.push(t2 - t1);
      cpuUs.push(cpu);
    }
    lines = encoded.length;
    withRows = samples.filter((s) => s.container !== null && s.rows.length > 0).length;
    // A daemon tick ends here; let the event loop breathe as it would between ticks.
    await new Promise((r) => setImmediate(r));
  }
  const mem = process.memoryUsage();
  const result: SyntheticChildResult = {
    layout,
    containers: count,
    ticks,
    gather_median_ms: median(gatherMs),
    gather_p99_ms: percentile(gatherMs, 99),
    encode_median_ms: median(encodeMs),
    us_per_container_sample: median(cpuUs) / count,
    rss_mb: mem.rss / (1024 * 1024),
    heap_used_mb: mem.heapUsed / (1024 * 1024),
    open_fds: readdirSync('/proc/self/fd').length,
    fd_limit: fdLimit(),
    lines_per_tick: lines,
    containers_with_rows: withRows,
  };
  pipeline.close();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`synthetic child failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
