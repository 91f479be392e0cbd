import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineEncoder, splitLines, withTimestamp } from '../../src/encode/index.js';

test('plain lines, CRLF and blank lines', () => {
  assert.deepEqual(splitLines('a f=1 1\r\nb f=2 2\n\nc f=3 3\n'), ['a f=1 1', 'b f=2 2', 'c f=3 3']);
});

test('a newline inside a quoted string value does not end the line', () => {
  assert.deepEqual(splitLines('m s="x\ny" 1\nm s="a\\"\nb" 2'), ['m s="x\ny" 1', 'm s="a\\"\nb" 2']);
});

test('quotes in tag values and field keys are literal', () => {
  assert.deepEqual(splitLines('m,t=a"b k"=1 1\nm,t="c f"g="v\n" 2'), ['m,t=a"b k"=1 1', 'm,t="c f"g="v\n" 2']);
});

test('any encoded lines survive join + split unchanged', () => {
  const anyText = fc.string({ maxLength: 10, unit: 'binary' });
  fc.assert(
    fc.property(
      fc.array(fc.record({ m: anyText.filter((s) => s.length > 0), tag: anyText, key: anyText.filter((s) => s.length > 0), s: anyText }), {
        minLength: 1,
        maxLength: 8,
      }),
      (rows) => {
        const enc = new LineEncoder({ hostname: 'h', tags: { labels_include: [], labels_exclude: [], global: {} } });
        const bodies = enc.encode([{ container: null, rows: rows.map((r) => ({ measurement: r.m, tags: { t: r.tag }, fields: { [r.key]: r.s, n: 1n } })) }]);
        const lines = withTimestamp(bodies, 1_700_000_000_000, 'ms');
        assert.deepEqual(splitLines(lines.join('\n')), lines);
      },
    ),
    { numRuns: 500 },
  );
});
