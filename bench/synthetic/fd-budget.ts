// How many containers fit in this process's descriptor limit, and what a size that does not fit
// would cost, scaled from sizes that do. cgflux keeps every file it reads open (~20–27 per
// container), so 5,000 containers need ~135,000 descriptors: more than many hosts allow by
// default. When the hard limit cannot be raised (no CAP_SYS_RESOURCE, as in this sandbox),
// the benchmark measures the largest sizes that fit and scales them up, and says so.
import type { SyntheticChildResult } from './child.js';

/** Containers that fit: (soft limit − descriptors the process needs for itself) ÷ per container. */
export function containersThatFit(fdLimit: number, fdsPerContainer: number, headroom = 256): number {
  if (!(fdsPerContainer > 0)) return 0;
  const n = Math.floor((fdLimit - headroom) / fdsPerContainer);
  return Math.max(0, Math.floor(n / 50) * 50);
}

export function softLimitOf(fdLimit: string): number {
  const soft = fdLimit.trim().split(/\s+/)[0];
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** True when the sampler ran short of descriptors (values it could not read every tick). */
export function wasStarved(r: SyntheticChildResult): boolean {
  return r.read_errors_per_tick > 0;
}

export interface Extrapolated {
  from_sizes: number[];
  gather_median_ms: number;
  gather_p99_ms: number;
  us_per_container_sample: number;
  rss_mb: number;
  fds_needed: number;
  method: string;
}

/**
 * Scales measurements at `small` and `large` (both within the fd limit) to `target` containers:
 * gather times in proportion to the container count from the larger size (a fixed per-tick part is
 * scaled too, so this errs high); CPU per container-sample as measured at the larger size; RSS on
 * the line through the two sizes (a fixed base plus a cost per container).
 */
export function extrapolate(small: SyntheticChildResult, large: SyntheticChildResult, target: number): Extrapolated {
  const scale = target / large.containers;
  const slope = (large.rss_mb - small.rss_mb) / (large.containers - small.containers);
  return {
    from_sizes: [small.containers, large.containers],
    gather_median_ms: large.gather_median_ms * scale,
    gather_p99_ms: large.gather_p99_ms * scale,
    us_per_container_sample: large.us_per_container_sample,
    rss_mb: large.rss_mb + slope * (target - large.containers),
    fds_needed: Math.ceil(large.fds_per_container * target),
    method: 'times ∝ containers from the larger size; RSS on the line through both sizes',
  };
}
