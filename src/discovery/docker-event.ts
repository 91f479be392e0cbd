// Docker's /events stream (one JSON object per line) → typed container lifecycle events.

export interface ContainerEvent {
  /** Milliseconds since the epoch. */
  time: number;
  /** Nanoseconds since the epoch, exact (from the raw text, not through a float). */
  timeNano: bigint;
  /** `start`, `die`, … ; `health_status: healthy` is reported as `health_status` with the status as message. */
  action: string;
  id: string;
  /** Container name without the leading "/" (as the event reports it; empty when absent). */
  name: string;
  exitCode?: number;
  message?: string;
  /** The container's labels as carried by the event (Actor.Attributes minus Docker's own keys). */
  labels: Record<string, string>;
  /** The image reference the container was created from (`image` attribute; empty when absent). */
  image: string;
}

/** Actions cgflux reports; exec_*, attach, resize, top, copy … are noise for metrics. */
export const LIFECYCLE_ACTIONS: ReadonlySet<string> = new Set([
  'create', 'start', 'restart', 'stop', 'kill', 'die', 'oom', 'pause', 'unpause', 'destroy', 'rename', 'update', 'health_status',
]);

/** Keys Docker adds to Actor.Attributes next to the container's labels. */
const DOCKER_ATTRIBUTE_KEYS = new Set(['name', 'image', 'exitCode', 'signal', 'oldName', 'execDuration']);

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

function messageFor(action: string, detail: string, attrs: Record<string, string>): string | undefined {
  if (action === 'health_status') return detail || undefined;
  if (action === 'kill' && attrs.signal) return `signal ${attrs.signal}`;
  if (action === 'rename' && attrs.oldName) return `renamed from ${attrs.oldName.replace(/^\//, '')}`;
  if (action === 'oom') return 'the kernel OOM killer killed a process of this container';
  return undefined;
}

/** Parses one line; undefined for blank, malformed, non-container or non-lifecycle lines. */
export function parseContainerEvent(line: string): ContainerEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || (raw.Type !== undefined && raw.Type !== 'container')) return undefined;
  const fullAction = raw.Action ?? raw.status ?? '';
  const colon = fullAction.indexOf(':');
  const action = colon < 0 ? fullAction : fullAction.slice(0, colon);
  const detail = colon < 0 ? '' : fullAction.slice(colon + 1).trim();
  const id = raw.Actor?.ID ?? raw.id;
  if (!id || !LIFECYCLE_ACTIONS.has(action)) return undefined;

  // timeNano does not fit a double exactly: take the digits from the text.
  const nanoText = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  const timeNano = nanoText !== undefined ? BigInt(nanoText) : BigInt(Math.trunc(raw.time ?? 0)) * 1_000_000_000n;
  const attrs = raw.Actor?.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!DOCKER_ATTRIBUTE_KEYS.has(k)) labels[k] = v;

  const event: ContainerEvent = {
    time: Number(timeNano / 1_000_000n),
    timeNano,
    action,
    id,
    name: (attrs.name ?? '').replace(/^\//, ''),
    labels,
    image: attrs.image ?? '',
  };
  if (attrs.exitCode !== undefined && /^-?\d+$/.test(attrs.exitCode)) event.exitCode = Number(attrs.exitCode);
  const message = messageFor(action, detail, attrs);
  if (message !== undefined) event.message = message;
  return event;
}

/** Reassembles lines from stream chunks that may split or join them. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }
}

/** Docker's `since` parameter for "after this nanosecond timestamp" (`seconds.nanoseconds`). */
export function sinceParameter(timeNano: bigint): string {
  const seconds = timeNano / 1_000_000_000n;
  const nanos = timeNano % 1_000_000_000n;
  return `${seconds}.${nanos.toString().padStart(9, '0')}`;
}
