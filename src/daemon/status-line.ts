// One human line every log.status_interval_ms, so an operator tailing the log at 3 a.m. sees at
// a glance whether cgflux is working:
//   status: 37 containers, 412 points/s, spool 1.2 MiB (influx), last error 12 s ago: influx: HTTP 503 …
// formatStatus is pure (snapshot + the previous one → line); startStatusLine owns the timer.

import { binaryScale } from '../binary-units.js';

export interface StatusOutput {
  name: string;
  spoolBytes: number;
  lastSuccessMs: number | null;
  lastError: { atMs: number; message: string } | null;
}

export interface StatusSnapshot {
  /** When the snapshot was taken, ms since the epoch. */
  atMs: number;
  /** Containers sampled by the last tick. */
  containers: number;
  /** Cumulative counters (rates and "since the last line" figures come from the difference). */
  pointsWritten: number;
  ticksSkipped: number;
  readErrors: number;
  outputs: StatusOutput[];
}

const MAX_MESSAGE = 160;

/** 512 B, 1.2 MiB, 412 MiB. */
export function formatBytes(bytes: number): string {
  if (!(bytes >= 1024)) return `${Math.max(0, Math.round(bytes || 0))} B`;
  const { value, unit } = binaryScale(bytes);
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** 12 s, 5 min, 3 h, 2 d (rounded down, so "1 min" means at least a minute). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** 0, 0.5, 9.9, 412 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0';
  return perSecond < 10 ? String(Math.round(perSecond * 10) / 10) : String(Math.round(perSecond));
}

function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? flat.slice(0, MAX_MESSAGE - 1) + '…' : flat;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatStatus(now: StatusSnapshot, previous?: StatusSnapshot): string {
  const parts: string[] = [plural(now.containers, 'container', 'containers')];
  // "Since the last line" counts: a counter that went down (registry rebuilt on reload) counts from 0.
  const since = (cur: number, prev: number | undefined) => (prev === undefined || cur < prev ? cur : cur - prev);

  const seconds = previous ? (now.atMs - previous.atMs) / 1000 : 0;
  if (previous && seconds > 0) {
    parts.push(`${formatRate(since(now.pointsWritten, previous.pointsWritten) / seconds)} points/s`);
  } else {
    parts.push(`${plural(now.pointsWritten, 'point', 'points')} written`);
  }


  if (now.outputs.length > 0) {
    const spooled = now.outputs.filter((o) => o.spoolBytes > 0);
    parts.push(
      spooled.length === 0 ? 'spool empty' : 'spool ' + spooled.map((o) => `${formatBytes(o.spoolBytes)} (${o.name})`).join(', '),
    );
  } else {
    parts.push('no outputs');
  }

  const skipped = since(now.ticksSkipped, previous?.ticksSkipped);
  if (skipped > 0) parts.push(`${plural(skipped, 'tick', 'ticks')} skipped (ticks take longer than the interval)`);
  const readErrors = since(now.readErrors, previous?.readErrors);
  if (readErrors > 0) parts.push(plural(readErrors, 'read error', 'read errors'));

  let latest: StatusOutput | null = null;
  for (const o of now.outputs) {
    if (o.lastError && (!latest?.lastError || o.lastError.atMs > latest.lastError.atMs)) latest = o;
  }
  if (latest?.lastError) {
    const err = latest.lastError;
    const recovered = latest.lastSuccessMs !== null && latest.lastSuccessMs > err.atMs;
    parts.push(
      `last error ${formatDuration(now.atMs - err.atMs)} ago: ${latest.name}: ${oneLine(err.message)}` +
        (recovered ? ' (writes succeed again)' : ''),
    );
  }
  return `status: ${parts.join(', ')}`;
}

export interface StatusLineOptions {
  /** <= 0 disables the line. */
  intervalMs: number;
  snapshot: () => StatusSnapshot;
  write: (line: string) => void;
}

/** Writes a status line every intervalMs (first one after one interval). The timer is unref'd. */
export function startStatusLine(options: StatusLineOptions): { stop(): void } {
  if (!(options.intervalMs > 0)) return { stop() {} };
  let previous: StatusSnapshot | undefined;
  try {
    previous = options.snapshot();
  } catch {
    previous = undefined;
  }
  const timer = setInterval(() => {
    try {
      const now = options.snapshot();
      options.write(formatStatus(now, previous));
      previous = now;
    } catch (err) {
      options.write(`status: unavailable (${err instanceof Error ? err.message : String(err)})`);
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
