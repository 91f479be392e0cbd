// Bodies of disk batches kept in memory so that sending them needs no read back: the newest
// appends (up to a bound) and the batch being sent. Memory-only batches carry their body outside
// this bound (the memory store bounds them).
import type { SpoolEntry } from './spool-types.js';

const CACHE_BYTES = 16 * 1024 * 1024;

export class BodyCache {
  private bytes = 0;

  constructor(private readonly bound = CACHE_BYTES) {}

  /** A freshly written disk entry keeps its body if the bound allows, else drops it. */
  admit(e: SpoolEntry): void {
    if (e.cached === undefined || e.seq === null) return;
    if (this.bytes + e.bytes <= this.bound) this.keep(e, e.cached);
    else e.cached = undefined;
  }

  /** Keeps `body` for `e` (the batch being sent is kept whatever the bound). */
  keep(e: SpoolEntry, body: string): void {
    e.cached = body;
    if (e.seq !== null && !e.cacheCounted) {
      e.cacheCounted = true;
      this.bytes += e.bytes;
    }
  }

  /** `e` no longer counts against the bound (acked, dropped or moved to memory). */
  release(e: SpoolEntry): void {
    if (e.cacheCounted) this.bytes -= e.bytes;
    e.cacheCounted = false;
  }
}
