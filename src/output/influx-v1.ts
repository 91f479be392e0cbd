// influxdb_v1: POST /write?db=&rp=&precision= (InfluxDB 1.x API), credentials as HTTP Basic
// auth (accepted by 1.x like u=/p=, but kept out of URLs and logs). With create_database a missing
// database is created with `CREATE DATABASE` through /query, then the write is retried.
import { escape } from '@influxdata/influxdb-client';
import type { OutputBase, Precision } from '../config/schema.js';
import { PRECISION_FIELD, URL_FIELD, type OutputDefinition } from './definition.js';
import { HttpSender, redactUrl } from './http-sender.js';
import type { SendOutcome, Sender } from './sender.js';

export interface InfluxV1Output extends OutputBase {
  type: 'influxdb_v1';
  url: string;
  database: string;
  retention_policy: string;
  username: string;
  /** Secret: never logged. */
  password: string;
  precision: Precision;
  create_database: boolean;
}

const V1_PRECISION: Record<Precision, string> = { s: 's', ms: 'ms', us: 'u', ns: 'n' };

export class V1Sender implements Sender {
  readonly target: string;
  private readonly http: HttpSender;

  constructor(private readonly cfg: InfluxV1Output) {
    const q = new URLSearchParams({ db: cfg.database, precision: V1_PRECISION[cfg.precision] });
    if (cfg.retention_policy) q.set('rp', cfg.retention_policy);
    const headers: Record<string, string> = {};
    if (cfg.username) headers.authorization = 'Basic ' + Buffer.from(`${cfg.username}:${cfg.password}`).toString('base64');
    this.target = `influxdb_v1 ${redactUrl(cfg.url)} db=${cfg.database}${cfg.retention_policy ? ` rp=${cfg.retention_policy}` : ''}`;
    this.http = new HttpSender({
      url: cfg.url,
      headers,
      writePath: `/write?${q.toString()}`,
      gzip: cfg.gzip,
      timeoutMs: cfg.timeout_ms,
      target: this.target,
      notFound: (msg) => {
        if (msg.includes('database not found')) {
          return `database "${cfg.database}" does not exist at ${redactUrl(cfg.url)}: create it, set create_database: true, or fix outputs.${cfg.name}.database`;
        }
        if (msg.includes('retention policy not found')) {
          return `retention policy "${cfg.retention_policy}" does not exist in database "${cfg.database}" at ${redactUrl(cfg.url)}: create it or fix outputs.${cfg.name}.retention_policy`;
        }
        return undefined;
      },
    });
  }

  send(body: string): Promise<SendOutcome> {
    return this.http.send(body);
  }

  async createTarget(): Promise<boolean> {
    if (!this.cfg.create_database) return false;
    const q = new URLSearchParams({ q: `CREATE DATABASE ${escape.quoted(this.cfg.database)}` });
    const outcome = await this.http.request(`/query?${q.toString()}`, '', { 'content-type': 'application/x-www-form-urlencoded' }, false);
    return outcome.kind === 'ok';
  }

  abort(): void {
    this.http.abort();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

export const influxV1Output: OutputDefinition<InfluxV1Output> = {
  spec: {
    url: URL_FIELD,
    database: { leaf: { kind: 'string', nonEmpty: true }, required: 'the database to write to' },
    retention_policy: { leaf: { kind: 'string' } },
    username: { leaf: { kind: 'string' } },
    password: { leaf: { kind: 'string', secret: true } },
    precision: PRECISION_FIELD,
    create_database: { leaf: { kind: 'bool' } },
  },
  defaults: () => ({ url: '', database: '', retention_policy: '', username: '', password: '', precision: 'ms', create_database: false }),
  createSender: (cfg) => new V1Sender(cfg),
  spoolsToDisk: true,
  precision: (cfg) => cfg.precision,
};
