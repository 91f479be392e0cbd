// Turns one scalar the operator wrote (a YAML scalar, or the text of an environment variable or
// flag) into the typed value of a leaf, or a one-line message saying what was expected.
import { validateCronExpression } from 'cron';
import { parseListen } from '../listen.js';
import { maskUrlCredentials } from '../redact.js';
import { quote } from './errors.js';
import { didYouMean } from './suggest.js';
import { DURATION_HINT, SIZE_HINT, formatDuration, formatSize, parseDuration, parseSize } from './units.js';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS, type Leaf, type ScalarLeaf } from './spec.js';

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail = (message: string): Parsed => ({ ok: false, message });

/** How a found value is shown: YAML source text for numbers and booleans, quoted strings. */
export function shown(value: unknown, sourceText?: string): string {
  if (value === null || value === undefined) return 'nothing (the value is empty)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return quote(value.length > 80 ? `${value.slice(0, 77)}…` : value);
  return sourceText && sourceText !== '' ? sourceText : String(value);
}

/**
 * @param value the scalar: string | number | boolean | null from YAML; always a string from text.
 * @param fromText the value came from an environment variable or flag, so `5` and `true` are text.
 */
export function parseScalar(leaf: ScalarLeaf, value: unknown, found: string, fromText: boolean): Parsed {
  switch (leaf.kind) {
    case 'bool':
      if (typeof value === 'boolean') return ok(value);
      if (fromText && typeof value === 'string' && /^(true|false)$/i.test(value)) return ok(value.toLowerCase() === 'true');
      return fail(`expected true or false, got ${found}`);
    case 'int': {
      const n = fromText && typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return fail(`expected a whole number from ${leaf.min} to ${leaf.max}, got ${found}`);
      if (n < leaf.min || n > leaf.max) return fail(`expected a whole number from ${leaf.min} to ${leaf.max}, got ${n}`);
      return ok(n);
    }
    case 'duration':
      // A bare 0 needs no unit; any other bare number does.
      return parseBounded(value === 0 ? '0' : value, found, parseDuration, formatDuration, DURATION_HINT, 'a duration', leaf.min, leaf.max, leaf.zero);
    case 'size':
      return parseBounded(typeof value === 'number' ? String(value) : value, found, parseSize, formatSize, SIZE_HINT, 'a size', leaf.min, leaf.max);
    case 'enum': {
      if (typeof value === 'string' && leaf.values.includes(value)) return ok(value);
      return fail(`expected one of ${leaf.values.join(', ')}; got ${found}${typeof value === 'string' ? didYouMean(value, leaf.values) : ''}`);
    }
    case 'interval':
      return parseInterval(value, found);
  }
  // The remaining kinds are all text. `listen: 9273` gets the same full message as `listen: "9273"`.
  const textOnly = leaf.kind !== 'string' && leaf.kind !== 'hostname' && leaf.kind !== 'file_path';
  if (textOnly && typeof value === 'number') value = found;
  if (typeof value !== 'string') return fail(expectedText(leaf, value, found));
  switch (leaf.kind) {
    case 'string':
      if (leaf.nonEmpty && value === '') return fail('expected a non-empty string, got ""');
      if (leaf.pattern && !leaf.pattern.test(value)) return fail(`expected ${leaf.patternHint}, got ${found}`);
      return ok(value);
    case 'hostname':
      return /\s/.test(value) ? fail(`expected a hostname without spaces (or "" for this machine's hostname), got ${found}`) : ok(value);
    case 'path':
      return value.startsWith('/') ? ok(value) : fail(`expected an absolute path (starting with /), got ${found}`);
    case 'file_path':
      return value === '' ? fail('expected a file path, got ""') : ok(value);
    case 'url':
      return parseHttpUrl(value, found);
    case 'listen':
      return checkListen(value, found);
    case 'docker_socket':
      return parseDockerSocket(value, found);
  }
}

