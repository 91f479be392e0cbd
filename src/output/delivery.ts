// The delivery loop of one output: takes batches from the spool oldest first, one request in
// flight, and acknowledges a batch once every line of it was accepted by the server or rejected
// for good (batch-attempt.ts):
//   network error, timeout, 5xx, 429, 408 → retry with backoff + full jitter, Retry-After honoured
//   413 → split in halves; lines the server rejects (it names them, or bisection finds them) are
//     dropped and counted by reason, the rest is delivered
//   401/403, missing bucket/database, a 400 that names no line → keep the data, retry every
//     retry.max_ms, log loudly once
// A batch that keeps failing while the batch behind it is accepted is set aside (aside spool,
// bounded) and retried whenever the spool is empty: newer data is never held back by it.
import type { RetryConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Spool, SpoolEntry } from '../spool/spool.js';
import { retryDelay } from './backoff.js';
import { BatchAttempt, type AttemptIo, type BatchFailure } from './batch-attempt.js';
import type { Sender } from './sender.js';
import { DeliveryCounters } from './stats.js';

const SAMPLE_LINE_CHARS = 200;
/** A rejection reason is logged again after this long, with the points rejected meanwhile. */
const REJECT_LOG_EVERY_MS = 60_000;
/** Failed attempts of the oldest batch before the one behind it is tried. */
export const PROBE_AFTER_FAILURES = 2;

export class DeliveryLoop {
  readonly counters = new DeliveryCounters();
  private stopped = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private backingOff = false;
  private flushDeadline = 0;
  /** The failure being reported (kind + class); logged when it changes, not per retry. */
  private failing: string | undefined;
  private failedAttempts = 0;
  private createdTarget = false;
  /** When the oldest set-aside batch is tried again (epoch ms). */
  private asideRetryAt = 0;
  private asideFailing = false;
  /** Per reason: when its rejections were last logged, and the points rejected since. */
  private readonly rejectLog = new Map<string, { atMs: number; unlogged: number }>();
  private readonly io: AttemptIo;

  constructor(
    private readonly spool: Spool,
    private readonly aside: Spool,
    private readonly sender: Sender,
    private readonly retry: RetryConfig,
    private readonly log: Logger,
  ) {
    this.io = { send: (body) => sender.send(body), counters: this.counters, target: sender.target, stopped: () => this.stopped, accepted: () => this.recovered() };
  }

  start(): void {
    this.running ??= this.run().catch((err) => this.log.error('delivery loop stopped unexpectedly', { target: this.sender.target, error: err }));
  }

