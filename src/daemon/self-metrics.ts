// cgflux's own metrics: counters and gauges with optional labels, updated on the hot path through
// handles resolved once (`c.inc(n)` is one addition), rendered at collect time either as
// Prometheus text (GET /metrics) or as `cgflux_internal` rows shipped with the data.
//
// Names are given without the `cgflux_` prefix. A counter's name may end in `_total`: Prometheus
// shows `cgflux_<base>_total`, the row field is `<base>` (schema: points_written, ticks_skipped …).
// Each family is declared integer (default; rows carry bigint) or float (`{ float: true }`; rows
// carry number), because a field must never change type between points.
import type { FieldValue, Row } from '../model.js';
import { escapeHelp, escapeLabelValue, formatPromValue } from './prom-text.js';

export type MetricType = 'counter' | 'gauge';
export type Labels = Readonly<Record<string, string>>;
export interface MetricOptions {
  /** Values are fractional (seconds, percentages): rows carry a float instead of an integer. */
  float?: boolean;
}

export interface Counter {
  inc(by?: number): void;
  readonly value: number;
}
export interface Gauge {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
  readonly value: number;
}

export const INTERNAL_MEASUREMENT = 'cgflux_internal';
const PREFIX = 'cgflux_';
const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label set, interned: its Prometheus rendering and row tags are built once. */
interface LabelSet {
  key: string;
  tags: Labels;
  /** `{a="x",b="y"}` or '' */
  prom: string;
}

class Cell implements Counter, Gauge {
  value = 0;
  constructor(readonly labels: LabelSet) {}
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
  set(value: number): void {
    this.value = value;
  }
}

type Source =
  | { kind: 'cells'; cells: Map<string, Cell> }
  | { kind: 'fn'; labels: LabelSet; fn: () => number | undefined }
  | { kind: 'dynamic'; fn: () => Iterable<{ labels: Labels; value: number }> };

interface Family {
  /** Name without prefix and without `_total`: the row field. */
  base: string;
  /** Full Prometheus name. */
  promName: string;
  type: MetricType;
  help: string;
  float: boolean;
  sources: Source[];
}

interface Sample {
  family: Family;
  labels: LabelSet;
  value: number;
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly labelSets = new Map<string, LabelSet>();
  private readonly collectHooks = new Map<string, () => void>();
  /** True while rows, /metrics or a sum are being collected (a value read twice in one may be cached). */
  collecting = false;

  /**
   * `fn` runs when a collect begins: sources that read one component for many families clear
   * what they cached in the last collect. A hook registered again under `key` replaces the old
   * one (a reload registers its components afresh).
   */
  onCollect(key: string, fn: () => void): void {
    this.collectHooks.set(key, fn);
  }

  private collect<T>(body: () => T): T {
    if (this.collecting) return body();
    for (const fn of this.collectHooks.values()) fn();
    this.collecting = true;
    try {
      return body();
    } finally {
      this.collecting = false;
    }
  }

  /** Counter handle for one label set (the same handle for the same name and labels). */
  counter(name: string, help: string, labels: Labels = {}, options: MetricOptions = {}): Counter {
    return this.cell('counter', name, help, labels, options);
  }

  gauge(name: string, help: string, labels: Labels = {}, options: MetricOptions = {}): Gauge {
    return this.cell('gauge', name, help, labels, options);
  }

  /** Gauge computed at collect time (spool bytes, RSS …). `undefined` leaves the sample out. */
  gaugeFn(name: string, help: string, fn: () => number | undefined, labels: Labels = {}, options: MetricOptions = {}): void {
    this.family('gauge', name, help, options).sources.push({ kind: 'fn', labels: this.intern(labels), fn });
  }

  /** Counter whose value lives elsewhere and is read at collect time (e.g. CPU seconds). */
  counterFn(name: string, help: string, fn: () => number | undefined, labels: Labels = {}, options: MetricOptions = {}): void {
    this.family('counter', name, help, options).sources.push({ kind: 'fn', labels: this.intern(labels), fn });
  }

  /** A family whose label sets are only known at collect time (read errors by collector and reason). */
  dynamic(
    type: MetricType,
    name: string,
    help: string,
    fn: () => Iterable<{ labels: Labels; value: number }>,
    options: MetricOptions = {},
  ): void {
    this.family(type, name, help, options).sources.push({ kind: 'dynamic', fn });
  }

  /** Drops one label set of a family (an output removed by a reload), or the whole family. */
  remove(name: string, labels?: Labels): void {
    const fam = this.families.get(baseName(name));
    if (!fam) return;
    if (!labels) {
      this.families.delete(fam.base);
      return;
    }
    const key = labelKey(labels);
    for (const src of fam.sources) if (src.kind === 'cells') src.cells.delete(key);
    fam.sources = fam.sources.filter((s) => s.kind !== 'fn' || s.labels.key !== key);
  }

