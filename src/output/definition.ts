// What defines one output type: its config keys, their defaults, how its sender is made, whether
// its batches are spooled to disk and which timestamp precision it writes. One entry per type in
// types.ts; the config reader, the schema and Output read nothing else about a type.
import type { OutputBase, Precision } from '../config/schema.js';
import type { Section } from '../config/spec.js';
import type { Sender } from './sender.js';

export const PRECISIONS = ['s', 'ms', 'us', 'ns'] as const;

export interface OutputDefinition<C extends OutputBase & { type: string }> {
  /** The keys of this type beyond the common ones (name, batch, retry, timeout, gzip). */
  spec: Section;
  /** Defaults of those keys. */
  defaults: () => Omit<C, keyof OutputBase | 'type'>;
  createSender: (cfg: C) => Sender;
  /** Remote outputs keep undelivered batches on disk; local ones (stdout, file) in memory only. */
  spoolsToDisk: boolean;
  /** Precision of the timestamps this output appends. */
  precision: (cfg: C) => Precision;
}

/** `precision:` leaf shared by the InfluxDB outputs. */
export const PRECISION_FIELD = { leaf: { kind: 'enum', values: PRECISIONS } } as const;
/** An InfluxDB base URL, required. */
export const URL_FIELD = { leaf: { kind: 'url' }, required: 'the InfluxDB base URL, e.g. http://127.0.0.1:8086' } as const;
