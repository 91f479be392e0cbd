// HTTP answers and transport errors → SendOutcome, the same way for every InfluxDB-speaking output.
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import type { SendOutcome } from './sender.js';

/** Retry-After as seconds or an HTTP date → ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const text = v.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const MAX_BODY_IN_MESSAGE = 300;

function serverSays(err: HttpError): string {
  let text = err.body ?? '';
  try {
    const json = JSON.parse(text) as { error?: string; message?: string };
    text = json.error ?? json.message ?? text;
  } catch {
    // not JSON: keep the text
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > MAX_BODY_IN_MESSAGE) text = text.slice(0, MAX_BODY_IN_MESSAGE) + '…';
  return `HTTP ${err.statusCode}${err.statusMessage ? ' ' + err.statusMessage : ''}${text ? ': ' + text : ''}`;
}

/**
 * What InfluxDB (1.x, 2.x, 3.x) says when it refuses particular lines of a body. A 400 without any
 * of these (a proxy answering 400 to everything, InfluxDB 2's "invalid precision", a bad org) is
 * about the request, not the lines: bisecting it would drop every line of a good batch.
 */
const LINE_LEVEL_MARKERS = [
  'partial write',
  'parse',
  'parsing',
  'field type conflict',
  'invalid field',
  'beyond retention policy',
  'bad timestamp',
  'line protocol',
  'max-values-per-tag',
  'max-series-per-database',
];

export function namesLines(serverMessage: string): boolean {
  const text = serverMessage.toLowerCase();
  return LINE_LEVEL_MARKERS.some((m) => text.includes(m));
}

export interface ClassifyContext {
  /** Whether the answer means a missing bucket/database/retention policy, in words; else undefined. */
  notFound: (serverMessage: string, status: number) => string | undefined;
  /** The request was aborted by our own timeout. */
  timedOut: boolean;
  timeoutMs: number;
}

export function classifyError(err: unknown, ctx: ClassifyContext): SendOutcome {
  if (err instanceof HttpError) {
    const s = err.statusCode;
    const message = serverSays(err);
    if (s === 400 || s === 422) {
      if (namesLines(message)) return { kind: 'rejected', message };
      return { kind: 'other', message: `${message} (the answer names no line: the server or a proxy refuses the request itself, e.g. a wrong org, bucket or precision)` };
    }
    if (s === 413) return { kind: 'too_large', message };
    if (s === 401 || s === 403) return { kind: 'auth', message: `${message} (check the token / username and password)` };
    const missing = ctx.notFound(message, s);
    if (missing) return { kind: 'not_found', message: `${missing} (${message})` };
    if (s === 404) return { kind: 'other', message };
    const retryAfterMs = parseRetryAfter(err.headers?.['retry-after']);
    if (s === 429) return { kind: 'retry', errorClass: 'http_429', message, retryAfterMs };
    if (s === 408) return { kind: 'retry', errorClass: 'http_408', message, retryAfterMs };
    if (s >= 500) return { kind: 'retry', errorClass: 'http_5xx', message, retryAfterMs };
    return { kind: 'other', message };
  }
  if (ctx.timedOut || err instanceof RequestTimedOutError) {
    return { kind: 'retry', errorClass: 'timeout', message: `no answer within ${ctx.timeoutMs} ms` };
  }
  const e = err as NodeJS.ErrnoException;
  const message = e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
  return { kind: 'retry', errorClass: 'network', message };
}