function expectedText(leaf: ScalarLeaf, value: unknown, found: string): string {
  const what: Record<string, string> = {
    string: 'a string', hostname: 'a hostname', path: 'an absolute path', file_path: 'a file path',
    url: 'an http(s) URL', listen: 'host:port', docker_socket: 'a Docker socket path or tcp://host:port',
  };
  const expected = `expected ${what[leaf.kind] ?? 'text'}`;
  if (leaf.kind === 'string' && leaf.secret) {
    return `${expected}, got a ${value === null ? 'empty value' : typeof value} (not shown: it is a secret${typeof value === 'number' || typeof value === 'boolean' ? '; put it in quotes' : ''})`;
  }
  const quotingHelps = leaf.kind === 'string' || leaf.kind === 'hostname' || leaf.kind === 'file_path';
  if (quotingHelps && (typeof value === 'number' || typeof value === 'boolean')) {
    return `${expected}, got ${found} (a ${typeof value}; put it in quotes: "${found}")`;
  }
  return `${expected}, got ${found}`;
}

function parseBounded(
  value: unknown, found: string, parse: (s: string) => number | null, format: (n: number) => string,
  hint: string, what: string, min: number, max: number, zero?: string,
): Parsed {
  const n = typeof value === 'string' ? parse(value) : null;
  if (n === null) return fail(`expected ${hint}, got ${found}`);
  if (n === 0 && zero !== undefined) return ok(0);
  if (n < min || n > max) {
    const zeroNote = zero !== undefined ? ` (or 0s for ${zero})` : '';
    return fail(`expected ${what} from ${format(min)} to ${format(max)}${zeroNote}, got ${found}`);
  }
  return ok(n);
}

const CRON_HINT = '5 fields "minute hour day-of-month month day-of-week", or 6 with seconds first';

function parseInterval(value: unknown, found: string): Parsed {
  const expected = `expected ${DURATION_HINT} or a cron expression (${CRON_HINT})`;
  if (typeof value !== 'string') return fail(`${expected}, got ${found}`);
  const text = value.trim();
  if (/\s/.test(text)) {
    const fields = text.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) return fail(`cron expression ${found} has ${fields} fields; expected ${CRON_HINT}`);
    const check = validateCronExpression(text);
    if (!check.valid) return fail(`invalid cron expression ${found}: ${check.error?.message ?? 'rejected'}; expected ${CRON_HINT}`);
    return ok({ every_ms: null, cron: text });
  }
  const ms = parseDuration(text);
  if (ms === null) return fail(`${expected}, got ${found}`);
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    return fail(`expected an interval from ${formatDuration(MIN_INTERVAL_MS)} to ${formatDuration(MAX_INTERVAL_MS)}, got ${found}`);
  }
  return ok({ every_ms: ms, cron: null });
}

function parseHttpUrl(value: string, found: string): Parsed {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    // `user:password@host` must not end up in a log line.
    const masked = /@/.test(value) ? quote(maskUrlCredentials(value)) : found;
    return fail(`expected an http(s) URL like http://127.0.0.1:8086, got ${masked}`);
  }
  return ok(value);
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function checkListen(value: string, found: string): Parsed {
  const expected = 'expected host:port like 127.0.0.1:9273, [::1]:9273 or :9273 (all interfaces), port 1-65535';
  const parsed = parseListen(value);
  if ('error' in parsed || parsed.port === 0) return fail(`${expected}, got ${found}`);
  return ok(value);
}

function parseDockerSocket(value: string, found: string): Parsed {
  if (value.startsWith('/')) return ok(value);
  // `unix:///var/run/docker.sock` is the same socket; consumers see one form.
  if (/^unix:\/\/\//.test(value)) return ok(value.slice('unix://'.length));
  const tcp = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\]):(\d+)$/.exec(value);
  if (tcp && parsePort(tcp[2]!) !== null) return ok(value);
  return fail(`expected a unix socket path like /var/run/docker.sock or tcp://127.0.0.1:2375, got ${found}`);
}

/** A leaf from the text of an environment variable or flag: lists are comma-separated, maps `k=v,k=v`. */
export function parseText(leaf: Leaf, text: string): Parsed {
  if (leaf.kind === 'list') {
    const items = splitList(text);
    const values: unknown[] = [];
    for (const item of items) {
      const p = parseScalar(leaf.of, item, quote(item), true);
      if (!p.ok) return p;
      values.push(p.value);
    }
    return ok(values);
  }
  if (leaf.kind === 'map') {
    const map: Record<string, string> = {};
    for (const item of splitList(text)) {
      const eq = item.indexOf('=');
      if (eq <= 0) return fail(`expected comma-separated key=value pairs like env=prod,dc=eu1, got ${quote(item)}`);
      map[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }
    return ok(map);
  }
  return parseScalar(leaf, text, quote(text), true);
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
