// influxdb_v2: POST /api/v2/write?org=&bucket=&precision= with `Authorization: Token …`.
// Also InfluxDB 3.x, InfluxDB 1.8+ (token `user:password`, bucket `db/rp`) and VictoriaMetrics.
import type { InfluxV2Output } from '../config/schema.js';
import { HttpSender, redactUrl } from './http-sender.js';

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
