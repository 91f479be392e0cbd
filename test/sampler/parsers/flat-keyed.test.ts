import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFlatKeyed, wantedKeys } from '../../../src/sampler/parsers/flat-keyed.js';
import { parseDecimal } from '../../../src/sampler/parsers/decimal.js';

const WANTED = wantedKeys(['total_rss', 'total_cache', 'pgfault'] as const);

describe('parseFlatKeyed', () => {
  test('keeps only the wanted keys, as bigint', () => {
    const text = 'cache 9158656\nrss 12267520\ntotal_cache 358133760\ntotal_rss 85417984\npgfault 51239\n';
    assert.deepEqual(parseFlatKeyed(text, WANTED), {
      values: { total_cache: 358133760n, total_rss: 85417984n, pgfault: 51239n },
      malformed: 0,
    });
  });

  test('empty file gives no values and no error', () => {
    assert.deepEqual(parseFlatKeyed('', WANTED), { values: {}, malformed: 0 });
    assert.deepEqual(parseFlatKeyed('\n\n', WANTED), { values: {}, malformed: 0 });
  });

  test('a file cut short keeps the complete lines and counts the cut one', () => {
    assert.deepEqual(parseFlatKeyed('total_rss 100\ntotal_cache', WANTED), { values: { total_rss: 100n }, malformed: 1 });
    assert.deepEqual(parseFlatKeyed('total_rss 100\ntotal_cache ', WANTED), { values: { total_rss: 100n }, malformed: 1 });
    // No final newline: the last value is still whole.
    assert.deepEqual(parseFlatKeyed('total_rss 100\npgfault 7', WANTED), { values: { total_rss: 100n, pgfault: 7n }, malformed: 0 });
  });

  test('unexpected keys and odd lines are ignored; bad values of wanted keys are counted', () => {
    const text = 'future_key 12\ngarbage\ntotal_rss -5\ntotal_cache 1.5\npgfault 3 \n';
    assert.deepEqual(parseFlatKeyed(text, WANTED), { values: { pgfault: 3n }, malformed: 2 });
  });

  test('values above 2^53 and 2^63 stay exact', () => {
    const text = 'total_rss 9007199254740993\ntotal_cache 18446744073709551615\n';
    assert.deepEqual(parseFlatKeyed(text, WANTED).values, { total_rss: 9007199254740993n, total_cache: 18446744073709551615n });
  });

  test('a duplicated key keeps its first value', () => {
    assert.deepEqual(parseFlatKeyed('pgfault 1\npgfault 2\n', WANTED).values, { pgfault: 1n });
  });

  test('a key that is only a prefix of a wanted key does not match', () => {
    assert.deepEqual(parseFlatKeyed('total_rss_huge 5\ntotal 3\n', WANTED).values, {});
  });
});

/** The line-by-line reading the key search must agree with: a key is a line's text up to its first blank. */
function lineByLine(text: string, keys: readonly string[]): { values: Record<string, bigint>; malformed: number } {
  const blank = (c: number) => c === 32 || c === 9 || c === 13;
  const values: Record<string, bigint> = {};
  let malformed = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let keyEnd = start;
    while (keyEnd < end && !blank(text.charCodeAt(keyEnd))) keyEnd++;
    const key = text.slice(start, keyEnd);
    if (keyEnd > start && keys.includes(key) && values[key] === undefined) {
      let vs = keyEnd;
      while (vs < end && blank(text.charCodeAt(vs))) vs++;
      let ve = end;
      while (ve > vs && blank(text.charCodeAt(ve - 1))) ve--;
      const value = parseDecimal(text, vs, ve);
      if (value === undefined) malformed++;
      else values[key] = value;
    }
    start = end + 1;
  }
  return { values, malformed };
}

test('agrees with a line-by-line reading on random files (prefixes, duplicates, blanks, cut lines)', () => {
  const keys = ['file', 'file_mapped', 'active_file', 'total_rss', 'rss'] as const;
  const wanted = wantedKeys(keys);
  const piece = fc.constantFrom('file', 'file_mapped', 'active_file', 'total_rss', 'rss', 'total_rss_huge', 'x', ' ', ' ', '\t', '\r', '\n', '\n', '0', '7', '12', '18446744073709551615', '-', '.');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const text = pieces.join('');
      assert.deepEqual(parseFlatKeyed(text, wanted), lineByLine(text, keys));
    }),
    { numRuns: 20_000 },
  );
});
