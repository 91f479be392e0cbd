import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFrame, encodeFrame, encodeFrameBody, HEADER_BYTES } from '../../src/spool/frame.js';

// Multi-byte tag values: the frame's length is in bytes, not in string characters.
const lines = ['m,host=bücher v=1i 1', 'm,host=東京 v=2i 2', 'm,host=plain s="a b" 3'];

test('a frame encoded from the joined body is the frame of its lines, and checks out', () => {
  const frame = encodeFrameBody(lines.join('\n'), lines.length);
  assert.deepEqual(frame, encodeFrame(lines));
  const check = checkFrame(frame, 0);
  assert.ok(check.ok, JSON.stringify(check));
  assert.equal(check.lines, 3);
  assert.equal(check.payloadBytes, Buffer.byteLength(lines.join('\n')));
  assert.equal(check.frameBytes, frame.length);
  assert.equal(frame.subarray(check.payloadStart).toString('utf8'), lines.join('\n'));
});

test('a frame read at an offset, and one with a changed byte or cut short, are told apart', () => {
  const frame = encodeFrameBody(lines.join('\n'), lines.length);
  const file = Buffer.concat([encodeFrame(['x v=1i 1']), frame]);
  const second = checkFrame(file, file.length - frame.length);
  assert.ok(second.ok && second.lines === 3);

  const flipped = Buffer.from(frame);
  flipped[HEADER_BYTES + 9] ^= 0x01;
  assert.deepEqual(checkFrame(flipped, 0), { ok: false, reason: 'bad checksum' });
  assert.deepEqual(checkFrame(frame.subarray(0, frame.length - 1), 0), { ok: false, reason: 'short payload' });
});

test('an empty body is a frame of no payload', () => {
  const check = checkFrame(encodeFrameBody('', 0), 0);
  assert.ok(check.ok && check.payloadBytes === 0 && check.frameBytes === HEADER_BYTES);
});
