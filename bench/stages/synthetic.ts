// Stage 2: a synthetic host of 5,000 containers on a private tmpfs (v1 cgroupfs and v2 systemd
// layouts), each size sampled in a fresh child process so that RSS is per size.
import { generateTree, type Layout } from '../synthetic/tree.js';
import { makeBenchDir } from '../synthetic/tmpfs.js';
import { buildSyntheticChild, runSyntheticChild, WANTED_FD_LIMIT } from '../synthetic/run-children.js';
import type { SyntheticChildResult } from '../synthetic/child.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export interface SyntheticOptions {
  sizes: number[];
  layouts: Layout[];
  ticks: number;
  warmup: number;
  timeoutMs: number;
}

export interface SyntheticStageResult {
  storage: string;
  fd_limit_wanted: number;
  generate_ms: Partial<Record<Layout, number>>;
  /** layout → size → result. */
  results: Partial<Record<Layout, Record<string, SyntheticChildResult>>>;
  errors: string[];
}

export async function runSyntheticStage(o: SyntheticOptions, log: (msg: string) => void): Promise<SyntheticStageResult> {
  const dir = makeBenchDir();
  const out: SyntheticStageResult = { storage: dir.kind, fd_limit_wanted: WANTED_FD_LIMIT, generate_ms: {}, results: {}, errors: [] };
  const largest = Math.max(...o.sizes);
  const child = buildSyntheticChild();
  try {
    for (const layout of o.layouts) {
      const root = join(dir.path, layout);
      const t0 = performance.now();
      generateTree(root, layout, largest);
      out.generate_ms[layout] = performance.now() - t0;
      log(`${layout}: generated ${largest} containers on ${dir.kind} in ${(out.generate_ms[layout]! / 1000).toFixed(1)} s`);
      const bySize: Record<string, SyntheticChildResult> = {};
      out.results[layout] = bySize;
      // The smaller sizes sample the first N containers of the same tree.
      for (const size of o.sizes) {
        try {
          const r = await runSyntheticChild({ child, root, layout, containers: size, ticks: o.ticks, warmup: o.warmup, timeoutMs: o.timeoutMs });
          bySize[String(size)] = r;
          log(
            `${layout} × ${size}: gather median ${r.gather_median_ms.toFixed(1)} ms, p99 ${r.gather_p99_ms.toFixed(1)} ms, ` +
              `${r.us_per_container_sample.toFixed(1)} µs CPU/container-sample, RSS ${r.rss_mb.toFixed(0)} MB, ${r.open_fds} fds`,
          );
          if (r.containers_with_rows !== size) out.errors.push(`${layout} × ${size}: only ${r.containers_with_rows} containers had rows`);
        } catch (err) {
          out.errors.push((err as Error).message);
          log(`${layout} × ${size} FAILED: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      rmSync(root, { recursive: true, force: true });
    }
  } finally {
    dir.cleanup();
  }
  return out;
}
