// The delivery loop of one output: takes batches from the spool oldest first, one request in
// flight, and acknowledges a batch only when every line of it was accepted by the server or
// rejected for good.
//   network error, timeout, 5xx, 429, 408 → retry with backoff + full jitter, Retry-After honoured
//   413 → split in halves; 400/422 → bisect down to the bad lines, drop only those (counted)
//   400/422 for EVERY line of a batch (> 1 line) → not bad lines but a refused request: keep the
//     batch, log loudly, retry it whole every retry.max_ms (no further bisection)
//   401/403, missing bucket/database, other 4xx → keep the data, retry every retry.max_ms, log once
import type { RetryConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Spool, SpoolEntry } from '../spool/spool.js';
import { splitLines } from '../encode/split-lines.js';
import { retryDelay } from './backoff.js';
import type { SendOutcome, Sender } from './sender.js';
import { DeliveryCounters } from './stats.js';

const SAMPLE_LINE_CHARS = 200;

export class DeliveryLoop {
  readonly counters = new DeliveryCounters();
  private stopped = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private flushDeadline = 0;
  /** The failure being reported (kind + class); logged when it changes, not per retry. */
  private failing: string | undefined;
  private failedAttempts = 0;
  private createdTarget = false;

  constructor(
    private readonly spool: Spool,
    private readonly sender: Sender,
    private readonly retry: RetryConfig,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running ??= this.run().catch((err) => this.log.error('delivery loop stopped unexpectedly', { target: this.sender.target, error: err }));
  }

  /** New data in the spool: stop idling (a backoff in progress is not cut short). */
  dataArrived(): void {
    if (this.sleepTimer === undefined) this.wake();
  }

