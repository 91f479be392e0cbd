// cgflux's cost on real containers against the raw-read floor, measured in alternation (one
// streamed tick as the daemon runs it, one gather-then-encode tick for the split, one floor round,
// repeated) so that all see the same machine noise. The collectors re-read limits every 30 s and
// slow counters every 10 s, so the first tick reads more files than the others: the floor reads
// exactly the files of a steady-state tick after the warm-up (recorded through the readers).
import type { ContainerInfo } from '../../src/model.js';
import type { Pipeline } from '../lib/cgflux.js';
import { FileRecorder } from '../lib/file-recorder.js';
import { FloorReader } from '../lib/floor.js';
import { compiledFloor, compiledFloorMedian } from '../lib/compiled-floor.js';
import { cpuMicros, median, yieldToLoop } from '../lib/stats.js';

/** Ticks before the recorded one: the first tick (limits, slow counters, opens) is not typical. */
const WARMUP_TICKS = 5;
/** Idle before each cold floor round: the shortest interval users run; 10 s costs the same (docs/performance.md). */
const COLD_GAP_MS = 1000;
const COLD_ROUNDS = 15;

export interface CostResult {
  /** CPU of one streamed tick (Sampler.gatherEach → LineEncoder.encodeSample), per container-sample. */
  us_per_container_sample: number;
  /** The same work done apart: sampler.gather (read + parse) and encoding, each a median over ticks. */
  gather_us_per_container_sample: number;
  encode_us_per_container_sample: number;
  floor_us_per_container_sample: number;
  /**
   * The same readSync floor with COLD_GAP_MS idle before each round, as a deployed tick reads
   * them: what the kernel side of a tick costs once the caches went cold, apart from JavaScript.
   */
  cold_floor_us_per_container_sample: number;
  /** The same files with pread from a compiled loop (undefined without cc: see compiled_floor_note). */
  compiled_floor_us_per_container_sample?: number;
  compiled_floor_note?: string;
  /** Wall time of one streamed tick. */
  tick_median_ms: number;
  /** Files read by the first tick and by a steady-state tick (the floor's files). */
  first_tick_files_per_container: number;
  files_per_tick: number;
  files_per_container: number;
  /** Reads done with open/read/close per tick because the descriptor budget was spent (0 at this size). */
  fallback_reads_per_tick: number;
  lines_per_tick: number;
  ticks: number;
  /** Each file name (last path segment) of the steady-state tick with how many reads it accounts for. */
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

async function recordTick(pipeline: Pipeline, containers: readonly ContainerInfo[]): Promise<{ paths: string[]; lines: number }> {
  const recorder = new FileRecorder();
  await recorder.start();
  try {
    const lines = pipeline.tick(containers, Date.now());
    return { paths: recorder.stop(), lines };
  } finally {
    recorder.stop();
  }
}

/**
 * `ready` resolves once what the first tick started has settled (the kernel counter's helper):
 * the warm-up ticks run back to back without yielding, so a helper still loading would leave
 * the steady tick, and the floor built from its files, counted from /proc.
 */
export async function measureCost(pipeline: Pipeline, containers: readonly ContainerInfo[], ticks: number, ready?: () => Promise<unknown>): Promise<CostResult> {
  const n = containers.length;
  // Warm-up: opens the descriptors, reads limits and slow counters, fills caches, JIT.
  const first = await recordTick(pipeline, containers);
  await ready?.();
  for (let i = 1; i < WARMUP_TICKS; i++) pipeline.tick(containers, Date.now());
  const steady = await recordTick(pipeline, containers);
  let lines = steady.lines;

  const floor = new FloorReader(steady.paths);
  const floorFiles = floor.files;
  for (let i = 0; i < 5; i++) floor.round();
  const cost: number[] = [];
  const gatherCost: number[] = [];
  const encodeCost: number[] = [];
  const floorCost: number[] = [];
  const coldFloorCost: number[] = [];
  const tickMs: number[] = [];
  const fallbackBefore = pipeline.descriptors().fallbackReads;
  try {
    for (let t = 0; t < ticks; t++) {
      const c0 = cpuMicros();
      const t0 = performance.now();
      lines = pipeline.tick(containers, Date.now());
      tickMs.push(performance.now() - t0);
      cost.push(cpuMicros() - c0);

      const s0 = cpuMicros();
      const samples = pipeline.gather(containers);
      const s1 = cpuMicros();
      pipeline.encode(samples, Date.now());
      const s2 = cpuMicros();
      gatherCost.push(s1 - s0);
      encodeCost.push(s2 - s1);

      const f0 = cpuMicros();
      floor.round();
      floorCost.push(cpuMicros() - f0);
      await yieldToLoop();
    }
    for (let i = 0; i < COLD_ROUNDS; i++) {
      await new Promise((r) => setTimeout(r, COLD_GAP_MS));
      const f0 = cpuMicros();
      floor.round();
      coldFloorCost.push(cpuMicros() - f0);
    }
  } finally {
    floor.close();
  }
  // A separate process, so it cannot alternate tick by tick: run right after, on the same files.
  const compiled = compiledFloor(steady.paths, ticks);
  const compiledMedian = compiledFloorMedian(compiled);
  return {
    us_per_container_sample: median(cost) / n,
    gather_us_per_container_sample: median(gatherCost) / n,
    encode_us_per_container_sample: median(encodeCost) / n,
    floor_us_per_container_sample: median(floorCost) / n,
    cold_floor_us_per_container_sample: median(coldFloorCost) / n,
    compiled_floor_us_per_container_sample: compiledMedian === undefined ? undefined : compiledMedian / n,
    compiled_floor_note: 'skipped' in compiled ? compiled.skipped : `${compiled.files} files, ${ticks} rounds`,
    tick_median_ms: median(tickMs),
    first_tick_files_per_container: first.paths.length / n,
    files_per_tick: floorFiles,
    files_per_container: floorFiles / n,
    // Two ticks per round (streamed and split).
    fallback_reads_per_tick: (pipeline.descriptors().fallbackReads - fallbackBefore) / (2 * ticks),
    lines_per_tick: lines,
    ticks,
    files_by_name: filesByName(steady.paths),
  };
}
