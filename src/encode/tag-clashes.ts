// A label or tags.global key named like a field of the measurement or one of its row tags would
// make a line InfluxDB 3 rejects (a tag and a field of one name) or be silently replaced by the
// row tag: such a key is left out of those points, with one warning naming it.
import type { Row } from '../model.js';

export class TagClashes {
  /** Every label and global tag key in use. */
  private readonly tagKeys = new Set<string>();
  /** Field names that are also such a key: usually none, and then the hot path checks only the size. */
  private readonly clashingFields = new Set<string>();
  /** Measurement → its fields seen with a clashing name. */
  private readonly byMeasurement = new Map<string, Set<string>>();
  private readonly warned = new Set<string>();

  constructor(private readonly warn?: (message: string, fields: Record<string, unknown>) => void) {}

  /** Whether any field name equals a label or global tag key. */
  get possible(): boolean {
    return this.clashingFields.size > 0;
  }

  /** A label or global tag key in use; `isField`: some row has a field of that name. */
  tagKey(key: string, isField: boolean): void {
    this.tagKeys.add(key);
    if (isField) this.clashingFields.add(key);
  }

  /** A field name seen for the first time. */
  fieldName(name: string): void {
    if (this.tagKeys.has(name)) this.clashingFields.add(name);
  }

  /** A field in a row of `measurement`: true when it is a new clash (cached prefixes must be rebuilt). */
  field(measurement: string, name: string): boolean {
    if (!this.clashingFields.has(name)) return false;
    let names = this.byMeasurement.get(measurement);
    if (!names) this.byMeasurement.set(measurement, (names = new Set()));
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }

  /** The keys of `extraKeys` that `row` takes as a field or row tag name. */
  leftOut(extraKeys: Iterable<string>, row: Row): string[] {
    const fields = this.byMeasurement.get(row.measurement);
    const out: string[] = [];
    for (const k of extraKeys) {
      const rowTag = row.tags !== undefined && Object.hasOwn(row.tags, k);
      if (!rowTag && !Object.hasOwn(row.fields, k) && !fields?.has(k)) continue;
      out.push(k);
      this.warnOnce(k, `the label or global tag "${k}" has the name of a ${rowTag ? 'tag' : 'field'} of ${row.measurement}; it is left out of those points`);
    }
    return out;
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn?.(`tags: ${message} (InfluxDB 3 rejects a tag and a field of one name; 1.x and 2.x would shadow one with the other)`, { key });
  }
}
