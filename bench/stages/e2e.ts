// Stage 4: end to end into VictoriaMetrics (loopback) through cgflux's real influxdb_v2 output with
// its disk spool on (fsync per batch, default batch size and gzip): a synthetic host's rows encoded
// tick after tick as fast as the output drains them, then flushed. Throughput counts from the first
// write to the last acknowledged batch; the count that arrived is checked in VictoriaMetrics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultOutput } from '../../src/config/outputs.js';
import type { InfluxV2Output } from '../../src/config/schema.js';
import { LineEncoder } from '../../src/encode/index.js';
import { logger } from '../../src/log.js';
import { Output } from '../../src/output/output.js';
import { httpGet } from '../../test/support/servers.js';
import { sampleRows } from './encode-samples.js';

export interface E2eResult {
  points_per_s: number;
  points_written: number;
  points_verified: number;
  seconds: number;
  requests: number;
  points_retried: number;
  points_dropped: number;
  lines_per_tick: number;
  url: string;
  batch_max_lines: number;
  gzip: boolean;
}

export interface E2eOptions {
  seconds: number;
  url?: string;
  containers?: number;
}

/** Samples stored for `selector`, from /api/v1/export (one JSON series per line). */
async function exportedSamples(url: string, selector: string): Promise<number> {
  const res = await httpGet(`${url}/api/v1/export`, `match[]=${encodeURIComponent(selector)}`);
  if (res.status !== 200) throw new Error(`VictoriaMetrics export answered ${res.status}: ${res.text.slice(0, 200)}`);
  let n = 0;
  for (const line of res.text.split('\n')) if (line) n += (JSON.parse(line) as { values: unknown[] }).values.length;
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runE2eStage(o: E2eOptions, log: (msg: string) => void): Promise<E2eResult> {
  const url = o.url ?? process.env.CGFLUX_TEST_VICTORIA_URL ?? 'http://127.0.0.1:8428';
  const run = `b${process.pid}_${Date.now().toString(36)}`;
  const { samples, config } = await sampleRows(o.containers ?? 500);
  const containerSamples = samples.filter((s) => s.container !== null);
  const encoder = new LineEncoder({ hostname: config.host.hostname, tags: { ...config.tags, global: { bench_run: run } } });
  const cfg = { ...(defaultOutput('influxdb_v2', 'bench') as InfluxV2Output), url, org: 'cgflux', bucket: 'bench' };
  const spoolDir = mkdtempSync(join(tmpdir(), 'cgflux-bench-spool-'));
  const spool = { dir: spoolDir, max_bytes: 512 * 1024 * 1024, segment_bytes: 4 * 1024 * 1024 };
  const output = new Output(cfg, spool, { log: logger('bench-e2e') });
  // Timestamps one second apart, an hour back, so that every tick is a distinct point in VictoriaMetrics.
  const baseMs = Date.now() - 3_600_000;
  let ticks = 0;
  let linesPerTick = 0;
  try {
    log(`writing ${containerSamples.length} containers' rows per tick for ${o.seconds} s into ${url} (run tag ${run})`);
    const t0 = performance.now();
    while (performance.now() - t0 < o.seconds * 1000) {
      const bodies = encoder.encode(containerSamples);
      linesPerTick = bodies.length;
      output.write(bodies, baseMs + ticks * 1000);
      ticks++;
      // Keep the producer at most a few batches ahead of delivery: this measures what the output
      // sustains, not how fast memory fills.
      while (output.stats().spoolPoints > 50_000) await sleep(2);
      await new Promise((r) => setImmediate(r));
    }
    const done = await output.flush(Date.now() + 120_000);
    const seconds = (performance.now() - t0) / 1000;
    const stats = output.stats();
    if (!done) throw new Error(`the output did not deliver everything within 120 s: ${JSON.stringify(stats.lastError)}`);
    const written = ticks * linesPerTick;
    // Each container line carries the container_id field: one `<measurement>_container_id` sample.
    const selector = `{__name__=~".+_container_id",bench_run="${run}"}`;
    let verified = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      verified = await exportedSamples(url, selector);
      if (verified >= written) break;
      await sleep(500);
    }
    if (verified !== written) throw new Error(`VictoriaMetrics holds ${verified} points of this run, ${written} were written`);
    const dropped = Object.values(stats.pointsDropped).reduce((a, b) => a + b, 0);
    return {
      points_per_s: stats.pointsWritten / seconds,
      points_written: stats.pointsWritten,
      points_verified: verified,
      seconds,
      requests: stats.requests,
      points_retried: stats.pointsRetried,
      points_dropped: dropped,
      lines_per_tick: linesPerTick,
      url,
      batch_max_lines: cfg.batch.max_lines,
      gzip: cfg.gzip,
    };
  } finally {
    await output.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
