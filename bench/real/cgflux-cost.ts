// cgflux's cost on real containers against the raw-read floor, measured in alternation (one
// gather+encode tick, then one floor round, repeated) so that both see the same machine noise.
// The floor reads exactly the files the warm-up tick read (recorded through the readers).
import type { ContainerInfo } from '../../src/model.js';
import type { Pipeline } from '../lib/cgflux.js';
import { FileRecorder } from '../lib/file-recorder.js';
import { FloorReader } from '../lib/floor.js';
import { cpuMicros, median, yieldToLoop } from '../lib/stats.js';

export interface CostResult {
  us_per_container_sample: number;
  /** The same split: sampler.gather (read + parse) and encoding, each a median over ticks. */
  gather_us_per_container_sample: number;
  encode_us_per_container_sample: number;
  floor_us_per_container_sample: number;
  gather_median_ms: number;
  files_per_tick: number;
  files_per_container: number;
  lines_per_tick: number;
  ticks: number;
  /** Each file name (last path segment) with how many of the tick's reads it accounts for. */
  files_by_name: Record<string, number>;
}

function filesByName(paths: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of paths) {
    const parts = p.split('/');
    const name = /^\d+$/.test(parts[parts.length - 2] ?? '') && parts.at(-1) === 'status' ? '<tid>/status' : parts.slice(-1)[0];
    const key = p.includes('/net/dev') ? 'net/dev' : name;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

export async function measureCost(pipeline: Pipeline, containers: readonly ContainerInfo[], ticks: number): Promise<CostResult> {
  // Warm-up: opens the descriptors, fills caches, JIT; the first tick's reads are the file list.
  const recorder = new FileRecorder();
  await recorder.start();
  let lines = pipeline.encode(pipeline.gather(containers), Date.now()).length;
  const paths = recorder.stop();
  for (let i = 0; i < 5; i++) pipeline.encode(pipeline.gather(containers), Date.now());

  const floor = new FloorReader(paths);
  const floorFiles = floor.files;
  for (let i = 0; i < 5; i++) floor.round();
  const cost: number[] = [];
  const gatherCost: number[] = [];
  const encodeCost: number[] = [];
  const floorCost: number[] = [];
  const gatherMs: number[] = [];
  try {
    for (let t = 0; t < ticks; t++) {
      const c0 = cpuMicros();
      const t0 = performance.now();
      const samples = pipeline.gather(containers);
      gatherMs.push(performance.now() - t0);
      const c1 = cpuMicros();
      lines = pipeline.encode(samples, Date.now()).length;
      const c2 = cpuMicros();
      cost.push(c2 - c0);
      gatherCost.push(c1 - c0);
      encodeCost.push(c2 - c1);

      const f0 = cpuMicros();
      floor.round();
      floorCost.push(cpuMicros() - f0);
      await yieldToLoop();
    }
  } finally {
    floor.close();
  }
  const n = containers.length;
  return {
    us_per_container_sample: median(cost) / n,
    gather_us_per_container_sample: median(gatherCost) / n,
    encode_us_per_container_sample: median(encodeCost) / n,
    floor_us_per_container_sample: median(floorCost) / n,
    gather_median_ms: median(gatherMs),
    files_per_tick: floorFiles,
    files_per_container: floorFiles / n,
    lines_per_tick: lines,
    ticks,
    files_by_name: filesByName(paths),
  };
}