  /** A flush or a stop: stop idling or backing off. */
  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    w?.();
  }

  /** Tries to deliver everything spooled until `deadlineMs` (epoch ms); what is left stays spooled. */
  async flush(deadlineMs: number): Promise<boolean> {
    this.flushDeadline = deadlineMs;
    this.wake();
    while (!this.stopped && this.spool.head() && Date.now() < deadlineMs) await new Promise((r) => setTimeout(r, 10));
    this.flushDeadline = 0;
    return this.spool.head() === undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sender.abort();
    this.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const entry = this.spool.head();
      if (!entry) {
        await this.sleep(undefined);
        continue;
      }
      const body = await this.spool.read(entry);
      if (body === undefined) continue;
      if (await this.deliver(entry, splitLines(body))) this.spool.ack(entry);
    }
  }

  /** True when every line was delivered or rejected for good; false when stopped midway or given up. */
  private async deliver(entry: SpoolEntry, lines: string[]): Promise<boolean> {
    let todo: string[][] = [lines]; // a stack: the last element is sent next
    let rejected: { line: string; why: string }[] = [];
    let attempt = 0;
    /** Every line was rejected once: the server refuses the request, so no line is dropped now. */
    let refusesEverything = false;
    while (todo.length > 0) {
      if (this.stopped) return false;
      const chunk = todo[todo.length - 1];
      let outcome = await this.sender.send(chunk.join('\n'));
      this.counters.requests++;
      if (this.stopped && outcome.kind !== 'ok') return false;
      if (outcome.kind === 'ok') {
        todo.pop();
        this.counters.pointsWritten += chunk.length;
        this.counters.lastSuccessMs = Date.now();
        this.recovered();
        attempt = 0;
        continue;
      }
      if (outcome.kind === 'rejected' && refusesEverything) outcome = refusedBatch(outcome.message, lines.length);
      else if (outcome.kind === 'too_large' || outcome.kind === 'rejected') {
        this.counters.countError(outcome.kind, `${this.sender.target}: ${outcome.message}`);
        todo.pop();
        if (chunk.length === 1) rejected.push({ line: chunk[0], why: outcome.message });
        else {
          const mid = Math.ceil(chunk.length / 2);
          todo.push(chunk.slice(mid), chunk.slice(0, mid));
        }
        if (outcome.kind === 'too_large' || rejected.length < lines.length || lines.length === 1) continue;
        refusesEverything = true;
        outcome = refusedBatch(rejected[0].why, lines.length);
        rejected = [];
        todo = [lines];
      }
      if (this.spool.isDetached(entry)) {
        // The spool overflowed and dropped this batch's segment while we were trying: give up.
        this.spool.dropDetached(entry, todo.reduce((n, c) => n + c.length, 0));
        if (rejected.length > 0) this.reportRejected(rejected);
        return false;
      }
      if (outcome.kind === 'ok' || outcome.kind === 'too_large' || outcome.kind === 'rejected') continue; // narrowed above
      this.counters.pointsRetried += todo[todo.length - 1].length;
      await this.fail(outcome, attempt++);
    }
    if (rejected.length > 0) this.reportRejected(rejected);
    return true;
  }

  private async fail(outcome: Exclude<SendOutcome, { kind: 'ok' | 'too_large' | 'rejected' }>, attempt: number): Promise<void> {
    const errorClass = outcome.kind === 'retry' ? outcome.errorClass : outcome.kind;
    this.counters.countError(errorClass, `${this.sender.target}: ${outcome.message}`);
    this.failedAttempts++;
    // A missing database that create_database may create is not an error yet: create it first and
    // retry soon; only when that fails is it reported (once per failure streak, as below).
    if (outcome.kind === 'not_found' && this.sender.createTarget && !this.createdTarget) {
      this.createdTarget = await this.sender.createTarget();
      if (this.createdTarget) {
        this.log.info('output: created the missing database', { target: this.sender.target });
        await this.sleep(retryDelay(this.retry, attempt));
        return;
      }
    }
    const state = `${outcome.kind}/${errorClass}`;
    if (this.failing !== state) {
      this.failing = state;
      const fields = { target: this.sender.target, error: outcome.message, spooled_points: this.spool.stats().points };
      if (outcome.kind === 'retry') this.log.warn('output: write failed; the data stays in the spool and is retried', fields);
      else this.log.error(this.loudMessage(outcome.kind), fields);
    }
    const delay = outcome.kind === 'retry' ? retryDelay(this.retry, attempt, outcome.retryAfterMs) : this.retry.max_ms;
    await this.sleep(delay);
  }

  private loudMessage(kind: 'auth' | 'not_found' | 'other'): string {
    if (kind === 'auth') return `output: the server refuses our credentials; nothing is written until they are fixed (data kept in the spool, retrying every ${this.retry.max_ms} ms)`;
    if (kind === 'not_found') return `output: the bucket/database does not exist; nothing is written until it does (data kept in the spool, retrying every ${this.retry.max_ms} ms)`;
    return `output: unexpected answer; data kept in the spool, retrying every ${this.retry.max_ms} ms`;
  }

  private recovered(): void {
    this.createdTarget = false;
    if (this.failing === undefined) return;
    this.log.info('output: writing again', { target: this.sender.target, failed_attempts: this.failedAttempts });
    this.failing = undefined;
    this.failedAttempts = 0;
  }

  private reportRejected(rejected: { line: string; why: string }[]): void {
    this.counters.rejected += rejected.length;
    const sample = rejected[0].line;
    this.log.warn('output: the server rejected lines; they are dropped, the rest of the batch was written', {
      target: this.sender.target,
      points_rejected: rejected.length,
      reason: rejected[0].why,
      first_line: sample.length > SAMPLE_LINE_CHARS ? sample.slice(0, SAMPLE_LINE_CHARS) + '…' : sample,
    });
  }

  /** Waits `ms` (undefined: until woken); a flush in progress shortens the wait to its deadline. */
  private sleep(ms: number | undefined): Promise<void> {
    if (this.stopped) return Promise.resolve();
    let wait = ms;
    if (wait !== undefined && this.flushDeadline > Date.now()) wait = Math.min(wait, Math.max(0, this.flushDeadline - Date.now()));
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      if (wait !== undefined) this.sleepTimer = setTimeout(() => this.wake(), wait);
    });
  }
}

function refusedBatch(serverMessage: string, lines: number): SendOutcome & { kind: 'other' } {
  return {
    kind: 'other',
    message: `every one of the ${lines} lines of a batch was rejected (${serverMessage}): that is a refused request, not bad lines (a proxy, a wrong precision or org?); none is dropped`,
  };
}
