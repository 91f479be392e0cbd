// What one attempt to deliver a body of lines can come to. The delivery loop decides what to do
// (retry, split, drop); senders only say what happened.
import type { LineRejection } from './line-rejections.js';

export type RetryClass = 'network' | 'timeout' | 'http_5xx' | 'http_429' | 'http_408';

export type SendOutcome =
  | { kind: 'ok' }
  /** Transient: retry the same lines after a backoff (Retry-After honoured when given). */
  | { kind: 'retry'; errorClass: RetryClass; message: string; retryAfterMs?: number }
  /** 413: the body is too large; split it. */
  | { kind: 'too_large'; message: string }
  /** 400/422 about lines: drop the lines named, or find them by bisection (line-rejections.ts). */
  | ({ kind: 'rejected'; message: string } & LineRejection)
  /** 401/403: the credentials are wrong; keep the data, retry slowly. */
  | { kind: 'auth'; message: string }
  /** The bucket or database does not exist; keep the data, retry slowly. */
  | { kind: 'not_found'; message: string }
  /** Anything else unexpected (other 4xx, a local I/O error): keep the data, retry slowly. */
  | { kind: 'other'; message: string };

export interface Sender {
  /** `influxdb_v2 http://127.0.0.1:8086 bucket=b`: for messages; never contains a secret. */
  readonly target: string;
  /** Sends one body (lines joined by '\n'); never rejects. */
  send(body: string): Promise<SendOutcome>;
  /** After `not_found`: try to make the target exist (v1 create_database). True when it may now work. */
  createTarget?(): Promise<boolean>;
  /** Aborts the request in flight, if any (shutdown). */
  abort(): void;
  /** Releases sockets and files. */
  close(): Promise<void>;
}
