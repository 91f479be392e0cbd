// Row keys (a row's measurement and row tags) numbered from 0, so that each series owner keeps its
// escaped prefixes in an array indexed by that number: the keys are the same for every container.
// Row-tag objects reused by collectors (frozen constants, per-device caches) map straight to
// their number, so no key string is built and hashed for every row; a tags object is remembered
// with the first measurement it comes with, another measurement takes the slow path.
import type { Row } from '../model.js';
import { flattenInPlace } from '../flatten.js';

/** Row keys come from collectors (measurements, devices, interfaces): a few hundred at most, bounded anyway. */
const MAX_ROW_KEYS = 10_000;

export class RowKeys {
  private readonly ids = new Map<string, number>();
  private byTags = new WeakMap<object, { measurement: string; id: number }>();

  /** `onReset` is told when the numbers start over from 0 (the caller drops what it indexed by them). */
  constructor(private readonly onReset: () => void) {}

  id(row: Row): number {
    const tags = row.tags;
    if (!tags) return this.idOf(row.measurement);
    const cached = this.byTags.get(tags);
    if (cached !== undefined && cached.measurement === row.measurement) return cached.id;
    let key = row.measurement;
    for (const k in tags) key += '\u0000' + k + '\u0001' + tags[k];
    const id = this.idOf(key);
    if (cached === undefined) this.byTags.set(tags, { measurement: row.measurement, id });
    return id;
  }

  private idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.ids.size >= MAX_ROW_KEYS) this.reset();
      id = this.ids.size;
      this.ids.set(flattenInPlace(key), id);
    }
    return id;
  }

  private reset(): void {
    this.ids.clear();
    this.byTags = new WeakMap();
    this.onReset();
  }
}
