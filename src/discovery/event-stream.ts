// Follows dockerd's container events. When the stream ends (socket closed, dockerd restarted) it
// reconnects with exponential backoff and jitter, asking for the events since the last one seen.
import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { LineSplitter, parseContainerEvent, sinceParameter, type ContainerEvent } from './docker-event.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based): doubling from initialMs, capped, with jitter in [½, 1]. */
export function backoffDelay(attempt: number, opts: BackoffOptions, random = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

export interface EventStreamEvents {
  /** A container lifecycle event. */
  event: [ContainerEvent];
  /** The stream is open; `reconnect` is false for the first connection. */
  connected: [reconnect: boolean];
  /** Connecting failed or the open stream ended. */
  disconnected: [error: unknown];
}

export class EventStream extends EventEmitter<EventStreamEvents> {
  private lastTimeNano: bigint | undefined;
  private attempt = 0;
  private everConnected = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private response: NodeJS.ReadableStream | undefined;

  constructor(
    private readonly docker: Docker,
    // Capped at 3 s: a reconnect attempt to a local socket costs nothing, and a longer wait after
    // dockerd is back is time with no container sampled (30 s left minutes-long outages blind for
    // up to 30 s more).
    private readonly backoff: BackoffOptions = { initialMs: 250, maxMs: 3_000 },
  ) {
    super();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    (this.response as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    this.response = undefined;
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    const options: Record<string, unknown> = { filters: { type: ['container'] }, abortSignal: abort.signal };
    if (this.lastTimeNano !== undefined) options.since = sinceParameter(this.lastTimeNano);
    let response: NodeJS.ReadableStream;
    try {
      response = await this.docker.getEvents(options as Docker.GetEventsOptions);
    } catch (err) {
      if (!this.stopped) {
        this.emit('disconnected', err);
        this.scheduleReconnect();
      }
      return;
    }
    if (this.stopped) {
      (response as unknown as { destroy(): void }).destroy();
      return;
    }
    this.response = response;
    this.attempt = 0;
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.follow(response);
    this.emit('connected', reconnect);
  }

  private follow(response: NodeJS.ReadableStream): void {
    const lines = new LineSplitter();
    let ended = false;
    let lastError: unknown;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) {
        const event = parseContainerEvent(line);
        if (event === undefined) continue;
        // `since` is inclusive: events replayed after a reconnect that were already seen are dropped.
        if (this.lastTimeNano !== undefined && event.timeNano <= this.lastTimeNano) continue;
        this.lastTimeNano = event.timeNano;
        this.emit('event', event);
      }
    });
    response.on('error', (err) => {
      lastError = err;
    });
    const onEnd = (): void => {
      if (ended) return;
      ended = true;
      if (this.response === response) this.response = undefined;
      if (this.stopped) return;
      this.emit('disconnected', lastError ?? Object.assign(new Error('dockerd closed the events stream'), { code: 'ECONNRESET' }));
      this.scheduleReconnect();
    };
    response.on('end', onEnd);
    response.on('close', onEnd);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const delay = backoffDelay(this.attempt++, this.backoff);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
