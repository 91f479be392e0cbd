// What the descriptor budget (src/sampler/descriptor-budget.ts) does at a synthetic size. cgflux
// keeps the files it reads open up to the soft open-files limit minus a reserve (18,000 of 20,000
// here); beyond it, reads fall back to open/read/close each tick: every size is measured, and
// beyond roughly (budget ÷ descriptors per container) containers part of the reads are slower.
import { reserveFor } from '../../src/sampler/descriptor-budget.js';
import type { SyntheticChildResult } from './child.js';

export function softLimitOf(fdLimit: string): number {
  const soft = fdLimit.trim().split(/\s+/)[0];
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** The kept-open cap the sampler applies under this soft limit (same rule as the daemon). */
export function keptOpenLimit(softLimit: number): number {
  // The daemon's cap when the limit is unlimited.
  if (!Number.isFinite(softLimit)) return 1_000_000;
  return Math.max(0, softLimit - reserveFor(softLimit));
}

/** Containers whose files all stay open within `keptLimit`, rounded down to 50. */
export function containersKeptOpen(keptLimit: number, fdsPerContainer: number): number {
  if (!(fdsPerContainer > 0)) return 0;
  return Math.max(0, Math.floor(keptLimit / fdsPerContainer / 50) * 50);
}

/** A size past the budget: part of its reads were open/read/close every tick. */
export function hadFallback(r: SyntheticChildResult): boolean {
  return r.fallback_reads_per_tick > 0;
}

/** One line for logs and the report: how the size's reads were done. */
export function describeReads(r: SyntheticChildResult): string {
  if (!hadFallback(r)) return `every file kept open (${r.kept_open} descriptors)`;
  return (
    `${r.kept_open} of ${r.kept_open_limit} descriptors kept open; ` +
    `${r.fallback_reads_per_tick.toFixed(0)} reads per tick with open/read/close (${r.fallback_containers} containers)`
  );
}