  /** New data in the spool: stop idling (a backoff in progress is not cut short). */
  dataArrived(): void {
    if (!this.backingOff) this.wake();
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
      if (entry) {
        const body = await this.spool.read(entry);
        if (body !== undefined) await this.deliverOldest(entry, BatchAttempt.ofBody(body, entry.lines));
      } else if (!(await this.retryAside())) {
        await this.sleep(this.aside.head() ? Math.max(0, this.asideRetryAt - Date.now()) : undefined);
      }
    }
  }

  /** The oldest batch: retried until done, given up (spool full) or set aside; kept when stopped. */
  private async deliverOldest(entry: SpoolEntry, attempt: BatchAttempt): Promise<void> {
    for (let failures = 0; ; failures++) {
      const failure = await attempt.run(this.io);
      if (this.stopped) return;
      if (!failure) {
        this.reportDropped(attempt);
        this.spool.ack(entry);
        return;
      }
      if (this.spool.isDetached(entry)) {
        // The spool overflowed and dropped this batch's segment while we were trying: give up.
        this.reportDropped(attempt);
        this.spool.dropDetached(entry, attempt.remainingCount);
        return;
      }
      this.counters.pointsRetried += attempt.remainingCount;
      const { delay, probe } = await this.failed(failure, failures);
      if (probe && failures + 1 >= PROBE_AFTER_FAILURES) {
        const newer = await this.tryNewer(entry);
        if (newer) {
          await this.setAside(entry, attempt, failure, newer);
          return;
        }
        // Dropped for room while the newer batch was tried: counted by the spool, not retried.
        if (this.spool.head() !== entry) return;
      }
      await this.sleep(delay, true);
      if (this.stopped) return;
    }
  }

  /** Tries the batch behind `entry` once; returns it when it went through (not yet acknowledged). */
  private async tryNewer(entry: SpoolEntry): Promise<SpoolEntry | undefined> {
    const next = this.spool.after(entry);
    const body = next && (await this.spool.read(next));
    let accepted = false;
    if (next && body !== undefined) {
      const probe = BatchAttempt.ofBody(body, next.lines);
      accepted = (await probe.run(this.io)) === undefined && !this.stopped;
      if (accepted) this.reportDropped(probe);
    }
    // Back to the oldest batch: it is the one being sent (pinned) again. Gone when dropped for room.
    if (this.spool.head() !== entry) return undefined;
    await this.spool.read(entry);
    return accepted ? next : undefined;
  }

  /** Moves what is left of `entry` to the aside spool (durably), then acknowledges it and `newer`. */
  private async setAside(entry: SpoolEntry, attempt: BatchAttempt, failure: BatchFailure, newer: SpoolEntry): Promise<void> {
    const lines = attempt.remaining();
    this.reportDropped(attempt);
    try {
      await this.aside.append([lines]);
    } catch (err) {
      this.log.error('output: cannot set a batch aside; it stays in the spool', { target: this.sender.target, error: err });
      return;
    }
    this.spool.ack(entry);
    this.spool.ack(newer);
    this.counters.pointsSetAside += lines.length;
    this.asideRetryAt = Date.now() + this.retry.max_ms;
    this.log.warn('output: a batch keeps failing while newer data is accepted; it is set aside and retried whenever the spool is empty', {
      target: this.sender.target,
      points: lines.length,
      error: failure.message,
      aside_points: this.aside.stats().points,
    });
  }

  /** Sends the oldest set-aside batch if its time has come; true when it went through. */
  private async retryAside(): Promise<boolean> {
    const entry = this.aside.head();
    if (!entry || Date.now() < this.asideRetryAt) return false;
    const body = await this.aside.read(entry);
    if (body === undefined) return true;
    const attempt = BatchAttempt.ofBody(body, entry.lines);
    const failure = await attempt.run(this.io);
    if (this.stopped) return false;
    if (!failure) {
      this.reportDropped(attempt);
      this.aside.ack(entry);
      if (this.asideFailing) this.log.info('output: a set-aside batch was delivered', { target: this.sender.target, points: entry.lines });
      this.asideFailing = false;
      return true;
    }
    if (this.aside.isDetached(entry)) {
      this.aside.dropDetached(entry, attempt.remainingCount);
      return true;
    }
    const errorClass = failure.kind === 'retry' ? failure.errorClass : failure.kind;
    this.counters.countError(errorClass, `${this.sender.target}: ${failure.message}`);
    if (!this.asideFailing) this.log.warn(`output: a set-aside batch still fails; retried every ${this.retry.max_ms} ms while newer data flows`, { target: this.sender.target, error: failure.message });
    this.asideFailing = true;
    this.asideRetryAt = Date.now() + this.retry.max_ms;
    return false;
  }

  /** Counts and logs a failure: the delay before the next attempt, and whether to try the next batch meanwhile. */
  private async failed(outcome: BatchFailure, attempt: number): Promise<{ delay: number; probe: boolean }> {
    const errorClass = outcome.kind === 'retry' ? outcome.errorClass : outcome.kind;
    this.counters.countError(errorClass, `${this.sender.target}: ${outcome.message}`);
    this.failedAttempts++;
    // A missing database that create_database may create is not an error yet: create it first and
    // retry soon; only when that fails is it reported (once per failure streak, as below).
    if (outcome.kind === 'not_found' && this.sender.createTarget && !this.createdTarget) {
      this.createdTarget = await this.sender.createTarget();
      if (this.createdTarget) {
        this.log.info('output: created the missing database', { target: this.sender.target });
        return { delay: retryDelay(this.retry, attempt), probe: false };
      }
    }
    const state = `${outcome.kind}/${errorClass}`;
    if (this.failing !== state) {
      this.failing = state;
      const fields = { target: this.sender.target, error: outcome.message, spooled_points: this.spool.stats().points };
      if (outcome.kind === 'retry') this.log.warn('output: write failed; the data stays in the spool and is retried', fields);
      else this.log.error(loudMessage(outcome.kind, this.retry.max_ms), fields);
    }
    const delay = outcome.kind === 'retry' ? retryDelay(this.retry, attempt, outcome.retryAfterMs) : this.retry.max_ms;
    return { delay, probe: worthProbing(outcome) };
  }

  private recovered(): void {
    this.createdTarget = false;
    if (this.failing === undefined) return;
    this.log.info('output: writing again', { target: this.sender.target, failed_attempts: this.failedAttempts });
    this.failing = undefined;
    this.failedAttempts = 0;
  }

  /**
   * One line per reason: how many points the server rejected, why, and one of them. A reason that
   * recurs every tick (a type conflict the server keeps) is logged at most once a minute.
   */
  private reportDropped(attempt: BatchAttempt): void {
    const now = Date.now();
    for (const [reason, d] of attempt.dropped) {
      this.counters.rejected[reason] += d.count;
      const seen = this.rejectLog.get(reason) ?? { atMs: -Infinity, unlogged: 0 };
      seen.unlogged += d.count;
      this.rejectLog.set(reason, seen);
      if (now - seen.atMs < REJECT_LOG_EVERY_MS) continue;
      this.log.warn('output: the server rejected lines; they are dropped, the rest of the batch was written', {
        target: this.sender.target,
        reason,
        points_rejected: seen.unlogged,
        server_said: d.message,
        first_line: d.sample.length > SAMPLE_LINE_CHARS ? d.sample.slice(0, SAMPLE_LINE_CHARS) + '…' : d.sample,
      });
      seen.atMs = now;
      seen.unlogged = 0;
    }
    attempt.dropped.clear();
  }

  /** Waits `ms` (undefined: until woken); a flush in progress shortens the wait to its deadline. */
  private sleep(ms: number | undefined, backoff = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    let wait = ms;
    if (wait !== undefined && this.flushDeadline > Date.now()) wait = Math.min(wait, Math.max(0, this.flushDeadline - Date.now()));
    this.backingOff = backoff;
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      if (wait !== undefined) this.sleepTimer = setTimeout(() => this.wake(), wait);
    }).finally(() => {
      this.backingOff = false;
    });
  }
}

/** Worth trying the next batch: the server answered this one (a refused connection or a 429 says nothing about it). */
function worthProbing(failure: BatchFailure): boolean {
  return !(failure.kind === 'retry' && (failure.errorClass === 'network' || failure.errorClass === 'http_429'));
}

function loudMessage(kind: 'auth' | 'not_found' | 'other', maxMs: number): string {
  if (kind === 'auth') return `output: the server refuses our credentials; nothing is written until they are fixed (data kept in the spool, retrying every ${maxMs} ms)`;
  if (kind === 'not_found') return `output: the bucket/database does not exist; nothing is written until it does (data kept in the spool, retrying every ${maxMs} ms)`;
  return `output: unexpected answer; data kept in the spool, retrying every ${maxMs} ms`;
}
