// The acknowledged position of a spool: every frame before (segment, offset) was accepted by the
// server. Written with write-to-temp + rename. Losing it only means re-sending batches that were
// already delivered, which InfluxDB absorbs (same series + timestamp overwrites the same point),
// so it is not fsynced on every ack.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AckPosition {
  segment: number;
  offset: number;
}

const FILE = 'ack.json';

export function readAck(dir: string): AckPosition | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<AckPosition>;
    if (Number.isSafeInteger(v.segment) && Number.isSafeInteger(v.offset) && v.segment! >= 0 && v.offset! >= 0) {
      return { segment: v.segment!, offset: v.offset! };
    }
  } catch {
    // fall through: an unreadable ack file means "replay everything"
  }
  return undefined;
}

export async function writeAck(dir: string, pos: AckPosition): Promise<void> {
  const tmp = join(dir, FILE + '.tmp');
  await writeFile(tmp, JSON.stringify(pos));
  await rename(tmp, join(dir, FILE));
}

/** Persists the latest acknowledged position; writes are coalesced and run through `serial`. */
export class AckRecorder {
  private latest: AckPosition | undefined;
  private queued = false;

  constructor(
    private readonly dir: string,
    private readonly serial: (task: () => Promise<void>) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(pos: AckPosition): void {
    this.latest = pos;
    if (this.queued) return;
    this.queued = true;
    void this.serial(async () => {
      this.queued = false;
      await writeAck(this.dir, this.latest!).catch(this.onError);
    });
  }
}
