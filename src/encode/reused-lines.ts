// Lines reused from the last tick: a series whose fields equal its last row's (an idle
// container's memory, pids, network, pressure rows; or the very row again, read-helpers.ts
// readReusing) gets the line built last time — comparing a few values costs far less than
// formatting them. What is kept is bounded: at most MAX_REUSED_SERIES series, and a series whose
// values changed is not kept for the next few ticks (a counter that moves every tick would
// otherwise leave its last row as old-generation garbage every tick). Keeping every series of
// 5,000 containers raised the RSS by ~100 MB (docs/performance.md).
import type { Row } from '../model.js';

/** The series of ~200 containers (10 rows each): ~2 MB of live heap. */
export const MAX_REUSED_SERIES = 2_000;
/** Ticks a series whose values changed is not kept. */
export const CHANGED_SKIP_TICKS = 4;

/** One series' last row and line, owned by the encoder's series owner (by row-key number). */
export interface ReuseSlot {
  row: Row | undefined;
  body: string;
  /** Ticks left before its row is kept again (it changed). */
  skip: number;
}

/** Same field names with the same values (bigints compare by value; NaN never matches). */
function sameFields(a: Row['fields'], b: Row['fields']): boolean {
  let count = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    count++;
  }
  for (const _k in b) count--;
  return count === 0;
}

export class ReusedLines {
  private tracked = 0;

  constructor(private readonly maxSeries = MAX_REUSED_SERIES) {}

  /** The last line of the series, when `row` has the same fields as the row it was built from. */
  find(slots: ReuseSlot[], id: number, row: Row): string | undefined {
    const slot = slots[id];
    if (slot?.row === undefined) return undefined;
    if (slot.row !== row && !sameFields(slot.row.fields, row.fields)) return undefined;
    slot.row = row;
    return slot.body;
  }

  /** `body` was just built for `row` (find() found nothing). */
  remember(slots: ReuseSlot[], id: number, row: Row, body: string): void {
    const slot = slots[id];
    if (slot === undefined) {
      if (this.tracked >= this.maxSeries) return;
      this.tracked++;
      slots[id] = { row, body, skip: 0 };
    } else if (slot.row !== undefined) {
      // It changed: not kept for a few ticks.
      slot.row = undefined;
      slot.body = '';
      slot.skip = CHANGED_SKIP_TICKS;
    } else if (--slot.skip <= 0) {
      slot.row = row;
      slot.body = body;
    }
  }

  /** An owner's slots are dropped (its container left, its prefixes are rebuilt). */
  dropped(slots: ReuseSlot[]): void {
    for (const slot of slots) if (slot !== undefined) this.tracked--;
  }

  get size(): number {
    return this.tracked;
  }
}
