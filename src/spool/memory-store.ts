// Batches that live only in memory: every batch of an output without a spool directory, and the
// batches of one whose directory cannot be written (disk full, read-only, gone). Bounded: beyond
// the bound the oldest are dropped and counted.
import type { SpoolEntry } from './spool-types.js';

export class MemoryStore {
  bytes = 0;

  constructor(readonly max: number) {}

  /** A memory-only entry for `lines`. */
  entry(lines: readonly string[]): SpoolEntry {
    const body = lines.join('\n');
    const bytes = Buffer.byteLength(body);
    this.bytes += bytes;
    return { lines: lines.length, bytes, seq: null, offset: 0, cached: body };
  }

  /** A disk entry whose frame is gone (or never became durable) carries on in memory. */
  adopt(e: SpoolEntry): void {
    e.seq = null;
    this.bytes += e.bytes;
  }

  release(e: SpoolEntry): void {
    if (e.seq === null) this.bytes -= e.bytes;
  }

  /**
   * Removes the oldest memory entries of `queue` (never `keep`) until under the bound; calls
   * `dropped` for each.
   */
  enforce(queue: SpoolEntry[], keep: SpoolEntry | undefined, dropped: (e: SpoolEntry) => void): void {
    for (let i = 0; this.bytes > this.max && i < queue.length; ) {
      const e = queue[i];
      if (e.seq !== null || e === keep) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      this.bytes -= e.bytes;
      dropped(e);
    }
  }
}
