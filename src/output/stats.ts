// Counters of one output, for self-metrics, /healthz and the status line.
import { LINE_REASONS, type LineReason } from './line-rejections.js';

/** Why points were lost: the server rejected those lines (by reason), or the spool could not keep them. */
export type DropReason = LineReason | 'spool_full' | 'spool_unwritable' | 'shutdown';
export const DROP_REASONS: readonly DropReason[] = [...LINE_REASONS, 'spool_full', 'spool_unwritable', 'shutdown'];

export interface OutputStats {
  name: string;
  type: string;
  pointsWritten: number;
  pointsDropped: Record<DropReason, number>;
  /** Points re-sent after a failed attempt (a point retried 3 times counts 3). */
  pointsRetried: number;
  /** Points of batches set aside because they kept failing while newer data was accepted. */
  pointsSetAside: number;
  /** HTTP requests (or writes, for stdout/file) made. */
  requests: number;
  /** Failed attempts by class: network, timeout, http_5xx, http_429, http_408, too_large, rejected, auth, not_found, other. */
  errors: Record<string, number>;
  lastSuccessMs: number | null;
  /** The last failure, free of secrets. */
  lastError: { atMs: number; message: string } | null;
  /** Waiting on disk (set-aside batches included); in memory only. */
  spoolBytes: number;
  spoolMemoryBytes: number;
  spoolBatches: number;
  spoolPoints: number;
  /** Of spoolPoints: those in set-aside batches; those held only in memory (lost at shutdown). */
  spoolAsidePoints: number;
  spoolMemoryPoints: number;
  /** Bytes cut off the spool at start-up (torn writes); disk errors of the spool. */
  spoolCorruptBytes: number;
  spoolDiskErrors: number;
}

export class DeliveryCounters {
  pointsWritten = 0;
  readonly rejected: Record<LineReason, number> = Object.fromEntries(LINE_REASONS.map((r) => [r, 0])) as Record<LineReason, number>;
  pointsRetried = 0;
  pointsSetAside = 0;
  requests = 0;
  errors: Record<string, number> = {};
  lastSuccessMs: number | null = null;
  lastError: { atMs: number; message: string } | null = null;

  delivered(points: number): void {
    this.pointsWritten += points;
    this.lastSuccessMs = Date.now();
  }

  countError(errorClass: string, message: string): void {
    this.errors[errorClass] = (this.errors[errorClass] ?? 0) + 1;
    this.lastError = { atMs: Date.now(), message };
  }
}
