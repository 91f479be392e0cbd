// Stage 2: a synthetic host of 5,000 containers on a private tmpfs (v1 cgroupfs and v2 systemd
// layouts), each size sampled in a fresh child process so that RSS is per size. Every size is
// measured: past the descriptor budget (soft open-files limit minus a reserve) the sampler reads
// the remaining files with open/read/close, which the result reports per tick.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateTree, type Layout } from '../synthetic/tree.js';
import { makeBenchDir } from '../synthetic/tmpfs.js';
import { buildSyntheticChild, runSyntheticChild, WANTED_FD_LIMIT, type ChildOptions } from '../synthetic/run-children.js';
import type { SyntheticChildResult } from '../synthetic/child.js';
import { containersKeptOpen, describeReads, keptOpenLimit, softLimitOf } from '../synthetic/fd-budget.js';

export interface SyntheticOptions {
  sizes: number[];
  layouts: Layout[];
  /** Ticks measured at each size (p99 of 100 ticks is not just the maximum). */
  ticks: number;
  warmup: number;
  timeoutMs: number;
}

export interface LayoutResult {
  fd_limit: string;
  kept_open_limit: number;
  fds_per_container: number;
  /** Containers whose files all stay open within the budget; beyond, part of the reads are open/read/close. */
  containers_kept_open: number;
  /** size → measured result. */
  measured: Record<string, SyntheticChildResult>;
}

export interface SyntheticStageResult {
  storage: string;
  fd_limit_wanted: number;
  generate_ms: Partial<Record<Layout, number>>;
  layouts: Partial<Record<Layout, LayoutResult>>;
  errors: string[];
}

export async function runSyntheticStage(o: SyntheticOptions, log: (msg: string) => void): Promise<SyntheticStageResult> {
  const dir = makeBenchDir();
  const out: SyntheticStageResult = { storage: dir.kind, fd_limit_wanted: WANTED_FD_LIMIT, generate_ms: {}, layouts: {}, errors: [] };
  const largest = Math.max(...o.sizes);
  const child = buildSyntheticChild();
  try {
    for (const layout of o.layouts) {
      const root = join(dir.path, layout);
      const t0 = performance.now();
      generateTree(root, layout, largest);
      out.generate_ms[layout] = performance.now() - t0;
      log(`${layout}: generated ${largest} containers on ${dir.kind} in ${(out.generate_ms[layout]! / 1000).toFixed(1)} s`);
      const base: Omit<ChildOptions, 'containers'> = { child, root, layout, ticks: o.ticks, warmup: o.warmup, timeoutMs: o.timeoutMs };
      const measure = async (containers: number, ticks: number, warmup = o.warmup): Promise<SyntheticChildResult> => {
        const r = await runSyntheticChild({ ...base, containers, ticks, warmup });
        log(
          `${layout} × ${containers}: tick median ${r.gather_median_ms.toFixed(1)} ms, p99 ${r.gather_p99_ms.toFixed(1)} ms, ` +
            `${r.us_per_container_sample.toFixed(1)} µs CPU/container-sample, RSS ${r.rss_mb.toFixed(0)} MB; ${describeReads(r)}` +
            (r.read_errors_per_tick > 0 ? ` — ${r.read_errors_per_tick.toFixed(0)} unreadable values per tick` : ''),
        );
        return r;
      };
      try {
        // A small probe tells how many descriptors a container keeps, hence where the budget ends.
        const probe = await measure(100, 3, 1);
        const keptLimit = keptOpenLimit(softLimitOf(probe.fd_limit));
        const result: LayoutResult = {
          fd_limit: probe.fd_limit,
          kept_open_limit: keptLimit,
          fds_per_container: probe.fds_per_container,
          containers_kept_open: containersKeptOpen(keptLimit, probe.fds_per_container),
          measured: {},
        };
        out.layouts[layout] = result;
        for (const size of o.sizes) result.measured[String(size)] = await measure(size, o.ticks);
      } catch (err) {
        out.errors.push((err as Error).message);
        log(`${layout} FAILED: ${(err as Error).message.split('\n')[0]}`);
      }
      rmSync(root, { recursive: true, force: true });
    }
  } finally {
    dir.cleanup();
  }
  return out;
}
