// The same samples encoded through the influx client's Point, uncached: the reference that the
// parity tests compare against and the baseline the benchmark times LineEncoder against; and
// complete lines from LineEncoder in one call, as the benchmark times them.
import { Point } from '@influxdata/influxdb-client';
import type { Precision, TagsConfig } from '../../src/config/schema.js';
import { compileLabelFilter } from '../../src/encode/label-filter.js';
import type { LineEncoder } from '../../src/encode/line-encoder.js';
import { withTimestamp } from '../../src/encode/timestamp.js';
import type { Sample } from '../../src/model.js';

export interface BaselineOptions {
  hostname: string;
  tags: TagsConfig;
}

/** Full lines (with a nanosecond timestamp of `timeMs`) as `Point#toLineProtocol()` writes them. */
export function encodeWithPoints(samples: readonly Sample[], options: BaselineOptions, timeMs: number): string[] {
  const labelFilter = compileLabelFilter(options.tags.labels_include, options.tags.labels_exclude);
  const timestamp = timeMs === 0 ? '0' : `${Math.floor(timeMs)}000000`;
  const lines: string[] = [];
  for (const sample of samples) {
    const c = sample.container;
    for (const row of sample.rows) {
      const point = new Point(row.measurement);
      for (const [k, v] of Object.entries(options.tags.global)) point.tag(k, v);
      if (c) for (const [k, v] of Object.entries(c.labels)) if (labelFilter(k)) point.tag(k, v);
      point.tag('host', options.hostname);
      if (c) {
        point.tag('container_name', c.name).tag('container_image', c.image).tag('container_version', c.imageTag);
        if (c.composeProject) point.tag('compose_project', c.composeProject);
        if (c.composeService) point.tag('compose_service', c.composeService);
      }
      for (const [k, v] of Object.entries(row.tags ?? {})) point.tag(k, v);
      let fieldCount = 0;
      for (const [k, v] of Object.entries(row.fields)) {
        if (typeof v === 'bigint') point.intField(k, Number(v));
        else if (typeof v === 'number') {
          if (!Number.isFinite(v)) continue;
          point.floatField(k, v);
        } else if (typeof v === 'string') point.stringField(k, v);
        else point.booleanField(k, v);
        fieldCount++;
      }
      if (fieldCount === 0) continue;
      if (c) point.stringField('container_id', c.id);
      point.timestamp(timestamp);
      const line = point.toLineProtocol();
      if (line) lines.push(line);
    }
  }
  return lines;
}

/**
 * Complete lines of one tick for one precision, what the benchmark times against
 * encodeWithPoints; the daemon instead encodes bodies once and each output appends its timestamp.
 */
export function encodeLines(encoder: LineEncoder, samples: readonly Sample[], timeMs: number, precision: Precision): string[] {
  return withTimestamp(encoder.encode(samples), timeMs, precision);
}
