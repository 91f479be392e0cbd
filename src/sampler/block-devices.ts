// maj:min → kernel device name (`vda`, `nvme0n1`, `dm-0`) through
// `<sys_root>/dev/block/<maj:min>/uevent` (DEVNAME=…), cached with the row tags built from it so
// that a tick allocates nothing per device. A device that does not resolve (not present in this
// /sys, e.g. a partition of a host disk not visible to cgflux) is retried after `retryMs`.
import { readFileSync } from 'node:fs';

export type DeviceTags = Readonly<{ device: string; device_name?: string }>;

/** DEVNAME of a uevent file (`KEY=value` lines); undefined when absent or empty. */
export function parseUeventDevname(text: string): string | undefined {
  const at = text.startsWith('DEVNAME=') ? 0 : text.indexOf('\nDEVNAME=');
  if (at < 0) return undefined;
  const from = at === 0 ? 8 : at + 9;
  let end = text.indexOf('\n', from);
  if (end < 0) end = text.length;
  const name = text.slice(from, end).trim();
  return name === '' ? undefined : name;
}

interface Entry {
  tags: DeviceTags;
  /** When an unresolved entry may be retried (ms epoch); Infinity once resolved. */
  retryAt: number;
}

export class BlockDevices {
  private readonly cache = new Map<string, Entry>();

  constructor(
    readonly sysRoot: string,
    private readonly retryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tags for a device row: `device` = maj:min, plus `device_name` when it resolves. */
  tags(majMin: string): DeviceTags {
    const cached = this.cache.get(majMin);
    if (cached && (cached.retryAt === Infinity || this.now() < cached.retryAt)) return cached.tags;
    let name: string | undefined;
    try {
      name = parseUeventDevname(readFileSync(`${this.sysRoot}/dev/block/${majMin}/uevent`, 'latin1'));
    } catch {
      name = undefined;
    }
    const entry: Entry = name
      ? { tags: Object.freeze({ device: majMin, device_name: name }), retryAt: Infinity }
      : { tags: cached?.tags ?? Object.freeze({ device: majMin }), retryAt: this.now() + this.retryMs };
    this.cache.set(majMin, entry);
    return entry.tags;
  }

  name(majMin: string): string | undefined {
    return this.tags(majMin).device_name;
  }
}
