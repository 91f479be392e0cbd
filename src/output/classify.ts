// HTTP answers and transport errors → SendOutcome, the same way for every InfluxDB-speaking output.
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { readLineRejection } from './line-rejections.js';
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

/** The server's own words: the `error` or `message` of a JSON body (with InfluxDB 3's first line error), else the body. */
function serverText(body: string): string {
  let text = body;
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown; data?: unknown };
    const first = Array.isArray(json.data) ? json.data[0] : json.data;
    const detail = typeof first === 'object' && first !== null ? (first as { error_message?: unknown }).error_message : undefined;
    const main = typeof json.error === 'string' ? json.error : typeof json.message === 'string' ? json.message : undefined;
    if (main !== undefined) text = typeof detail === 'string' ? `${main}: ${detail}` : main;
  } catch {
    // not JSON: keep the text
  }
  return text.replace(/\s+/g, ' ').trim();
}

function serverSays(err: HttpError, text: string): string {
  const shown = text.length > MAX_BODY_IN_MESSAGE ? text.slice(0, MAX_BODY_IN_MESSAGE) + '…' : text;
  return `HTTP ${err.statusCode}${err.statusMessage ? ' ' + err.statusMessage : ''}${shown ? ': ' + shown : ''}`;
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
    const text = serverText(err.body ?? '');
    const message = serverSays(err, text);
    if (s === 400 || s === 422) {
      const rejection = readLineRejection(err.body ?? '', text);
      if (rejection) return { kind: 'rejected', message, ...rejection };
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
