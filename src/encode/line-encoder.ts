// Samples → line-protocol bodies (`measurement,tags fields`, no timestamp: each output appends
// its own, see timestamp.ts). The escaped `measurement,tags ` prefix of every
// (container, measurement, row tags) series is built once and cached; it is rebuilt when the
// container's name, image or labels change and dropped when the container leaves.
import type { TagsConfig } from '../config/schema.js';
import type { ContainerInfo, Row, Sample } from '../model.js';
import { encodeFieldValue, escapeMeasurement, escapeTag } from './escape.js';
import { compileLabelFilter, type LabelFilter } from './label-filter.js';
import { flattenInPlace } from '../flatten.js';
import { TagClashes } from './tag-clashes.js';
import { RowKeys } from './row-keys.js';
import { ReusedLines, type ReuseSlot } from './reused-lines.js';

export interface EncoderOptions {
  hostname: string;
  tags: TagsConfig;
  /** A container absent from encode() calls for between this many and twice this many calls is forgotten. */
  evictAfterTicks?: number;
  /** Series whose last line is kept for reuse (MAX_REUSED_SERIES by default; tests pass fewer). */
  maxReusedSeries?: number;
  /** Told once per key when a label or global tag is left out because its name is taken. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

interface SeriesOwner {
  /** Raw (unescaped) tags every row of this owner carries, before row tags. */
  baseTags: Map<string, string>;
  /** Keys of baseTags that come from labels or tags.global (they yield to fields and row tags). */
  extraKeys: Set<string>;
  /** `,container_id="…"` for container rows, '' for host rows. */
  idField: string;
  /**
   * Escaped `measurement,k=v,… ` prefixes by row-key number (RowKeys, row-keys.ts): the row keys
   * are the same for every container, so they are kept once, not once per container.
   */
  series: string[];
  /** By row-key number: the last row of each series and its line (ReusedLines). */
  reused: ReuseSlot[];
  lastSeenTick: number;
  /** The ContainerInfo values the tags were built from, to detect changes. */
  source?: ContainerSnapshot;
}

interface ContainerSnapshot {
  name: string;
  image: string;
  imageTag: string;
  composeProject?: string;
  composeService?: string;
  labels: Record<string, string>;
}

const HOST_OWNER_KEY = '\u0000host';
/** Tags and the field cgflux itself puts on container rows: a label or global tag never replaces them. */
const OWN_CONTAINER_KEYS = new Set(['host', 'container_name', 'container_image', 'container_version', 'compose_project', 'compose_service', 'container_id']);
const OWN_HOST_KEYS = new Set(['host']);

const MAX_FIELD_KEYS = 10_000;

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    count++;
  }
  for (const _k in b) count--;
  return count === 0;
}

function sameContainer(s: ContainerSnapshot, c: ContainerInfo): boolean {
  return (
    s.name === c.name &&
    s.image === c.image &&
    s.imageTag === c.imageTag &&
    s.composeProject === c.composeProject &&
    s.composeService === c.composeService &&
    sameLabels(s.labels, c.labels)
  );
}

export class LineEncoder {
  private readonly owners = new Map<string, SeriesOwner>();
  private readonly fieldKeys = new Map<string, string>();
  private readonly measurements = new Map<string, string>();
  private readonly rowKeys = new RowKeys(() => this.dropPrefixes());
  private readonly labelFilter: LabelFilter;
  private readonly evictAfter: number;
  private tick = 0;
  private readonly clashes: TagClashes;
  private readonly reuse: ReusedLines;

  constructor(private readonly options: EncoderOptions) {
    this.labelFilter = compileLabelFilter(options.tags.labels_include, options.tags.labels_exclude);
    this.evictAfter = options.evictAfterTicks ?? 5;
    this.clashes = new TagClashes(options.warn);
    this.reuse = new ReusedLines(options.maxReusedSeries);
  }

  /** Line-protocol bodies of every row of every sample; rows without writable fields are skipped. */
  encode(samples: readonly Sample[]): string[] {
    const out: string[] = [];
    this.beginTick();
    for (const sample of samples) this.encodeSample(sample, out);
    this.endTick();
    return out;
  }

  /**
   * Streaming form of encode(): beginTick(), encodeSample() for each sample as soon as it is
   * gathered (its rows can then die young instead of being held for the whole tick), endTick().
   */
  beginTick(): void {
    this.tick++;
  }

  /** Appends the bodies of one sample's rows to `out`. */
  encodeSample(sample: Sample, out: string[]): void {
    const owner = this.ownerOf(sample.container, this.tick);
    for (const row of sample.rows) {
      const id = this.rowKeys.id(row);
      const reused = this.reuse.find(owner.reused, id, row);
      if (reused !== undefined) {
        out.push(reused);
        continue;
      }
      // Fields first: a field named like a label drops the cached prefixes that carry that label.
      const fields = this.encodeFields(row);
      if (fields === '') continue;
      // '' when the measurement name escapes to nothing: such a line fails its whole batch.
      const prefix = this.prefixOf(owner, row, id);
      if (prefix === '') continue;
      // Flattened now: the `+=` chain behind a line is ~4 cons cells per field (~2 KB a row) that
      // would otherwise outlive the tick in `out`, be promoted, and swell the old generation.
      const body = flattenInPlace(prefix + fields + owner.idField);
      this.reuse.remember(owner.reused, id, row, body);
      out.push(body);
    }
  }

  endTick(): void {
    if (this.tick % this.evictAfter === 0) this.evictStale(this.tick);
  }

  /** Drops the cached series of a container that left. */
  forget(containerId: string): void {
    this.dropOwner(containerId);
  }

  /** Number of cached series owners (containers + host), for tests and self-metrics. */
  get cachedOwners(): number {
    return this.owners.size;
  }

