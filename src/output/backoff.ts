// Retry delays: exponential backoff with full jitter (a random delay between 0 and
// min(max, initial × 2^attempt)), so outputs that failed together do not retry in lockstep;
// a server's Retry-After is a floor.
import type { RetryConfig } from '../config/schema.js';

/** Longest Retry-After honoured: beyond this a misconfigured proxy would stall delivery for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export function retryDelay(retry: RetryConfig, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(retry.max_ms, retry.initial_ms * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
