import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../src/config/units.js';
import { closest, editDistance } from '../../src/config/suggest.js';

describe('durations', () => {
  test('parses the documented forms to milliseconds', () => {
    const cases: [string, number][] = [['500ms', 500], ['10s', 10_000], ['1m', 60_000], ['1h', 3_600_000], ['1m30s', 90_000], ['1.5s', 1500], ['0', 0], ['0s', 0]];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  test('rejects what is not a duration', () => {
    for (const text of ['', '10', 'ten', '1d', '10 s', 's', '-1s', '0.5ms', '1h-', '1w']) assert.equal(parseDuration(text), null, text);
  });

  test('formats to the shortest exact form and round-trips', () => {
    assert.equal(formatDuration(60_000), '1m');
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(1500), '1500ms');
    assert.equal(formatDuration(7_200_000), '2h');
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (ms) => parseDuration(formatDuration(ms)) === ms));
  });
});

describe('sizes', () => {
  test('parses binary and decimal units and plain bytes', () => {
    const cases: [string, number][] = [['512MiB', 512 * 2 ** 20], ['1GB', 1e9], ['4096', 4096], ['64KiB', 65_536], ['1kb', 1000], ['2 GiB', 2 ** 31], ['1.5KiB', 1536]];
    for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
  });

  test('rejects what is not a size', () => {
    for (const text of ['', 'big', '1PB', '1.3B', 'MiB', '-1', '512 parsecs']) assert.equal(parseSize(text), null, text);
  });

  test('formats to the shortest exact form and round-trips', () => {
    assert.equal(formatSize(512 * 2 ** 20), '512MiB');
    assert.equal(formatSize(1_000_000), '1MB');
    assert.equal(formatSize(1234), '1234');
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (n) => parseSize(formatSize(n)) === n));
  });
});

describe('suggestions', () => {
  test('edit distance', () => {
    assert.equal(editDistance('socket', 'sockett'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  test('suggests close words and prefixes, not unrelated ones', () => {
    assert.equal(closest('intervall', ['interval', 'host']), 'interval');
    assert.equal(closest('warning', ['debug', 'info', 'warn', 'error']), 'warn');
    assert.equal(closest('colour', ['level', 'format', 'status_interval']), null);
  });
});
