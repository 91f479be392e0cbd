// POSTs bodies of line protocol through @influxdata/influxdb-client's own node HTTP transport
// (not its WriteApi: that one keeps its own retry buffer and drops data on some 4xx; here the
// delivery loop owns retries and the spool). One keep-alive socket, one request at a time, a hard
// timeout per request that really aborts it, gzip when configured.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpError, InfluxDB, type Transport } from '@influxdata/influxdb-client';
import { maskUrlCredentials } from '../redact.js';
import { classifyError } from './classify.js';
import type { SendOutcome, Sender } from './sender.js';

export interface HttpSenderOptions {
  url: string;
  /** Sent as `Authorization: Token <token>` by the transport; undefined for none. */
  token?: string;
  /** Extra headers (v1 Basic auth). */
  headers?: Record<string, string>;
  /** Path + query of the write endpoint. */
  writePath: string;
  gzip: boolean;
  timeoutMs: number;
  target: string;
  /** Whether an answer means a missing bucket/database, in words (undefined: it does not). */
  notFound: (serverMessage: string, status: number) => string | undefined;
}

/** The URL as messages show it: credentials masked, no trailing slash. */
export function redactUrl(url: string): string {
  return maskUrlCredentials(url).replace(/\/+$/, '');
}

export class HttpSender implements Sender {
  readonly target: string;
  private readonly transport: Transport;
  private readonly agent: HttpAgent;
  private inflight: AbortController | undefined;

  constructor(private readonly options: HttpSenderOptions) {
    this.target = options.target;
    const https = options.url.startsWith('https:');
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.transport = new InfluxDB({
      url: options.url,
      token: options.token,
      timeout: options.timeoutMs,
      transportOptions: { agent: this.agent },
    }).transport;
  }

  send(body: string): Promise<SendOutcome> {
    return this.request(this.options.writePath, body, { 'content-type': 'text/plain; charset=utf-8' }, this.options.gzip);
  }

  /** One request; resolves with its outcome (2xx → ok), never rejects. */
  request(path: string, body: string, headers: Record<string, string>, gzip: boolean): Promise<SendOutcome> {
    const controller = new AbortController();
    this.inflight = controller;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    return new Promise<SendOutcome>((resolve) => {
      const finish = (outcome: SendOutcome): void => {
        clearTimeout(timer);
        if (this.inflight === controller) this.inflight = undefined;
        resolve(outcome);
      };
      this.transport.send(
        path,
        body,
        {
          method: 'POST',
          headers: { ...this.options.headers, ...headers },
          gzipThreshold: gzip ? 0 : undefined,
          signal: controller.signal,
        },
        {
          next: () => undefined,
          error: (err) => {
            // A socket timeout does not end the request by itself; an HTTP error answer did end it.
            if (!(err instanceof HttpError)) controller.abort();
            finish(classifyError(err, { notFound: this.options.notFound, timedOut, timeoutMs: this.options.timeoutMs }));
          },
          complete: () => finish({ kind: 'ok' }),
        },
      );
    });
  }

  abort(): void {
    this.inflight?.abort();
  }

  async close(): Promise<void> {
    this.abort();
    this.agent.destroy();
  }
}