  /** Series whose last line is kept for reuse (bounded by maxReusedSeries), for tests. */
  get reusedSeries(): number {
    return this.reuse.size;
  }

  private dropOwner(key: string): void {
    const owner = this.owners.get(key);
    if (!owner) return;
    this.reuse.dropped(owner.reused);
    this.owners.delete(key);
  }

  private evictStale(tick: number): void {
    for (const [id, owner] of this.owners) {
      if (tick - owner.lastSeenTick >= this.evictAfter) this.dropOwner(id);
    }
  }

  private ownerOf(container: ContainerInfo | null, tick: number): SeriesOwner {
    const key = container ? container.id : HOST_OWNER_KEY;
    let owner = this.owners.get(key);
    if (owner && container && owner.source && !sameContainer(owner.source, container)) owner = undefined;
    if (!owner) {
      this.dropOwner(key);
      owner = container ? this.buildContainerOwner(container) : this.buildHostOwner();
      this.owners.set(key, owner);
    }
    owner.lastSeenTick = tick;
    return owner;
  }

  private buildHostOwner(): SeriesOwner {
    const baseTags = new Map<string, string>();
    const extraKeys = new Set<string>();
    this.addExtraTags(baseTags, extraKeys, Object.entries(this.options.tags.global), OWN_HOST_KEYS, 'global tag');
    baseTags.set('host', this.options.hostname);
    return { baseTags, extraKeys, idField: '', series: [], reused: [], lastSeenTick: 0 };
  }

  /** Labels and global tags (later ones win), except those named like cgflux's own tags. */
  private addExtraTags(baseTags: Map<string, string>, extraKeys: Set<string>, tags: Iterable<[string, string]>, own: Set<string>, what: string): void {
    for (const [k, v] of tags) {
      if (own.has(k)) {
        this.clashes.warnOnce(k, `the ${what} "${k}" has the name of a tag or field cgflux writes itself; it is left out`);
        continue;
      }
      baseTags.set(k, v);
      extraKeys.add(k);
      this.clashes.tagKey(k, this.fieldKeys.has(k));
    }
  }

  private buildContainerOwner(c: ContainerInfo): SeriesOwner {
    // Global tags < chosen labels; cgflux's own container tags are never replaced.
    const baseTags = new Map<string, string>();
    const extraKeys = new Set<string>();
    this.addExtraTags(baseTags, extraKeys, Object.entries(this.options.tags.global), OWN_CONTAINER_KEYS, 'global tag');
    const labels = Object.entries(c.labels).filter(([k]) => this.labelFilter(k));
    this.addExtraTags(baseTags, extraKeys, labels, OWN_CONTAINER_KEYS, 'container label');
    baseTags.set('host', this.options.hostname);
    baseTags.set('container_name', c.name);
    baseTags.set('container_image', c.image);
    baseTags.set('container_version', c.imageTag);
    if (c.composeProject) baseTags.set('compose_project', c.composeProject);
    if (c.composeService) baseTags.set('compose_service', c.composeService);
    const source: ContainerSnapshot = {
      name: c.name,
      image: c.image,
      imageTag: c.imageTag,
      composeProject: c.composeProject,
      composeService: c.composeService,
      labels: { ...c.labels },
    };
    const idField = flattenInPlace(`,${this.fieldKey('container_id')}=${encodeFieldValue(c.id)}`);
    return { baseTags, extraKeys, idField, series: [], reused: [], lastSeenTick: 0, source };
  }

  private prefixOf(owner: SeriesOwner, row: Row, id: number): string {
    let prefix = owner.series[id];
    if (prefix === undefined) {
      prefix = this.buildPrefix(owner, row);
      owner.series[id] = prefix;
    }
    return prefix;
  }

  private dropPrefixes(): void {
    for (const owner of this.owners.values()) {
      owner.series = [];
      this.reuse.dropped(owner.reused);
      owner.reused = [];
    }
  }

  private buildPrefix(owner: SeriesOwner, row: Row): string {
    const tags = new Map(owner.baseTags);
    for (const k of this.clashes.leftOut(owner.extraKeys, row)) tags.delete(k);
    if (row.tags) for (const k in row.tags) tags.set(k, row.tags[k]);
    let text = this.measurement(row.measurement);
    if (text === '') return '';
    for (const k of [...tags.keys()].sort()) {
      // Line protocol has no empty tag keys or values: such a tag is left out (as Point does),
      // also when escaping empties it (a value of only backslashes).
      const key = escapeTag(k);
      const value = escapeTag(tags.get(k) ?? '');
      if (key && value) text += ',' + key + '=' + value;
    }
    return flattenInPlace(text + ' ');
  }

  private measurement(name: string): string {
    let m = this.measurements.get(name);
    if (m === undefined) {
      m = escapeMeasurement(name);
      this.measurements.set(name, m);
    }
    return m;
  }

  private fieldKey(name: string): string {
    let k = this.fieldKeys.get(name);
    if (k === undefined) {
      if (this.fieldKeys.size >= MAX_FIELD_KEYS) this.fieldKeys.clear();
      k = escapeTag(name);
      this.fieldKeys.set(name, k);
      this.clashes.fieldName(name);
    }
    return k;
  }

  private encodeFields(row: Row): string {
    let text = '';
    const fields = row.fields;
    for (const name in fields) {
      const key = this.fieldKey(name);
      if (this.clashes.possible && this.clashes.field(row.measurement, name)) this.dropPrefixes();
      if (key === '') continue; // empty, or only backslashes
      const value = encodeFieldValue(fields[name]);
      if (value === undefined) continue;
      text += (text === '' ? '' : ',') + key + '=' + value;
    }
    return text;
  }
}