  /** Sum over every label set of a family (all outputs' points_written, for the status line); 0 when unknown. */
  sum(name: string): number {
    const fam = this.families.get(baseName(name));
    if (!fam) return 0;
    return this.collect(() => {
      let total = 0;
      for (const s of this.samplesOf(fam)) if (Number.isFinite(s.value)) total += s.value;
      return total;
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  renderPrometheus(): string {
    return this.collect(() => this.renderAll());
  }

  private renderAll(): string {
    let out = '';
    for (const fam of this.families.values()) {
      const samples = this.samplesOf(fam);
      if (samples.length === 0) continue;
      out += `# HELP ${fam.promName} ${escapeHelp(fam.help)}\n# TYPE ${fam.promName} ${fam.type}\n`;
      for (const s of samples) out += `${fam.promName}${s.labels.prom} ${formatPromValue(s.value)}\n`;
    }
    return out;
  }

  /** One `cgflux_internal` row per label set, a tag per label, a field per metric. */
  toRows(): Row[] {
    return this.collect(() => this.rows());
  }

  private rows(): Row[] {
    const rows = new Map<string, Row>();
    for (const fam of this.families.values()) {
      for (const s of this.samplesOf(fam)) {
        if (!Number.isFinite(s.value)) continue;
        let row = rows.get(s.labels.key);
        if (!row) {
          row = { measurement: INTERNAL_MEASUREMENT, fields: {} };
          if (s.labels.key !== '') row.tags = s.labels.tags;
          rows.set(s.labels.key, row);
        }
        const value: FieldValue = fam.float ? s.value : BigInt(Math.trunc(s.value));
        row.fields[fam.base] = value;
      }
    }
    return [...rows.values()];
  }

  private samplesOf(fam: Family): Sample[] {
    const out: Sample[] = [];
    for (const src of fam.sources) {
      if (src.kind === 'cells') {
        for (const cell of src.cells.values()) out.push({ family: fam, labels: cell.labels, value: cell.value });
      } else if (src.kind === 'fn') {
        const v = safeCall(src.fn);
        if (v !== undefined) out.push({ family: fam, labels: src.labels, value: v });
      } else {
        let items: Iterable<{ labels: Labels; value: number }>;
        try {
          items = src.fn();
        } catch {
          continue;
        }
        for (const item of items) out.push({ family: fam, labels: this.intern(item.labels), value: item.value });
      }
    }
    return out;
  }

  private cell(type: MetricType, name: string, help: string, labels: Labels, options: MetricOptions): Cell {
    const fam = this.family(type, name, help, options);
    let src = fam.sources.find((s): s is Extract<Source, { kind: 'cells' }> => s.kind === 'cells');
    if (!src) {
      src = { kind: 'cells', cells: new Map() };
      fam.sources.push(src);
    }
    const set = this.intern(labels);
    let cell = src.cells.get(set.key);
    if (!cell) {
      cell = new Cell(set);
      src.cells.set(set.key, cell);
    }
    return cell;
  }

  private family(type: MetricType, name: string, help: string, options: MetricOptions): Family {
    const base = baseName(name);
    const existing = this.families.get(base);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric ${name} is already registered as a ${existing.type}`);
      return existing;
    }
    if (!NAME_RE.test(base)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    const promName = PREFIX + base + (type === 'counter' ? '_total' : '');
    const fam: Family = { base, promName, type, help, float: options.float === true, sources: [] };
    this.families.set(base, fam);
    return fam;
  }

  private intern(labels: Labels): LabelSet {
    const key = labelKey(labels);
    let set = this.labelSets.get(key);
    if (set) return set;
    const names = Object.keys(labels).sort();
    for (const n of names) if (!LABEL_RE.test(n) || n.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(n)}`);
    const tags: Record<string, string> = {};
    for (const n of names) tags[n] = labels[n];
    const prom = names.length === 0 ? '' : `{${names.map((n) => `${n}="${escapeLabelValue(labels[n])}"`).join(',')}}`;
    set = { key, tags: Object.freeze(tags), prom };
    this.labelSets.set(key, set);
    return set;
  }
}

function baseName(name: string): string {
  const n = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
  return n.endsWith('_total') ? n.slice(0, -'_total'.length) : n;
}

function labelKey(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  names.sort();
  return names.map((n) => `${n}\u0000${labels[n]}`).join('\u0001');
}

function safeCall(fn: () => number | undefined): number | undefined {
  try {
    const v = fn();
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}
