// Stage 2: a synthetic host of 5,000 containers on a private tmpfs (v1 cgroupfs and v2 systemd
// layouts), each size sampled in a fresh child process so that RSS is per size. When a size needs
// more descriptors than the limit allows, it is still measured (and flagged `fd_starved`), and the
// two largest sizes that fit are measured too and scaled up to it.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateTree, type Layout } from '../synthetic/tree.js';
import { makeBenchDir } from '../synthetic/tmpfs.js';
import { buildSyntheticChild, runSyntheticChild, WANTED_FD_LIMIT, type ChildOptions } from '../synthetic/run-children.js';
import type { SyntheticChildResult } from '../synthetic/child.js';
import { containersThatFit, extrapolate, softLimitOf, wasStarved, type Extrapolated } from '../synthetic/fd-budget.js';

export interface SyntheticOptions {
  sizes: number[];
  layouts: Layout[];
  /** Ticks measured at a size that fits the fd limit (p99 of 100 ticks is not just the maximum). */
  ticks: number;
  /** Ticks at a size known to exceed it (measured to show what happens, not for the targets). */
  starvedTicks: number;
  warmup: number;
  timeoutMs: number;
}

export type SizeResult = SyntheticChildResult & { fd_starved: boolean };

export interface LayoutResult {
  fd_limit: string;
  fds_per_container: number;
  containers_that_fit: number;
  /** size → measured result (sizes asked for, plus the sizes that fit when some did not). */
  measured: Record<string, SizeResult>;
  /** size → scaled from the sizes that fit, for every asked size that was starved. */
  extrapolated: Record<string, Extrapolated>;
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
      const measure = async (containers: number, ticks = o.ticks, warmup = o.warmup): Promise<SizeResult> => {
        const r = await runSyntheticChild({ ...base, containers, ticks, warmup });
        const sized = { ...r, fd_starved: wasStarved(r) };
        log(
          `${layout} × ${containers}: gather median ${r.gather_median_ms.toFixed(1)} ms, p99 ${r.gather_p99_ms.toFixed(1)} ms, ` +
            `${r.us_per_container_sample.toFixed(1)} µs CPU/container-sample, RSS ${r.rss_mb.toFixed(0)} MB, ${r.open_fds} fds` +
            (sized.fd_starved ? ` — STARVED of descriptors (limit ${r.fd_limit}): ${r.read_errors_per_tick.toFixed(0)} unreadable values per tick` : ''),
        );
        return sized;
      };
      try {
        // A small probe tells how many descriptors a container takes, hence which sizes fit.
        const probe = await measure(100, 3, 1);
        const fit = containersThatFit(softLimitOf(probe.fd_limit), probe.fds_per_container);
        const result: LayoutResult = {
          fd_limit: probe.fd_limit,
          fds_per_container: probe.fds_per_container,
          containers_that_fit: fit,
          measured: {},
          extrapolated: {},
        };
        out.layouts[layout] = result;
        for (const size of o.sizes) result.measured[String(size)] = await measure(size, size > fit ? o.starvedTicks : o.ticks);
        const starved = o.sizes.filter((s) => result.measured[String(s)].fd_starved);
        if (starved.length > 0 && fit >= 100) {
          log(`${layout}: ${starved.join(', ')} containers exceed the descriptor limit; measuring ${Math.floor(fit / 100) * 50} and ${fit} to scale up`);
          const small = await measure(Math.floor(fit / 100) * 50);
          const large = await measure(fit);
          result.measured[String(small.containers)] = small;
          result.measured[String(large.containers)] = large;
          for (const size of starved) result.extrapolated[String(size)] = extrapolate(small, large, size);
        }
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
