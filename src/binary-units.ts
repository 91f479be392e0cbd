// Bytes in binary units (1 KiB = 1024 B), scaled once here for every human-facing figure; each
// caller picks its own precision and spacing (a fixed-width top cell, a log line).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `bytes` (≥ 0) as a value below 1024 in the largest unit that allows it (PiB at most). */
export function binaryScale(bytes: number): { value: number; unit: (typeof UNITS)[number] } {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return { value, unit: UNITS[unit] };
}
