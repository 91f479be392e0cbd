import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatPromValue } from '../../src/daemon/prom-text.js';

test('label values escape backslash, double quote and newline, and nothing else', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(escapeLabelValue('plain é\t{x}'), 'plain é\t{x}');
});

test('HELP text escapes backslash and newline, not double quotes', () => {
  assert.equal(escapeHelp('one\ntwo \\ "three"'), 'one\\ntwo \\\\ "three"');
});

test('values: NaN and the infinities as Prometheus spells them, numbers as JavaScript does', () => {
  assert.equal(formatPromValue(Number.NaN), 'NaN');
  assert.equal(formatPromValue(Infinity), '+Inf');
  assert.equal(formatPromValue(-Infinity), '-Inf');
  assert.equal(formatPromValue(12.5), '12.5');
  assert.equal(formatPromValue(1e21), '1e+21');
});
