// The latest rows of every container, kept for the REST API's live view (GET /api/v1/containers).
// One tick's rows per container (what the tick produced anyway): bounded by the containers
// discovery lists; a container that left is dropped. Process rows live in the ProcessBook.
import type { ContainerInfo, FieldValue, Row, Sample } from '../../model.js';

export interface LiveSample {
  container: ContainerInfo;
  atMs: number;
  rows: Row[];
}

export class LiveSamples {
  private readonly latest = new Map<string, LiveSample>();

  record(sample: Sample, atMs: number): void {
    if (!sample.container) return;
    this.latest.set(sample.container.id, { container: sample.container, atMs, rows: sample.rows });
  }

  /** Drops the containers not in `ids` (called once per tick with the tick's containers). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.latest.keys()) if (!ids.has(id)) this.latest.delete(id);
  }

  get(id: string): LiveSample | undefined {
    return this.latest.get(id);
  }

  all(): LiveSample[] {
    return [...this.latest.values()];
  }
}

/** A field as JSON: integers as numbers (exact up to 2^53, beyond the precision a view needs). */
export function jsonValue(v: FieldValue): number | string | boolean {
  return typeof v === 'bigint' ? Number(v) : v;
}
