// Encoding throughput: cgflux's LineEncoder (series prefixes cached across ticks, as in the daemon)
// against Point#toLineProtocol() of @influxdata/influxdb-client for the same samples. Rounds
// alternate between the two so that both see the same noise; lines/s is a median over rounds.
import { LineEncoder } from '../../src/encode/index.js';
import { encodeLines, encodeWithPoints } from '../lib/point-baseline.js';
import type { TagsConfig } from '../../src/config/schema.js';
import type { Sample } from '../../src/model.js';
import { median } from '../lib/stats.js';

export interface EncodeResult {
  cgflux_lines_per_s: number;
  point_lines_per_s: number;
  speedup: number;
  lines_per_tick: number;
  rounds: number;
  same_line_count: boolean;
}

function linesPerSecond(roundMs: number, encodeTick: () => number): number {
  let lines = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    lines += encodeTick();
    elapsed = performance.now() - start;
  } while (elapsed < roundMs);
  return (lines * 1000) / elapsed;
}

export function measureEncoding(samples: readonly Sample[], hostname: string, tags: TagsConfig, rounds = 7, roundMs = 400): EncodeResult {
  const encoder = new LineEncoder({ hostname, tags });
  const options = { hostname, tags };
  const timeMs = Date.now();
  const ours = () => encodeLines(encoder, samples, timeMs, 'ns').length;
  const points = () => encodeWithPoints(samples, options, timeMs).length;
  const oursCount = ours();
  const pointsCount = points();
  // Warm-up of both paths (JIT, the encoder's caches) before anything is timed.
  linesPerSecond(200, ours);
  linesPerSecond(200, points);
  const cg: number[] = [];
  const pt: number[] = [];
  for (let r = 0; r < rounds; r++) {
    cg.push(linesPerSecond(roundMs, ours));
    pt.push(linesPerSecond(roundMs, points));
  }
  const cgflux = median(cg);
  const point = median(pt);
  return {
    cgflux_lines_per_s: cgflux,
    point_lines_per_s: point,
    speedup: cgflux / point,
    lines_per_tick: oursCount,
    rounds,
    same_line_count: oursCount === pointsCount,
  };
}
