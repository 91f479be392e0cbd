// Counters of one output, for self-metrics, /healthz and the status line.
export type DropReason = 'rejected' | 'spool_full' | 'spool_unwritable' | 'shutdown';

export interface OutputStats {
  name: string;
  type: string;
  pointsWritten: number;
  pointsDropped: Record<DropReason, number>;
  /** Points re-sent after a failed attempt (a point retried 3 times counts 3). */
  pointsRetried: number;
  /** HTTP requests (or writes, for stdout/file) made. */
  requests: number;
  /** Failed attempts by class: network, timeout, http_5xx, http_429, http_408, too_large, rejected, auth, not_found, other. */
  errors: Record<string, number>;
  lastSuccessMs: number | null;
  /** The last failure, free of secrets. */
  lastError: { atMs: number; message: string } | null;
  spoolBytes: number;
  spoolMemoryBytes: number;
  spoolBatches: number;
  spoolPoints: number;
  /** Bytes cut off the spool at start-up (torn writes); disk errors of the spool. */
  spoolCorruptBytes: number;
  spoolDiskErrors: number;
}

export class DeliveryCounters {
  pointsWritten = 0;
  rejected = 0;
  pointsRetried = 0;
  requests = 0;
  errors: Record<string, number> = {};
  lastSuccessMs: number | null = null;
  lastError: { atMs: number; message: string } | null = null;

  countError(errorClass: string, message: string): void {
    this.errors[errorClass] = (this.errors[errorClass] ?? 0) + 1;
    this.lastError = { atMs: Date.now(), message };
  }
}
