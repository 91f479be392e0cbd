import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, retryDelay } from '../../src/output/backoff.js';
import { parseRetryAfter } from '../../src/output/classify.js';

const retry = { initial_ms: 100, max_ms: 1000 };

test('full jitter: between 0 and min(max, initial × 2^attempt)', () => {
  assert.equal(retryDelay(retry, 0, undefined, () => 0.999), 99);
  assert.equal(retryDelay(retry, 3, undefined, () => 0.5), 400);
  assert.equal(retryDelay(retry, 10, undefined, () => 0.999), 999);
  assert.equal(retryDelay(retry, 5, undefined, () => 0), 0);
  assert.equal(retryDelay(retry, 1000, undefined, () => 0.5), 500, 'no overflow for huge attempts');
});

test('Retry-After is a floor, capped at an hour', () => {
  assert.equal(retryDelay(retry, 0, 5000, () => 0.5), 5000);
  assert.equal(retryDelay(retry, 10, 10, () => 0.5), 500);
  assert.equal(retryDelay(retry, 0, 10 * 3_600_000, () => 0), MAX_RETRY_AFTER_MS);
});

test('parseRetryAfter: seconds, HTTP date, garbage', () => {
  const now = Date.parse('Sun, 22 Nov 2026 05:00:00 GMT');
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 05:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 04:00:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter(['3', '9'], now), 3000);
});
