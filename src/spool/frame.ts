// On-disk framing of one batch:
//   magic u32 | payload length u32 | line count u32 | crc32(line count bytes + payload) u32 | payload
// (little endian). The payload is the batch's lines joined by '\n' in UTF-8. A crash mid-write
// leaves a frame that is short or fails its checksum; the scanner stops there.
import zlib from 'node:zlib';

export const FRAME_MAGIC = 0x31464743; // "CGF1" read as little-endian bytes
export const HEADER_BYTES = 16;
/** A length field above this is corruption, not a batch (segments are far smaller). */
export const MAX_PAYLOAD_BYTES = 1 << 30;

let table: Uint32Array | undefined;
function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** zlib.crc32 exists from Node 20.15; the table version keeps older 20.x working. */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : tableCrc32;

export function encodeFrame(lines: readonly string[]): Buffer {
  return encodeFrameBody(lines.join('\n'), lines.length);
}

/**
 * The frame of a batch already joined (`lines` lines separated by newlines): the body is encoded
 * straight into the frame, without a payload buffer copied over, and the caller keeps the one
 * joined string for its body cache.
 */
export function encodeFrameBody(body: string, lines: number): Buffer {
  const payloadBytes = Buffer.byteLength(body, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payloadBytes);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(payloadBytes, 4);
  frame.writeUInt32LE(lines, 8);
  frame.write(body, HEADER_BYTES, payloadBytes, 'utf8');
  frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES), crc32(frame.subarray(8, 12))), 12);
  return frame;
}

export type FrameCheck =
  | { ok: true; frameBytes: number; lines: number; payloadStart: number; payloadBytes: number }
  | { ok: false; reason: 'short header' | 'bad magic' | 'bad length' | 'short payload' | 'bad checksum' };

/** Validates the frame starting at `offset` of `buf` (which holds the file from some position). */
export function checkFrame(buf: Uint8Array, offset: number): FrameCheck {
  if (buf.length - offset < HEADER_BYTES) return { ok: false, reason: 'short header' };
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.readUInt32LE(offset) !== FRAME_MAGIC) return { ok: false, reason: 'bad magic' };
  const payloadBytes = view.readUInt32LE(offset + 4);
  if (payloadBytes > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'bad length' };
  const payloadStart = offset + HEADER_BYTES;
  if (buf.length - payloadStart < payloadBytes) return { ok: false, reason: 'short payload' };
  const lines = view.readUInt32LE(offset + 8);
  const expected = view.readUInt32LE(offset + 12);
  const actual = crc32(view.subarray(payloadStart, payloadStart + payloadBytes), crc32(view.subarray(offset + 8, offset + 12)));
  if (actual !== expected) return { ok: false, reason: 'bad checksum' };
  return { ok: true, frameBytes: HEADER_BYTES + payloadBytes, lines, payloadStart, payloadBytes };
}
