// Delivering one batch: sends its lines, splits what is too large, drops exactly the lines the
// server rejects (those it names, or found by bisection) and remembers what was delivered, so
// a retry after a failure sends only what is left. A spooled batch is sent as the body it was
// stored as: it is cut into lines only when the server refuses some of them or its size.
import { escapeMeasurement } from '../encode/escape.js';
import { splitLines } from '../encode/split-lines.js';
import type { LineReason } from './line-rejections.js';
import type { SendOutcome } from './sender.js';
import type { DeliveryCounters } from './stats.js';

/** An outcome that is not about lines: the batch waits (backoff, slow retry, or set aside). */
export type BatchFailure = Exclude<SendOutcome, { kind: 'ok' | 'too_large' | 'rejected' }>;

export interface AttemptIo {
  send: (body: string) => Promise<SendOutcome>;
  counters: DeliveryCounters;
  /** For error messages. */
  target: string;
  stopped: () => boolean;
  /** The server accepted lines. */
  accepted: () => void;
}

export interface DroppedLines {
  count: number;
  /** The first line dropped for this reason, and what the server said about it. */
  sample: string;
  message: string;
}

export class BatchAttempt {
  /** A stack of chunks: the last is sent next. */
  private todo: string[][];
  /** The whole batch as one body, not yet cut into lines (nothing of it sent with success). */
  private whole: { body: string; lines: number } | undefined;
  readonly dropped = new Map<LineReason, DroppedLines>();

  constructor(lines: string[]) {
    this.todo = lines.length > 0 ? [lines] : [];
  }

  /** A batch as its body (lines joined by '\n') and its line count, as the spool holds it. */
  static ofBody(body: string, lines: number): BatchAttempt {
    const attempt = new BatchAttempt([]);
    if (body.length > 0 && lines > 0) attempt.whole = { body, lines };
    return attempt;
  }

  get done(): boolean {
    return this.whole === undefined && this.todo.length === 0;
  }

  /** How many lines are not yet delivered nor dropped (without cutting the body). */
  get remainingCount(): number {
    let n = this.whole?.lines ?? 0;
    for (const chunk of this.todo) n += chunk.length;
    return n;
  }

  /** The lines not yet delivered nor dropped, in order. */
  remaining(): string[] {
    this.cutWhole();
    const out: string[] = [];
    for (let i = this.todo.length - 1; i >= 0; i--) out.push(...this.todo[i]);
    return out;
  }

  /** Sends until every line is delivered or dropped (undefined), or an answer that is not about lines. */
  async run(io: AttemptIo): Promise<BatchFailure | undefined> {
    const { send, counters, target } = io;
    while (!this.done) {
      const whole = this.whole;
      const outcome = await send(whole ? whole.body : this.todo[this.todo.length - 1].join('\n'));
      counters.requests++;
      if (outcome.kind !== 'ok' && outcome.kind !== 'too_large' && outcome.kind !== 'rejected') return outcome;
      if (whole && outcome.kind === 'ok') {
        this.whole = undefined;
        counters.delivered(whole.lines);
        io.accepted();
      } else {
        // An answer about lines: from here on the batch is handled line by line.
        this.cutWhole();
        const chunk = this.todo[this.todo.length - 1];
        switch (outcome.kind) {
          case 'ok':
            this.todo.pop();
            counters.delivered(chunk.length);
            io.accepted();
            break;
          case 'too_large':
            counters.countError('too_large', `${target}: ${outcome.message}`);
            this.todo.pop();
            if (chunk.length === 1) this.drop('too_large', chunk, outcome.message);
            else this.split(chunk);
            break;
          case 'rejected':
            counters.countError('rejected', `${target}: ${outcome.message}`);
            if (this.rejected(chunk, outcome, counters)) io.accepted();
            break;
        }
      }
      if (io.stopped() && !this.done) return { kind: 'other', message: 'stopped' };
    }
    return undefined;
  }

  /** The whole body cut into its lines, once the server answered about some of them. */
  private cutWhole(): void {
    if (!this.whole) return;
    const lines = splitLines(this.whole.body);
    this.whole = undefined;
    if (lines.length > 0) this.todo.push(lines);
  }

  /** Returns whether the server wrote lines of the chunk (an InfluxDB 3 partial write). */
  private rejected(chunk: string[], outcome: SendOutcome & { kind: 'rejected' }, counters: DeliveryCounters): boolean {
    const named = (outcome.named ?? []).filter((n) => n.index < chunk.length);
    if (named.length > 0) {
      // The server said which lines: drop those; the rest it wrote already, or is sent again.
      const bad = new Set<number>();
      for (const n of named) {
        if (bad.has(n.index)) continue;
        bad.add(n.index);
        this.drop(n.reason, [chunk[n.index]], n.message);
      }
      this.todo.pop();
      const rest = chunk.filter((_, i) => !bad.has(i));
      if (!outcome.othersWritten) {
        if (rest.length > 0) this.todo.push(rest);
        return false;
      }
      counters.delivered(rest.length);
      return rest.length > 0;
    }
    this.todo.pop();
    // One line, or the server counts as many dropped as were sent: all of them are rejected.
    if (chunk.length === 1 || outcome.dropped === chunk.length) this.drop(outcome.reason, chunk, outcome.message);
    else if (!this.splitBy(chunk, outcome.measurement)) this.split(chunk);
    return false;
  }

  /** The lines of the measurement the server named apart from the others (sent first); false when that splits nothing. */
  private splitBy(chunk: string[], measurement: string | undefined): boolean {
    if (measurement === undefined) return false;
    const name = escapeMeasurement(measurement);
    const isSuspect = (l: string): boolean => l.startsWith(name) && (l[name.length] === ',' || l[name.length] === ' ');
    const suspects = chunk.filter(isSuspect);
    if (suspects.length === 0 || suspects.length === chunk.length) return false;
    this.todo.push(suspects, chunk.filter((l) => !isSuspect(l)));
    return true;
  }

  private split(chunk: string[]): void {
    const mid = Math.ceil(chunk.length / 2);
    this.todo.push(chunk.slice(mid), chunk.slice(0, mid));
  }

  private drop(reason: LineReason, lines: string[], message: string): void {
    const seen = this.dropped.get(reason);
    if (seen) seen.count += lines.length;
    else this.dropped.set(reason, { count: lines.length, sample: lines[0], message });
  }
}
