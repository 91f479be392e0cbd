import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCmdline } from '../../../src/sampler/parsers/cmdline.js';

test('NUL-separated arguments become spaces, trailing NULs dropped', () => {
  assert.equal(formatCmdline(Buffer.from('node\0server.js\0--port\x003000\0'), 100), 'node server.js --port 3000');
});

test('no NUL (a process that rewrote its title) and control characters', () => {
  assert.equal(formatCmdline(Buffer.from('nginx: worker process'), 100), 'nginx: worker process');
  assert.equal(formatCmdline(Buffer.from('a\nb\tc\x7f'), 100), 'a b c ');
});

test('bounded: cut with an ellipsis, also when the reader cut the file', () => {
  const long = Buffer.alloc(4 * 1024 * 1024, 0x61);
  const out = formatCmdline(long.subarray(0, 1025), 1024, true);
  assert.equal(out.length, 1024);
  assert.ok(out.endsWith('…'));
  assert.equal(formatCmdline(Buffer.from('abc'), 10, true), 'abc…');
});

test('invalid UTF-8 becomes U+FFFD; a surrogate pair is never cut in half', () => {
  assert.equal(formatCmdline(Buffer.from([0x78, 0xff, 0x00, 0x79]), 10), 'x\uFFFD y');
  const emoji = formatCmdline(Buffer.from('ab😀cd'), 4);
  assert.equal(emoji, 'ab…');
  assert.equal(formatCmdline(Buffer.alloc(0), 10), '');
});
