// influxdb_v2: POST /api/v2/write?org=&bucket=&precision= with `Authorization: Token …`.
// Also InfluxDB 3.x, InfluxDB 1.8+ (token `user:password`, bucket `db/rp`) and VictoriaMetrics.
import type { OutputBase, Precision } from '../config/schema.js';
import { PRECISION_FIELD, URL_FIELD, type OutputDefinition } from './definition.js';
import { HttpSender, redactUrl } from './http-sender.js';

export interface InfluxV2Output extends OutputBase {
  type: 'influxdb_v2';
  url: string;
  /** Secret: never logged. For InfluxDB 1.8+: `user:password`. */
  token: string;
  org: string;
  /** For InfluxDB 1.8+: `database/retention_policy`. */
  bucket: string;
  precision: Precision;
}

export function createV2Sender(cfg: InfluxV2Output): HttpSender {
  const q = new URLSearchParams({ org: cfg.org, bucket: cfg.bucket, precision: cfg.precision });
  return new HttpSender({
    url: cfg.url,
    token: cfg.token || undefined,
    writePath: `/api/v2/write?${q.toString()}`,
    gzip: cfg.gzip,
    timeoutMs: cfg.timeout_ms,
    target: `influxdb_v2 ${redactUrl(cfg.url)} org=${cfg.org} bucket=${cfg.bucket}`,
    notFound: (_msg, status) =>
      status !== 404 ? undefined : `bucket "${cfg.bucket}" (org "${cfg.org}") does not exist at ${redactUrl(cfg.url)}: create it or fix outputs.${cfg.name}.bucket`,
  });
}

export const influxV2Output: OutputDefinition<InfluxV2Output> = {
  spec: {
    url: URL_FIELD,
    token: { leaf: { kind: 'string', secret: true }, required: 'the API token; for InfluxDB 1.8 use "user:password"' },
    org: { leaf: { kind: 'string' } },
    bucket: { leaf: { kind: 'string', nonEmpty: true }, required: 'the bucket; for InfluxDB 1.8 use "database/retention_policy"' },
    precision: PRECISION_FIELD,
  },
  defaults: () => ({ url: '', token: '', org: '', bucket: '', precision: 'ms' }),
  createSender: createV2Sender,
  spoolsToDisk: true,
  precision: (cfg) => cfg.precision,
};
