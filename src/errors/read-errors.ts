// Counters of values that could not be read, by collector and reason. A bad or missing value
// never stops a sample: it is skipped and counted here (exported in /metrics and self-metrics).
export type ReadErrorReason = 'missing' | 'unreadable' | 'vanished' | 'malformed' | 'empty' | 'pid_gone' | 'unseen';

export class ReadErrors {
  private readonly counts = new Map<string, number>();
  /** Bumped by every count(): a cheap "did anything fail since" check for the hot path. */
  revision = 0;

  count(collector: string, reason: ReadErrorReason, by = 1): void {
    this.revision++;
    const key = `${collector}\u0000${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /** [collector, reason, count] rows, for metrics. */
  entries(): Array<[string, ReadErrorReason, number]> {
    return [...this.counts].map(([k, n]) => {
      const [collector, reason] = k.split('\u0000');
      return [collector, reason as ReadErrorReason, n];
    });
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
}
