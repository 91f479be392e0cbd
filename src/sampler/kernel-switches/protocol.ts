// The reply of native/switches/helper.c to one read: per cgroup id its voluntary and involuntary
// switch totals, the directory name of ids reported for the first time, and the helper's count
// of switches it could not record (map full). Pure: text in, values out.

export interface SwitchCounts {
  voluntary: bigint;
  involuntary: bigint;
}

export interface Snapshot {
  counts: Map<bigint, SwitchCounts>;
  /** cgroup id → directory name, for ids named in this reply only. */
  names: Map<bigint, string>;
  dropped: bigint;
}

const DIGITS = /^\d{1,20}$/;

/** Parses one complete reply (ending with its `end` line); undefined when it is not one. */
export function parseSnapshot(text: string): Snapshot | undefined {
  const counts = new Map<bigint, SwitchCounts>();
  const names = new Map<bigint, string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const last = lines.pop();
  if (last === undefined || !last.startsWith('end ')) return undefined;
  const dropped = last.slice(4);
  if (!DIGITS.test(dropped)) return undefined;
  for (const line of lines) {
    const parts = line.split(' ');
    if (parts[0] === 'n' && parts.length === 3 && DIGITS.test(parts[1]) && parts[2] !== '') {
      names.set(BigInt(parts[1]), parts[2]);
    } else if (parts.length === 3 && DIGITS.test(parts[0]) && DIGITS.test(parts[1]) && DIGITS.test(parts[2])) {
      counts.set(BigInt(parts[0]), { voluntary: BigInt(parts[1]), involuntary: BigInt(parts[2]) });
    } else {
      return undefined;
    }
  }
  return { counts, names, dropped: BigInt(dropped) };
}

/** True when `buffer` holds a whole reply: its last line starts with `end `. */
export function isComplete(text: string): boolean {
  if (!text.endsWith('\n')) return false;
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  return text.startsWith('end ', start);
}
